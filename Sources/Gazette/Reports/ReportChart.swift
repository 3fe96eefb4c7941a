// SVG charts of a report, drawn here as text at report time: no JavaScript, no library, no CDN. Colours come
// from CSS classes (`o-sent`, `o-failed`, …) that the page styles for light and dark schemes; text uses
// currentColor. Every mark carries data-* attributes and a <title> (a tooltip, and what tests read).
import Foundation
import Markup

/// Draws the charts of a report page.
enum ReportChart {
    /// The delivery outcomes in drawing order, with their labels.
    static let outcomes: [(key: String, label: String, value: @Sendable (OutcomeCounts) -> Int)] = [
        ("sent", "sent", { $0.sent }), ("deferred", "deferred", { $0.deferred }), ("failed", "failed", { $0.failed }),
        ("uncertain", "uncertain", { $0.uncertain }), ("invalid", "invalid", { $0.invalid }),
    ]

    /// Vertical bars per issue, chronological: the height is the recipients, stacked by outcome.
    static func recipientsPerIssue(_ issues: [IssueReport]) -> String {
        let width = 720.0, height = 260.0, left = 56.0, bottom = 48.0, top = 12.0
        let plotHeight = height - bottom - top
        let maximum = Double(max(1, issues.map(\.counts.recipients).max() ?? 1))
        let scale = niceCeiling(maximum)
        let slot = (width - left - 8) / Double(max(1, issues.count))
        let barWidth = min(64, slot * 0.7)
        var svg = open("issues", width: width, height: height, label: "Recipients per issue, by outcome")
        for step in 0...4 {  // gridlines and the axis' numbers
            let value = scale * Double(step) / 4, y = top + plotHeight * (1 - Double(step) / 4)
            svg += "<line class=\"grid\" x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(width - 4))\" y2=\"\(f(y))\"/>"
            svg += "<text class=\"axis\" x=\"\(f(left - 6))\" y=\"\(f(y + 4))\" text-anchor=\"end\">\(Report.number(Int(value)))</text>"
        }
        for (index, issue) in issues.enumerated() {
            let x = left + slot * Double(index) + (slot - barWidth) / 2
            var y = top + plotHeight
            for outcome in outcomes {
                let value = outcome.value(issue.counts)
                guard value > 0 else { continue }
                let h = plotHeight * Double(value) / scale
                y -= h
                svg += "<rect class=\"o-\(outcome.key)\" x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(barWidth))\" height=\"\(f(h))\""
                    + " data-issue=\"\(attr(issue.slug))\" data-outcome=\"\(outcome.key)\" data-value=\"\(value)\">"
                    + "<title>\(text(issue.slug)): \(Report.number(value)) \(outcome.label)</title></rect>"
            }
            svg += "<text class=\"label\" x=\"\(f(x + barWidth / 2))\" y=\"\(f(height - bottom + 16))\" text-anchor=\"middle\">\(text(short(issue.slug)))</text>"
            svg += "<text class=\"axis\" x=\"\(f(x + barWidth / 2))\" y=\"\(f(height - bottom + 32))\" text-anchor=\"middle\">\(text(String((issue.started ?? "").prefix(10))))</text>"
        }
        return svg + "</svg>"
    }

    /// One horizontal bar per issue, 100% wide, split into the shares of its outcomes.
    static func outcomeShares(_ issues: [IssueReport]) -> String {
        let width = 720.0, left = 140.0, rowHeight = 26.0, top = 8.0
        let height = top + rowHeight * Double(max(1, issues.count)) + 30
        let plotWidth = width - left - 12
        var svg = open("shares", width: width, height: height, label: "Outcome shares per issue")
        for (index, issue) in issues.enumerated() {
            let y = top + rowHeight * Double(index)
            svg += "<text class=\"label\" x=\"\(f(left - 8))\" y=\"\(f(y + 15))\" text-anchor=\"end\">\(text(short(issue.slug)))</text>"
            var x = left
            let total = Double(max(1, issue.counts.recipients))
            for outcome in outcomes {
                let value = outcome.value(issue.counts)
                guard value > 0 else { continue }
                let w = plotWidth * Double(value) / total
                svg += "<rect class=\"o-\(outcome.key)\" x=\"\(f(x))\" y=\"\(f(y + 3))\" width=\"\(f(w))\" height=\"\(f(rowHeight - 8))\""
                    + " data-issue=\"\(attr(issue.slug))\" data-outcome=\"\(outcome.key)\" data-value=\"\(value)\">"
                    + "<title>\(text(issue.slug)): \(outcome.label) \(Report.percent(Double(value) / total)) (\(Report.number(value)))</title></rect>"
                x += w
            }
        }
        svg += legend(y: height - 14, x: left)
        return svg + "</svg>"
    }

    /// Per domain of one issue: its not-delivered (failed + deferred) rate as a bar, the issue's rate as a line;
    /// flagged domains in the warning colour.
    static func domainRates(_ issue: IssueReport) -> String {
        let width = 720.0, left = 180.0, rowHeight = 24.0, top = 8.0
        let rows = issue.domains
        let height = top + rowHeight * Double(max(1, rows.count)) + 24
        let plotWidth = width - left - 70
        let maximum = max(0.05, rows.map(\.counts.notDeliveredRate).max() ?? 0, issue.counts.notDeliveredRate)
        let scale = min(1, niceCeiling(maximum * 100) / 100)
        var svg = open("domains-\(issue.slug)", width: width, height: height, label: "Not delivered per domain, \(issue.slug)")
        for (index, row) in rows.enumerated() {
            let y = top + rowHeight * Double(index)
            let name = row.domain == "other" ? "other (\(row.domainCount))" : row.domain
            let rate = row.counts.notDeliveredRate
            let w = plotWidth * rate / scale
            svg += "<text class=\"label\" x=\"\(f(left - 8))\" y=\"\(f(y + 15))\" text-anchor=\"end\">\(text(name))</text>"
            svg += "<rect class=\"\(row.flagged ? "flagged" : "rate")\" x=\"\(f(left))\" y=\"\(f(y + 4))\" width=\"\(f(max(w, 0.5)))\" height=\"\(f(rowHeight - 8))\""
                + " data-domain=\"\(attr(row.domain))\" data-rate=\"\(String(format: "%.4f", rate))\" data-flagged=\"\(row.flagged)\">"
                + "<title>\(text(name)): \(Report.percent(rate)) not delivered of \(Report.number(row.counts.attempted)) attempted</title></rect>"
            svg += "<text class=\"axis\" x=\"\(f(left + w + 6))\" y=\"\(f(y + 15))\">\(Report.percent(rate))</text>"
        }
        let x = left + plotWidth * issue.counts.notDeliveredRate / scale
        svg += "<line class=\"mean\" x1=\"\(f(x))\" y1=\"\(f(top))\" x2=\"\(f(x))\" y2=\"\(f(height - 20))\"><title>the issue: \(Report.percent(issue.counts.notDeliveredRate))</title></line>"
        svg += "<text class=\"axis\" x=\"\(f(x))\" y=\"\(f(height - 6))\" text-anchor=\"middle\">issue \(Report.percent(issue.counts.notDeliveredRate))</text>"
        return svg + "</svg>"
    }

    /// Per issue with engagement: a bar of human openers and machine-only openers (stacked), and a bar of clickers,
    /// as shares of the delivered recipients.
    static func engagementRates(_ issues: [IssueReport]) -> String {
        let tracked = issues.filter { $0.engagement != nil }
        let width = 720.0, left = 140.0, rowHeight = 40.0, top = 8.0
        let height = top + rowHeight * Double(max(1, tracked.count)) + 30
        let plotWidth = width - left - 70
        let maximum = tracked.compactMap(\.engagement).map { max($0.openRate, $0.clickRate) }.max() ?? 0
        let scale = min(1, niceCeiling(max(0.05, maximum) * 100) / 100)
        var svg = open("engagement", width: width, height: height, label: "Opens and clicks per issue")
        for (index, issue) in tracked.enumerated() {
            guard let e = issue.engagement else { continue }
            let y = top + rowHeight * Double(index)
            svg += "<text class=\"label\" x=\"\(f(left - 8))\" y=\"\(f(y + 20))\" text-anchor=\"end\">\(text(short(issue.slug)))</text>"
            var x = left
            for (key, label, count) in [("human", "human openers", e.humanOpeners), ("machine", "machine-only openers", e.machineOnlyOpeners)] {
                let rate = OutcomeCounts.rate(count, of: e.delivered), w = plotWidth * rate / scale
                svg += "<rect class=\"e-\(key)\" x=\"\(f(x))\" y=\"\(f(y + 2))\" width=\"\(f(w))\" height=\"15\" data-issue=\"\(attr(issue.slug))\""
                    + " data-kind=\"\(key)\" data-value=\"\(count)\"><title>\(text(issue.slug)): \(Report.number(count)) \(label), \(Report.percent(rate))</title></rect>"
                x += w
            }
            svg += "<text class=\"axis\" x=\"\(f(x + 6))\" y=\"\(f(y + 14))\">opened \(Report.percent(e.openRate))</text>"
            let w = plotWidth * e.clickRate / scale
            svg += "<rect class=\"e-click\" x=\"\(f(left))\" y=\"\(f(y + 19))\" width=\"\(f(w))\" height=\"15\" data-issue=\"\(attr(issue.slug))\""
                + " data-kind=\"click\" data-value=\"\(e.clickers)\"><title>\(text(issue.slug)): \(Report.number(e.clickers)) clicked, \(Report.percent(e.clickRate))</title></rect>"
            svg += "<text class=\"axis\" x=\"\(f(left + w + 6))\" y=\"\(f(y + 31))\">clicked \(Report.percent(e.clickRate))</text>"
        }
        var position = left
        for (key, label) in [("human", "human opens"), ("machine", "machine-only opens"), ("click", "clicks")] {
            svg += "<rect class=\"e-\(key)\" x=\"\(f(position))\" y=\"\(f(height - 23))\" width=\"10\" height=\"10\"/>"
            svg += "<text class=\"axis\" x=\"\(f(position + 14))\" y=\"\(f(height - 14))\">\(label)</text>"
            position += 150
        }
        return svg + "</svg>"
    }

    private static func legend(y: Double, x: Double) -> String {
        var svg = "", position = x
        for outcome in outcomes {
            svg += "<rect class=\"o-\(outcome.key)\" x=\"\(f(position))\" y=\"\(f(y - 9))\" width=\"10\" height=\"10\"/>"
            svg += "<text class=\"axis\" x=\"\(f(position + 14))\" y=\"\(f(y))\">\(outcome.label)</text>"
            position += 90
        }
        return svg
    }

    private static func open(_ name: String, width: Double, height: Double, label: String) -> String {
        "<svg class=\"chart\" data-chart=\"\(attr(name))\" viewBox=\"0 0 \(f(width)) \(f(height))\" width=\"100%\" role=\"img\" aria-label=\"\(attr(label))\""
            + " xmlns=\"http://www.w3.org/2000/svg\"><title>\(text(label))</title>"
    }

    /// 1, 2, 2.5 or 5 times a power of ten, at or above `value`: round numbers for an axis.
    static func niceCeiling(_ value: Double) -> Double {
        guard value > 0 else { return 1 }
        let power = pow(10, floor(log10(value)))
        for step in [1.0, 2, 2.5, 5, 10] where step * power >= value { return step * power }
        return 10 * power
    }

    private static func short(_ slug: String) -> String { slug.count > 18 ? String(slug.prefix(17)) + "…" : slug }
    private static func f(_ value: Double) -> String { String(format: "%.1f", value) }
    static func text(_ value: String) -> String { HTMLSerializer.escapeText(value) }
    static func attr(_ value: String) -> String { HTMLSerializer.escapeAttribute(value).replacingOccurrences(of: "<", with: "&lt;") }
}

// The report as terminal tables: the trend across issues, the flagged domains, and for one issue its
// domains. Plain text; the caller passes `mark` to colour what stands out (only on a terminal, never with NO_COLOR).
import Foundation

extension Report {
    /// Columns of every table: a count and its rate.
    private static let outcomeColumns = ["sent", "deferred", "failed", "invalid", "uncertain", "hard", "soft", "complaints", "unsubscribes"]

    /// The report as text. `mark` wraps a row that stands out (a flagged domain); `detailed` adds every
    /// issue's domain table (the default when one issue is asked for).
    public func text(detailed: Bool, mark: (String) -> String = { $0 }) -> String {
        var out = ""
        if issues.isEmpty {
            out += "No publish logs in logs/: nothing has been published from this folder yet.\n"
        } else {
            let header = ["issue", "started", "recipients"] + Self.outcomeColumns
            let rows = issues.map { issue in
                [issue.slug + (issue.cutOffLogs.isEmpty ? "" : " (cut off)"), String((issue.started ?? "—").prefix(10)),
                 Self.number(issue.counts.recipients)] + Self.outcomeCells(issue.counts)
            }
            out += Self.table(header: header, rows: rows.map { ($0, false) }, mark: mark)
        }
        if !issues.isEmpty { out += engagementText(detailed: detailed) }
        for issue in issues {
            let flagged = issue.domains.filter(\.flagged)
            if detailed {
                out += "\n\(issue.slug): \(issue.domains.count) domain row(s); not delivered (failed + deferred) \(Self.percent(issue.counts.notDeliveredRate)) of attempted\n"
                let header = ["domain", "attempted", "not delivered"] + Self.outcomeColumns
                let rows = issue.domains.map { row -> ([String], Bool) in
                    let name = row.domain == "other" ? "other (\(row.domainCount) domains)" : row.domain
                    return ([name + (row.flagged ? " !" : ""), Self.number(row.counts.attempted), Self.percent(row.counts.notDeliveredRate)]
                            + Self.outcomeCells(row.counts), row.flagged)
                }
                out += Self.table(header: header, rows: rows, mark: mark)
            }
            if let ab = issue.abTest, !ab.arms.isEmpty {
                out += "\n" + Self.abTable(ab, slug: issue.slug)
            }
            for row in flagged {
                out += mark("\(issue.slug): \(row.domain) stands out: \(Self.percent(row.counts.notDeliveredRate)) not delivered "
                            + "(\(row.counts.failed) failed, \(row.counts.deferred) deferred of \(row.counts.attempted)) against "
                            + "\(Self.percent(issue.counts.notDeliveredRate)) for the whole issue") + "\n"
            }
        }
        let lost = unattributed.hardBounces + unattributed.softBounces + unattributed.complaints + unattributed.unsubscribes
        if lost > 0 {
            out += "\nNot matched to an issue sent before them: \(unattributed.hardBounces) hard, \(unattributed.softBounces) soft bounces, "
                + "\(unattributed.complaints) complaints, \(unattributed.unsubscribes) unsubscribes\n"
        }
        return out
    }

    /// The per-arm table of an A/B test: sent, unique human opens and clicks with their rates, and the rest; the
    /// winner marked `*`, or the arm `auto` would choose now `+`.
    static func abTable(_ ab: ABTally, slug: String) -> String {
        let standing = ab.standing
        let out = "\(slug): A/B subject test, \(ab.arms.count) arms; \(standing.sentence(restDelivered: ab.restDelivered))\n"
        let header = ["arm: subject", "sent", "not sent", "opens", "open rate", "clicks", "click rate", "machine opens only"]
        let rows = ab.arms.map { arm -> ([String], Bool) in
            let subject = arm.subject.map { $0.count > 40 ? String($0.prefix(39)) + "…" : $0 } ?? "—"
            let mark = standing.letter == arm.letter ? (ab.recordedWinner == nil ? "+" : "*") : ""
            return ([arm.letter + mark + ": " + subject, number(arm.delivered), number(arm.notDelivered),
                     number(arm.humanOpeners), percent(arm.openRate), number(arm.clickers), percent(arm.clickRate),
                     number(arm.machineOnlyOpeners)], false)
        }
        return out + table(header: header, rows: rows, mark: { $0 })
    }

    /// Opens and clicks per issue, or "tracking off"; with `detailed`, each issue's top links.
    func engagementText(detailed: Bool) -> String {
        guard hasEngagement else { return "\nEngagement: tracking off (no click or open events in events/)\n" }
        var out = "\nEngagement (opens are a heuristic: docs/tracking.md; rates of delivered = sent - hard bounces)\n"
        let header = ["issue", "delivered", "opened", "human", "machine only", "open rate", "human open rate", "clicked", "click rate", "clicks"]
        let rows = issues.map { issue -> ([String], Bool) in
            guard let e = issue.engagement else { return ([issue.slug, "tracking off", "", "", "", "", "", "", "", ""], false) }
            return ([issue.slug, Self.number(e.delivered), Self.number(e.openers), Self.number(e.humanOpeners), Self.number(e.machineOnlyOpeners),
                     Self.percent(e.openRate), Self.percent(e.humanOpenRate), Self.number(e.clickers), Self.percent(e.clickRate),
                     Self.number(e.clicks)], false)
        }
        out += Self.table(header: header, rows: rows, mark: { $0 })
        guard detailed else { return out }
        for issue in issues {
            guard let links = issue.engagement?.links, !links.isEmpty else { continue }
            out += "\n\(issue.slug): top links\n"
            out += Self.table(header: ["link", "clicked", "clicks"],
                              rows: links.map { ([$0.url, Self.number($0.clickers), Self.number($0.clicks)], false) }, mark: { $0 })
        }
        return out
    }

    private static func outcomeCells(_ counts: OutcomeCounts) -> [String] {
        let rates = Dictionary(uniqueKeysWithValues: counts.rates.map { ($0.name, $0.value) })
        func cell(_ value: Int, _ rate: String) -> String { "\(number(value)) \(percent(rates[rate] ?? 0))" }
        return [cell(counts.sent, "sent"), cell(counts.deferred, "deferred"), cell(counts.failed, "failed"),
                cell(counts.invalid, "invalid"), cell(counts.uncertain, "uncertain"), cell(counts.hardBounces, "hard_bounces"),
                cell(counts.softBounces, "soft_bounces"), cell(counts.complaints, "complaints"), cell(counts.unsubscribes, "unsubscribes")]
    }

    /// `12.3%`, with two decimals under 1% (complaint rates live there).
    public static func percent(_ rate: Double) -> String {
        let value = rate * 100
        return value > 0 && value < 1 ? String(format: "%.2f%%", value) : String(format: "%.1f%%", value)
    }

    /// `1,234,567`.
    public static func number(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return (value < 0 ? "-" : "") + out
    }

    /// Columns padded to their widest cell; the first left-aligned, the others right-aligned.
    private static func table(header: [String], rows: [([String], Bool)], mark: (String) -> String) -> String {
        var widths = header.map(\.count)
        for (cells, _) in rows { for (index, cell) in cells.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                let pad = String(repeating: " ", count: max(0, widths[index] - cell.count))
                return index == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }
        var out = line(header) + "\n"
        for (cells, marked) in rows { out += (marked ? mark(line(cells)) : line(cells)) + "\n" }
        return out
    }
}

// The report as one self-contained HTML page (public/report/index.html by default): tables, and the SVG charts
// of ReportChart inline. No script, no font or stylesheet from elsewhere; light and dark schemes from CSS.
import Foundation

/// Writes the HTML report page.
public enum ReportPage {
    /// The page's project-relative path when none is given.
    public static let defaultPath = "public/report/index.html"

    /// The page of `report` for the newsletter `name`, stamped with `generated`.
    public static func html(_ report: Report, name: String, generated: Date = Date()) -> String {
        let issues = report.issues
        var body = "<header><h1>Delivery report — \(ReportChart.text(name))</h1>"
        body += "<p class=\"meta\">Made \(LogRecord.timestamp(generated).prefix(16).replacingOccurrences(of: "T", with: " ")) UTC by <code>gazette report</code> "
            + "from the publish logs, logs/bounces.jsonl (\(report.bounceRecords) records) and events/ (\(report.unsubscribeEvents) unsubscribes, "
            + "\(report.engagementEvents) clicks and opens).</p></header>"
        if issues.isEmpty {
            body += "<p id=\"empty\">No publish logs in logs/ yet.</p>"
        } else {
            body += "<section><h2>Issues</h2>" + trendTable(issues)
            body += "<figure><figcaption>Recipients per issue, by outcome</figcaption>\(ReportChart.recipientsPerIssue(issues))</figure>"
            body += "<figure><figcaption>Outcome shares per issue</figcaption>\(ReportChart.outcomeShares(issues))</figure></section>"
            body += engagementSection(report)
            for issue in issues.reversed() { body += section(issue) }
        }
        let lost = report.unattributed
        if lost.hardBounces + lost.softBounces + lost.complaints + lost.unsubscribes > 0 {
            body += "<p id=\"unattributed\">Not matched to an issue sent before them: \(lost.hardBounces) hard and \(lost.softBounces) soft bounces, "
                + "\(lost.complaints) complaints, \(lost.unsubscribes) unsubscribes.</p>"
        }
        if !report.problems.isEmpty {
            body += "<section id=\"problems\"><h2>Skipped while reading (\(report.problems.count))</h2><ul>"
            for problem in report.problems {
                body += "<li>\(ReportChart.text(problem.location.map { "\($0): " } ?? ""))\(ReportChart.text(problem.message))</li>"
            }
            body += "</ul></section>"
        }
        body += definitions
        return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="color-scheme" content="light dark"><title>Delivery report — \(ReportChart.text(name))</title>
        <style>\(style)</style></head>
        <body>\(body)</body></html>

        """
    }

    /// Writes the page to `url`, creating its folder.
    public static func write(_ report: Report, name: String, to url: URL) throws {
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(html(report, name: name).utf8).write(to: url, options: .atomic)
        } catch {
            throw DiagnosticError(.error("report-unwritable", "cannot write \(url.path): \(error.localizedDescription)",
                                         hint: "check that the folder is writable, or give another with --html PATH"))
        }
    }

    private static let columns = ["sent", "deferred", "failed", "invalid", "uncertain", "hard_bounces", "soft_bounces", "complaints", "unsubscribes"]
    private static let headings = ["sent", "deferred", "failed", "invalid", "uncertain", "hard bounces", "soft bounces", "complaints", "unsubscribes"]

    private static func cells(_ counts: OutcomeCounts) -> String {
        let values = Dictionary(uniqueKeysWithValues: counts.fields.map { ($0.name, $0.value) })
        let rates = Dictionary(uniqueKeysWithValues: counts.rates.map { ($0.name, $0.value) })
        return columns.map { key in
            "<td data-key=\"\(key)\">\(Report.number(values[key] ?? 0))<small>\(Report.percent(rates[key] ?? 0))</small></td>"
        }.joined()
    }

    private static func trendTable(_ issues: [IssueReport]) -> String {
        var html = "<div class=\"scroll\"><table id=\"trend\"><thead><tr><th>issue</th><th>started</th><th>recipients</th>"
            + headings.map { "<th>\($0)</th>" }.joined() + "</tr></thead><tbody>"
        for issue in issues {
            html += "<tr data-issue=\"\(ReportChart.attr(issue.slug))\"><th><a href=\"#issue-\(ReportChart.attr(issue.slug))\">\(ReportChart.text(issue.slug))</a>"
                + (issue.cutOffLogs.isEmpty ? "" : " <em>cut off</em>") + "</th>"
                + "<td>\(ReportChart.text(String((issue.started ?? "—").prefix(10))))</td><td data-key=\"recipients\">\(Report.number(issue.counts.recipients))</td>"
                + cells(issue.counts) + "</tr>"
        }
        return html + "</tbody></table></div>"
    }

    private static func section(_ issue: IssueReport) -> String {
        var html = "<section class=\"issue\" id=\"issue-\(ReportChart.attr(issue.slug))\"><h2>\(ReportChart.text(issue.slug))</h2>"
        html += "<p class=\"meta\">\(issue.sequenceStep.map { "step \(ReportChart.text($0.step)) of the sequence \(ReportChart.text($0.sequence)) · " } ?? "")"
            + "\(issue.issuePath.map { ReportChart.text($0) + " · " } ?? "")started \(ReportChart.text(issue.started ?? "—")) · "
            + "\(Report.number(issue.counts.attempted)) attempted, \(Report.percent(issue.counts.notDeliveredRate)) not delivered · "
            + "logs: \(ReportChart.text(issue.logs.joined(separator: ", ")))</p>"
        if !issue.cutOffLogs.isEmpty {
            html += "<p class=\"warning\">The last run of \(ReportChart.text(issue.cutOffLogs.joined(separator: ", "))) never ended (killed or lost): a rerun of publish may still change these numbers.</p>"
        }
        for row in issue.domains where row.flagged {
            html += "<p class=\"warning flag\" data-domain=\"\(ReportChart.attr(row.domain))\">\(ReportChart.text(row.domain)) stands out: "
                + "\(Report.percent(row.counts.notDeliveredRate)) not delivered against \(Report.percent(issue.counts.notDeliveredRate)) for the issue — a block by that provider?</p>"
        }
        if let ab = issue.abTest, !ab.arms.isEmpty { html += abTable(ab) }
        if let links = issue.engagement?.links, !links.isEmpty {
            html += "<div class=\"scroll\"><table class=\"links\"><thead><tr><th>top links</th><th>clicked</th><th>clicks</th></tr></thead><tbody>"
            for link in links {
                html += "<tr><th>\(ReportChart.text(link.url))</th><td>\(Report.number(link.clickers))</td><td>\(Report.number(link.clicks))</td></tr>"
            }
            html += "</tbody></table></div>"
        }
        html += "<figure><figcaption>Not delivered (failed + deferred) per domain; the line is the issue's rate</figcaption>\(ReportChart.domainRates(issue))</figure>"
        html += "<div class=\"scroll\"><table class=\"domains\"><thead><tr><th>domain</th><th>attempted</th><th>not delivered</th>" + headings.map { "<th>\($0)</th>" }.joined()
            + "</tr></thead><tbody>"
        for row in issue.domains {
            let name = row.domain == "other" ? "other (\(row.domainCount) domains)" : row.domain
            html += "<tr\(row.flagged ? " class=\"flagged\"" : "") data-domain=\"\(ReportChart.attr(row.domain))\"><th>\(ReportChart.text(name))</th>"
                + "<td>\(Report.number(row.counts.attempted))</td><td>\(Report.percent(row.counts.notDeliveredRate))</td>" + cells(row.counts) + "</tr>"
        }
        return html + "</tbody></table></div></section>"
    }

    /// An A/B subject test's arms: the numbers of `Report.abTable`, with the winner marked.
    private static func abTable(_ ab: ABTally) -> String {
        let standing = ab.standing
        let winner = ReportChart.text(standing.sentence(restDelivered: ab.restDelivered))
        var html = "<div class=\"scroll\"><table class=\"ab-test\"><caption>A/B subject test: \(winner)</caption><thead><tr><th>arm</th><th>subject</th>"
            + "<th>sent</th><th>not sent</th><th>opens</th><th>clicks</th><th>machine opens only</th></tr></thead><tbody>"
        for arm in ab.arms {
            let won = ab.recordedWinner?.letter == arm.letter, leads = ab.recordedWinner == nil && standing.letter == arm.letter
            html += "<tr data-arm=\"\(ReportChart.attr(arm.letter))\"\(won ? " class=\"winner\"" : leads ? " class=\"leading\"" : "")>"
                + "<th>\(ReportChart.text(arm.letter))\(won ? " *" : leads ? " +" : "")</th><td style=\"text-align:left\">\(ReportChart.text(arm.subject ?? "—"))</td>"
                + "<td>\(Report.number(arm.delivered))</td><td>\(Report.number(arm.notDelivered))</td>"
                + "<td>\(Report.number(arm.humanOpeners))<small>\(Report.percent(arm.openRate))</small></td>"
                + "<td>\(Report.number(arm.clickers))<small>\(Report.percent(arm.clickRate))</small></td><td>\(Report.number(arm.machineOnlyOpeners))</td></tr>"
        }
        return html + "</tbody></table></div>"
    }

    /// Opens and clicks per issue with their chart, or a line saying tracking is off.
    private static func engagementSection(_ report: Report) -> String {
        guard report.hasEngagement else {
            return "<section id=\"engagement\"><h2>Engagement</h2><p class=\"meta\">Tracking off: no click or open events in events/ (docs/tracking.md).</p></section>"
        }
        var html = "<section id=\"engagement\"><h2>Engagement</h2><p class=\"meta\">Opens are a heuristic: Apple Mail Privacy Protection and scanners fetch "
            + "images unread, and clients that block images never do (docs/tracking.md). Rates are shares of the delivered recipients (sent minus hard bounces).</p>"
        html += "<div class=\"scroll\"><table id=\"engagement-table\"><thead><tr><th>issue</th><th>delivered</th><th>opened</th><th>human</th>"
            + "<th>machine only</th><th>open rate</th><th>human open rate</th><th>clicked</th><th>click rate</th><th>clicks</th></tr></thead><tbody>"
        for issue in report.issues {
            html += "<tr data-issue=\"\(ReportChart.attr(issue.slug))\"><th>\(ReportChart.text(issue.slug))</th>"
            guard let e = issue.engagement else {
                html += "<td colspan=\"9\" class=\"off\">tracking off</td></tr>"
                continue
            }
            let cells = [Report.number(e.delivered), Report.number(e.openers), Report.number(e.humanOpeners), Report.number(e.machineOnlyOpeners),
                         Report.percent(e.openRate), Report.percent(e.humanOpenRate), Report.number(e.clickers), Report.percent(e.clickRate),
                         Report.number(e.clicks)]
            html += cells.map { "<td>\($0)</td>" }.joined() + "</tr>"
        }
        html += "</tbody></table></div>"
        html += "<figure><figcaption>Opens (human, machine only) and clicks per issue, of delivered</figcaption>\(ReportChart.engagementRates(report.issues))</figure>"
        return html + "</section>"
    }

    private static let definitions = """
        <section id="definitions"><h2>What the numbers mean</h2><ul>
        <li><b>sent, deferred, failed, uncertain</b>: shares of the <i>attempted</i> recipients (all but invalid, to whom nothing was sent). A recipient's state is the last outcome in the issue's logs (a rerun's); shard logs are summed.</li>
        <li><b>invalid</b>: share of all recipients.</li>
        <li><b>hard and soft bounces, complaints, unsubscribes</b>: shares of the <i>sent</i> recipients, each recipient counted once per issue, matched to the latest issue sent to the address before the bounce, complaint or unsubscribe.</li>
        <li><b>opened, clicked</b>: recipients with at least one open or click event of <code>gazette serve</code>, each counted once; <b>human</b> have an open not flagged as a machine's, <b>machine only</b> only flagged ones. Rates are shares of <i>delivered</i>: sent minus hard bounces.</li>
        <li><b>not delivered</b>: failed plus deferred, of attempted. A domain with at least \(DomainFlag.minimumAttempted) attempted stands out when its rate is at least \(Int(DomainFlag.margin * 100)) points above the issue's and at least \(Int(DomainFlag.factor)) times it.</li>
        </ul></section>
        """

    private static let style = """
        :root{--fg:#1d1f23;--bg:#fff;--muted:#5c6370;--line:#d8dbe0;--sent:#2e7d4f;--deferred:#c98a00;--failed:#c0392b;--uncertain:#7e57c2;--invalid:#8a8f98;--rate:#3b6ea8;--flag:#d0342c;--warnbg:#fff4e5}
        @media (prefers-color-scheme: dark){:root{--fg:#e6e6e6;--bg:#16181c;--muted:#a0a7b4;--line:#343a44;--sent:#4cbb7f;--deferred:#e0a82e;--failed:#ef6b5e;--uncertain:#a88be0;--invalid:#9aa0aa;--rate:#6fa3e0;--flag:#ff6b61;--warnbg:#3a2a12}}
        body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg);max-width:1100px;margin:0 auto;padding:1.5em}
        h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid var(--line)}.meta{color:var(--muted)}
        table{border-collapse:collapse;margin:1em 0;font-variant-numeric:tabular-nums}th,td{padding:.3em .6em;white-space:nowrap;border-bottom:1px solid var(--line);text-align:right}
        th:first-child{text-align:left}td small{display:block;color:var(--muted)}a{color:var(--rate)}
        tr.flagged th,tr.flagged td{color:var(--flag);font-weight:600}.warning{background:var(--warnbg);padding:.5em .8em;border-left:4px solid var(--flag)}
        .scroll{overflow-x:auto}figure{margin:1em 0}figcaption{color:var(--muted);font-size:.9em}svg.chart{max-width:760px;display:block}
        svg text{fill:currentColor;font-size:12px}svg .axis{fill:var(--muted);font-size:11px}svg .grid{stroke:var(--line)}
        svg .mean{stroke:var(--fg);stroke-dasharray:4 3}.o-sent{fill:var(--sent)}.o-deferred{fill:var(--deferred)}.o-failed{fill:var(--failed)}
        .o-uncertain{fill:var(--uncertain)}.e-human{fill:var(--sent)}.e-machine{fill:var(--invalid)}.e-click{fill:var(--rate)}td.off{color:var(--muted);text-align:left}.o-invalid{fill:var(--invalid)}.rate{fill:var(--rate)}.flagged{fill:var(--flag)}
        """
}

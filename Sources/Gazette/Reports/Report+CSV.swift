// The report as one CSV table (RFC 4180): a row per issue (domain `*`) and a row per domain row of it, counts
// and rates side by side, then the issue's engagement (empty cells: tracking off, and on domain rows); cells
// that a spreadsheet would run as a formula are neutralised. `kind` says whether the row's `issue` is an issue or
// a sequence step (`welcome/hello`).

extension Report {
    /// The CSV text, header first, CRLF line ends.
    public func csv() -> String {
        let template = OutcomeCounts()
        var header = ["issue", "started", "domain", "domains", "flagged"] + template.fields.map(\.name)
        header += template.rates.map { "\($0.name)_rate" }
        let engagementTemplate = EngagementCounts()
        header += engagementTemplate.fields.map(\.name) + engagementTemplate.rates.map { "\($0.name)_rate" }
        header.append("kind")
        let noEngagement = Array(repeating: "", count: engagementTemplate.fields.count + engagementTemplate.rates.count)
        var lines = [header.joined(separator: ",")]
        func row(_ issue: IssueReport, domain: String, domainCount: Int, flagged: Bool, counts: OutcomeCounts,
                 engagement: EngagementCounts? = nil) -> String {
            var cells = [issue.slug, issue.started ?? "", domain, String(domainCount), flagged ? "yes" : "no"].map {
                SuppressionList.field(CSVFormulaGuard.neutralized($0))
            }
            cells += counts.fields.map { String($0.value) }
            cells += counts.rates.map { String(format: "%.6f", $0.value) }
            cells += engagement.map { $0.fields.map { String($0.value) } + $0.rates.map { String(format: "%.6f", $0.value) } } ?? noEngagement
            cells.append(issue.sequenceStep == nil ? "issue" : "sequence-step")
            return cells.joined(separator: ",")
        }
        for issue in issues {
            lines.append(row(issue, domain: "*", domainCount: issue.domains.reduce(0) { $0 + $1.domainCount }, flagged: false, counts: issue.counts,
                             engagement: issue.engagement))
            for domain in issue.domains {
                lines.append(row(issue, domain: domain.domain, domainCount: domain.domainCount, flagged: domain.flagged, counts: domain.counts))
            }
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }
}

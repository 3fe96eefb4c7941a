// The report as one CSV table (RFC 4180): a row per issue (domain `*`) and a row per domain row of it, counts
// and rates side by side, then the issue's engagement (empty cells: tracking off, and on domain rows); cells
// that a spreadsheet would run as a formula are neutralised. An A/B test adds a row per arm (kind `ab-arm`) with
// the arm columns filled and the issue's left empty. `kind` says whether the row's `issue` is an issue or
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
        let armColumns = ["arm", "subject", "arm_sent", "arm_not_sent", "arm_opens", "arm_open_rate", "arm_clicks", "arm_click_rate",
                          "arm_machine_opens_only", "ab_standing", "ab_reason"]
        header += armColumns
        let noArm = Array(repeating: "", count: armColumns.count)
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
            return (cells + noArm).joined(separator: ",")
        }
        for issue in issues {
            lines.append(row(issue, domain: "*", domainCount: issue.domains.reduce(0) { $0 + $1.domainCount }, flagged: false, counts: issue.counts,
                             engagement: issue.engagement))
            for domain in issue.domains {
                lines.append(row(issue, domain: domain.domain, domainCount: domain.domainCount, flagged: domain.flagged, counts: domain.counts))
            }
            if let ab = issue.abTest { lines += armRows(ab, of: issue, blanks: header.count - armColumns.count - 3) }
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// An A/B test's rows, one per arm (kind `ab-arm`): issue and start, blanks under the issue columns, then the
    /// arm's numbers and the test's standing (won: the arm the winner phase sent, leading: `auto`'s choice now).
    private func armRows(_ ab: ABTally, of issue: IssueReport, blanks: Int) -> [String] {
        let standing = ab.standing
        return ab.arms.map { arm in
            let armStanding = standing.letter == arm.letter ? standing.name : standing.letter == nil ? standing.name : ""
            var cells = [issue.slug, issue.started ?? ""] + Array(repeating: "", count: blanks) + ["ab-arm", arm.letter, arm.subject ?? ""]
            cells += [arm.delivered, arm.notDelivered, arm.humanOpeners].map(String.init) + [String(format: "%.6f", arm.openRate)]
            cells += [String(arm.clickers), String(format: "%.6f", arm.clickRate), String(arm.machineOnlyOpeners), armStanding,
                      armStanding.isEmpty ? "" : standing.reason]
            return cells.map { SuppressionList.field(CSVFormulaGuard.neutralized($0)) }.joined(separator: ",")
        }
    }
}

// The report as a JSON object for `--format json`: the same numbers as the table, rates as fractions (0–1).

extension Report {
    /// Counts and rates of `counts`.
    static func json(_ counts: OutcomeCounts) -> [String: Any] {
        var object: [String: Any] = [:]
        for field in counts.fields { object[field.name] = field.value }
        var rates: [String: Any] = [:]
        for rate in counts.rates { rates[rate.name] = rate.value }
        rates["not_delivered"] = counts.notDeliveredRate
        object["rates"] = rates
        return object
    }

    /// Counts, rates and top links of an issue's engagement.
    static func json(_ engagement: EngagementCounts) -> [String: Any] {
        var object: [String: Any] = [:]
        for field in engagement.fields { object[field.name] = field.value }
        var rates: [String: Any] = [:]
        for rate in engagement.rates { rates[rate.name] = rate.value }
        object["rates"] = rates
        object["links"] = engagement.links.map { ["url": $0.url, "clicks": $0.clicks, "clickers": $0.clickers] as [String: Any] }
        return object
    }

    /// Everything but the problems, which the caller prints as diagnostics (DiagnosticPrinter's JSON fields).
    public func jsonObject() -> [String: Any] {
        let issues: [[String: Any]] = issues.map { issue in
            var object: [String: Any] = ["issue": issue.slug, "logs": issue.logs, "cut_off_logs": issue.cutOffLogs,
                                         "counts": Self.json(issue.counts)]
            if let started = issue.started { object["started"] = started }
            if let path = issue.issuePath { object["issue_path"] = path }
            object["kind"] = issue.sequenceStep == nil ? "issue" : "sequence_step"
            if let step = issue.sequenceStep {
                object["sequence"] = step.sequence
                object["step"] = step.step
            }
            if let ab = issue.abTest {
                let standing = ab.standing
                var test: [String: Any] = ["rest_sent": ab.restDelivered, "arms": ab.arms.map { arm -> [String: Any] in
                    var row: [String: Any] = ["arm": arm.letter, "sent": arm.delivered, "not_sent": arm.notDelivered, "won": ab.recordedWinner?.letter == arm.letter,
                                              "leading": ab.recordedWinner == nil && standing.letter == arm.letter,
                                              "opens": arm.humanOpeners, "clicks": arm.clickers, "machine_opens_only": arm.machineOnlyOpeners,
                                              "rates": ["open": arm.openRate, "click": arm.clickRate]]
                    if let subject = arm.subject { row["subject"] = subject }
                    return row
                }]
                if let winner = ab.recordedWinner {
                    test["winner"] = winner.letter
                    if let reason = winner.reason { test["winner_reason"] = reason }
                }
                // won: the winner phase ran; leading: what `auto` would choose now; undecided: why it cannot yet.
                test["standing"] = standing.name
                test["standing_reason"] = standing.reason
                if let letter = standing.letter { test["standing_arm"] = letter }
                object["ab_test"] = test
            }
            object["tracking"] = issue.engagement == nil ? "off" : "on"
            if let engagement = issue.engagement { object["engagement"] = Self.json(engagement) }
            object["domains"] = issue.domains.map { row -> [String: Any] in
                ["domain": row.domain, "domains": row.domainCount, "flagged": row.flagged, "counts": Self.json(row.counts)]
            }
            return object
        }
        return ["issues": issues, "unattributed": Self.json(unattributed), "bounce_records": bounceRecords,
                "unsubscribe_events": unsubscribeEvents, "engagement_events": engagementEvents,
                "unmatched_engagement_events": unmatchedEngagementEvents]
    }
}

// Builds a Report from files alone: logs/<slug>.jsonl and logs/<slug>.shard-K-of-N.jsonl (summed per issue),
// the sequences' step logs logs/sequences/<name>/<step>.jsonl (one row each), logs/bounces.jsonl, and events/*.jsonl. A bounce, complaint or unsubscribe counts for the latest issue that
// began at or before its date and was sent (or possibly sent: uncertain) to that address; a click or open names
// its issue itself.
import Foundation

/// Reads a project's logs into a report.
public struct ReportBuilder {
    public let project: Project
    /// Domains shown per issue before the rest are grouped as `other` (flagged ones are always shown).
    public var domainLimit: Int
    /// Links shown per issue, most clickers first.
    public var linkLimit = 10

    public init(project: Project, domainLimit: Int = 10) {
        self.project = project
        self.domainLimit = domainLimit
    }

    /// One issue being read.
    private struct Reading {
        var report: IssueReport
        var table = RecipientTable()
        var started: Date
        /// Domain index → what came back; address keys already counted, per kind.
        var returned: [UInt32: OutcomeCounts] = [:]
        var seen: [Kind: Set<UInt64>] = [:]
        /// Clicks and opens naming this issue; nil until the first.
        var engagement: EngagementTally?
    }

    private enum Kind { case hard, soft, complaint, unsubscribe }

    /// The report of every issue with a log, or only of `issue` (a slug, number, or file name as `publish` takes
    /// it). Every log is read either way: a later issue to the same address claims the bounces after it.
    public func build(issue reference: String? = nil) throws -> Report {
        var report = Report()
        let domains = RecipientTable.Domains()
        var readings = try readLogs(domains: domains, problems: &report.problems)
        // Issues in the order they began, then the sequences' steps (sent run after run, no one date) by name.
        readings.sort { ($0.report.sequenceStep != nil ? 1 : 0, $0.started, $0.report.slug) < ($1.report.sequenceStep != nil ? 1 : 0, $1.started, $1.report.slug) }

        let wanted = try reference.map { try slug(for: $0, among: readings.map(\.report.slug)) }
        let ledgerURL = project.url(SoftBounceLedger.path)
        let ledger = try SoftBounceLedger(url: ledgerURL)
        report.bounceRecords = ledger.entries.count
        for entry in ledger.entries {
            let kind: Kind
            switch entry.bounceClass {
            case .hard: kind = .hard
            case .soft: kind = .soft
            case .complaint: kind = .complaint
            case .notABounce: continue
            }
            attribute(entry.email, at: entry.date, kind: kind, to: &readings, unattributed: &report.unattributed)
        }
        // Events name an issue by its slug, a sequence step by the slug its messages carry (`sequence-<name>-<step>`).
        let bySlug = Dictionary(readings.enumerated().map { ($0.element.report.eventSlug, $0.offset) }, uniquingKeysWith: { first, _ in first })
        for file in SuppressionSync.files(in: project.url(EventsFile.directoryName), extension: "jsonl") {
            var engagementEvents = 0, unmatched = 0
            let events = try EventsReader(url: file, path: project.relativePath(file)) { entry in
                engagementEvents += 1
                // Only the issue's recipients count: not a `publish --test-to` message, not a link followed in the preview.
                guard let index = bySlug[entry.event.issue],
                      let recipient = readings[index].table.recipient(AddressKey(entry.event.email).hash64),
                      recipient.status == .sent || recipient.status == .uncertain else {
                    unmatched += 1
                    return
                }
                readings[index].engagement = readings[index].engagement ?? EngagementTally()
                readings[index].engagement?.add(entry.event)
            }
            report.engagementEvents += engagementEvents
            report.unmatchedEngagementEvents += unmatched
            report.problems += events.problems
            for entry in events.entries {
                report.unsubscribeEvents += 1
                guard let date = LogRecord.date(entry.event.time) else {
                    report.problems.append(.warning("events-time-unreadable", "the unsubscribe's time \"\(entry.event.time)\" is not a time",
                                                    at: SourceLocation(path: project.relativePath(file), line: entry.line)))
                    continue
                }
                attribute(entry.event.email, at: date, kind: .unsubscribe, to: &readings, unattributed: &report.unattributed)
            }
        }
        report.issues = readings.filter { wanted == nil || $0.report.slug == wanted }.map { finish($0, domains: domains) }
        // A/B issues only: their arms come from the logs again (the table keeps no arm) and the click and open events.
        for index in report.issues.indices where report.issues[index].abTest != nil {
            let tally = try ABTally(project: project, slug: report.issues[index].slug)
            report.issues[index].abTest = tally
            report.problems += tally.problems.filter { problem in !report.problems.contains { $0.location == problem.location } }
        }
        return report
    }

    /// Reads every publish log in logs/, one Reading per issue slug, and every step log of a sequence
    /// (logs/sequences/<sequence>/<step>.jsonl, written by `gazette sequences run`), one Reading per step,
    /// labelled `<sequence>/<step>`.
    private func readLogs(domains: RecipientTable.Domains, problems: inout [Diagnostic]) throws -> [Reading] {
        let folder = project.url("logs")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
        var bySlug: [String: Reading] = [:]
        for name in names where PublishLog.isPublishLog(fileName: name) {
            let stem = String(name.dropLast(".jsonl".count))
            let slug = PublishLogSet.shardStem(stem)?.0 ?? stem
            var reading = bySlug[slug] ?? Reading(report: IssueReport(slug: slug), started: .distantFuture)
            try read(folder.appendingPathComponent(name), path: "logs/\(name)", into: &reading, domains: domains, problems: &problems)
            bySlug[slug] = reading
        }
        let sequencesFolder = folder.appendingPathComponent(SequenceRunner.logsDirectory)
        let sequences = ((try? FileManager.default.contentsOfDirectory(atPath: sequencesFolder.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
        for sequence in sequences {
            for file in SuppressionSync.files(in: sequencesFolder.appendingPathComponent(sequence), extension: "jsonl") {
                let step = String(file.lastPathComponent.dropLast(".jsonl".count))
                var report = IssueReport(slug: "\(sequence)/\(step)")
                report.sequenceStep = IssueReport.Step(sequence: sequence, step: step)
                var reading = Reading(report: report, started: .distantFuture)
                try read(file, path: "logs/\(SequenceRunner.logsDirectory)/\(sequence)/\(file.lastPathComponent)", into: &reading,
                         domains: domains, problems: &problems)
                bySlug[reading.report.slug] = reading
            }
        }
        return Array(bySlug.values)
    }

    /// Adds one log (`path`, project-relative) to `reading`.
    private func read(_ url: URL, path: String, into reading: inout Reading, domains: RecipientTable.Domains, problems: inout [Diagnostic]) throws {
        let facts = try reading.table.read(url, domains: domains)
        reading.report.logs.append(path)
        if reading.report.issuePath == nil { reading.report.issuePath = facts.header?.issuePath }
        if let time = facts.header?.time ?? facts.firstTime, let date = LogRecord.date(time), date < reading.started {
            reading.started = date
            reading.report.started = time
        }
        if facts.lastRunOpen { reading.report.cutOffLogs.append(path) }
        if facts.header?.subjects != nil, reading.report.abTest == nil { reading.report.abTest = ABTally() }
        if facts.unreadableCount > 0 {
            let lines = facts.unreadableLines.map(String.init).joined(separator: ", ")
            problems.append(.warning("report-log-line-unreadable",
                                     "\(facts.unreadableCount) line(s) are not publish records (line \(lines)\(facts.unreadableCount > 5 ? ", …" : "")); skipped",
                                     at: SourceLocation(path: path, line: facts.unreadableLines.first),
                                     hint: "publish logs are written by `gazette publish`; check what else wrote to this file"))
        }
        if facts.tornBytes > 0 {
            problems.append(.warning("report-log-torn", "the last line is cut off (\(facts.tornBytes) bytes without a newline: a publish killed mid-write); skipped",
                                     at: SourceLocation(path: path),
                                     hint: "a rerun of `gazette publish` completes the log; the recipient on that line reads as it did before it"))
        }
    }

    /// The slug `reference` names: a log's slug, or the slug of the issue file it names.
    private func slug(for reference: String, among slugs: [String]) throws -> String {
        if slugs.contains(reference) { return reference }
        if let file = try? project.findIssue(reference), let issue = try? project.loadIssue(at: file) {
            if slugs.contains(issue.slug) { return issue.slug }
            throw DiagnosticError(.error("report-no-log", "\(issue.path) has no publish log (logs/\(issue.slug).jsonl)",
                                         at: SourceLocation(path: "logs"),
                                         hint: "publish it first, or restore logs/ from git (CI commits the logs after each run)"))
        }
        throw DiagnosticError(.error("report-no-log", "no publish log and no issue matches \"\(reference)\"",
                                     at: SourceLocation(path: "logs"),
                                     hint: slugs.isEmpty ? "logs/ has no publish logs yet: publish an issue first"
                                         : "name an issue by number, file name or slug; logs here: \(slugs.sorted().joined(separator: ", "))"))
    }

    /// Counts `kind` for the latest issue that began by `date` and was sent to `address`.
    private func attribute(_ address: String, at date: Date, kind: Kind, to readings: inout [Reading], unattributed: inout OutcomeCounts) {
        let key = AddressKey(address).hash64
        for index in readings.indices.reversed() where readings[index].started <= date {
            guard let recipient = readings[index].table.recipient(key),
                  recipient.status == .sent || recipient.status == .uncertain else { continue }
            guard readings[index].seen[kind, default: []].insert(key).inserted else { return }  // once per recipient and issue
            Self.count(kind, in: &readings[index].returned[recipient.domain, default: OutcomeCounts()])
            return
        }
        Self.count(kind, in: &unattributed)
    }

    private static func count(_ kind: Kind, in counts: inout OutcomeCounts) {
        switch kind {
        case .hard: counts.hardBounces += 1
        case .soft: counts.softBounces += 1
        case .complaint: counts.complaints += 1
        case .unsubscribe: counts.unsubscribes += 1
        }
    }

    /// Totals and domain rows of a reading.
    private func finish(_ reading: Reading, domains: RecipientTable.Domains) -> IssueReport {
        var report = reading.report
        var byDomain = reading.table.countsByDomain()
        for (domain, returned) in reading.returned { byDomain[domain, default: OutcomeCounts()].add(returned) }
        for counts in byDomain.values { report.counts.add(counts) }
        var rows = byDomain.map { IssueReport.DomainRow(domain: domains.names[Int($0.key)], counts: $0.value) }
        for index in rows.indices { rows[index].flagged = DomainFlag.isFlagged(rows[index].counts, in: report.counts) }
        rows.sort { ($1.counts.attempted, $0.domain) < ($0.counts.attempted, $1.domain) }
        var shown: [IssueReport.DomainRow] = [], other = IssueReport.DomainRow(domain: "other", domainCount: 0)
        for row in rows {
            if shown.count < domainLimit || row.flagged {
                shown.append(row)
            } else {
                other.domainCount += 1
                other.counts.add(row.counts)
            }
        }
        report.domains = shown + (other.domainCount > 0 ? [other] : [])
        report.engagement = reading.engagement?.counts(delivered: max(0, report.counts.sent - report.counts.hardBounces), linkLimit: linkLimit)
        return report
    }
}

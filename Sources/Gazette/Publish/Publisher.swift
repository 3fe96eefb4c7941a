// `gazette publish`: from a prepared issue and the audience to messages handed to a transport, with the
// log that makes the run resumable (DESIGN.md, reliability contract). One thread reads the audience; worker
// threads compose, sign, send and log; a stop request lets in-flight messages finish.
import Foundation
import Mail

/// Publishes one issue.
public final class Publisher: @unchecked Sendable {
    public let project: Project
    public let options: PublishOptions
    let makeTransport: (String) throws -> Transport
    private let stopLock = NSLock()
    private var stopRequested = false
    private var schedulerToStop: DeliveryScheduler?

    /// `makeTransport` turns one delivery of the chain (a transport name or URL) into a transport (the CLI
    /// passes the one that knows SMTP).
    public init(project: Project, options: PublishOptions, makeTransport: @escaping (String) throws -> Transport) {
        self.project = project
        self.options = options
        self.makeTransport = makeTransport
    }

    /// Asks the run to stop: nothing new starts, messages in flight finish and are logged.
    public func requestStop() {
        stopLock.lock()
        stopRequested = true
        let scheduler = schedulerToStop
        stopLock.unlock()
        scheduler?.stop()
    }

    var isStopping: Bool {
        stopLock.lock()
        defer { stopLock.unlock() }
        return stopRequested
    }

    /// What the run is about to do, for the first progress line.
    public struct Plan: Sendable {
        public var issue: String
        public var transport: String
        public var logPath: String?
        public var estimatedRecipients: Int
        public var resumed: Bool
        public var warnings: [Diagnostic]
    }

    /// Renders and checks the issue, then sends; throws (exit 1) on content or setup errors before anything is sent.
    public func run(onPlan: (Plan) -> Void = { _ in }, progress: @escaping @Sendable (PublishSummary) -> Void = { _ in })
        throws -> PublishSummary {
        var warnings: [Diagnostic] = []

        // 1. Render and check: an issue with errors is never sent.
        let templates = try TemplateSet(projectRoot: project.root)
        let issue = try project.loadIssue(at: project.findIssue(options.issue))
        let prepared = try prepare(issue, templates: templates)

        // 2. Transports and secrets.
        let setup = try makeSetup()
        warnings += setup.warnings
        let chain = setup.chain
        let transport = chain[0].transport
        let composer = try makeComposer(prepared, setup: setup, subjectPrefix: options.testTo == nil ? "" : "[TEST] ")

        if let testTo = options.testTo {
            return try sendTest(to: testTo, issue: issue, composer: composer, transport: transport, warnings: warnings, onPlan: onPlan)
        }

        // 3. The log: resume or begin, under a lock.
        let logs = project.url("logs")
        let stem = prepared.slug + (options.shard.map { ".shard-\($0.index)-of-\($0.count)" } ?? "")
        let logURL = logs.appendingPathComponent(stem + ".jsonl")
        guard PublishLog.isPublishLog(fileName: stem + ".jsonl") else {
            throw DiagnosticError(.error("issue-slug", "the slug \"\(prepared.slug)\" would share logs/bounces.jsonl with the bounce ledger",
                                         at: SourceLocation(path: issue.path, line: 1), hint: "set another `slug:` in the front matter"))
        }
        // One publish of this issue (and shard) at a time; its appends to suppressed.csv take the project lock.
        var lock: FileLock?
        if !options.dryRun {
            lock = try FileLock(url: logs.appendingPathComponent(stem + ".lock"), activity: "a publish of logs/\(stem).jsonl",
                                code: "publish-locked")
        }
        defer { lock?.release() }
        let state = try PublishLogState(reading: logURL, keepSentTimes: false)
        let contentHash = prepared.contentHash
        if let header = state.header, header.contentHash != contentHash, !options.force {
            throw DiagnosticError(.error(
                "content-changed", "the issue changed since its publish began (\(state.counts[.sent, default: 0]) already sent)",
                at: SourceLocation(path: issue.path),
                hint: "revert the change, or pass --force to send the new version to the rest"))
        }
        // The first run checks the audience against the lists as they are now (a tag or column no list has is
        // a typo that would send to nobody); a resumed run reads the frozen copies and goes on.
        if state.header == nil {
            let audienceErrors = AudienceCheck(project: project).check(issue).findings.filter { $0.severity == .error }
            if !audienceErrors.isEmpty { throw DiagnosticError(audienceErrors) }
        }
        // An A/B issue: the test arms, or the rest with a winner (ABPublishPlan says which, or why not yet).
        let ab = try ABPublishPlan.decide(project: project, issue: issue, prepared: prepared, state: state, choice: options.abWinner)
        let frozen = try AudienceSnapshot(project: project, logStem: stem, header: state.header, issueLists: issue.lists)

        var audience = try Audience(project: project, lists: frozen.listNames, files: frozen.files, shard: options.shard ?? .all)
        audience.segment = issue.segment
        let estimate = audience.estimatedRows
        let suppression = try SuppressionList(project: project)
        onPlan(Plan(issue: issue.path, transport: chain.description, logPath: options.dryRun ? nil : "logs/\(stem).jsonl",
                    estimatedRecipients: estimate, resumed: state.header != nil, warnings: warnings))

        // 4. Send.
        let log: PublishLog? = options.dryRun ? nil : try PublishLog(url: logURL)
        defer { log?.close() }
        var header: LogRecord?
        if state.header == nil, log != nil {
            header = Self.header(for: prepared)
            header?.lists = try frozen.freeze()
            header?.shard = options.shard?.description
            if let test = issue.subjectTest {
                header?.subjects = test.subjects
                header?.testShare = test.shareDescription
            }
        }
        var summary = try sendLogged(composer: composer, chain: chain, log: log, header: header, audience: audience,
                                     suppression: suppression, state: state,
                                     ab: ab, progress: progress)
        // A dry run sends no phase: it is not waiting for anything (the held count still says who would wait).
        summary.abPhase = options.dryRun ? nil : ab?.phase
        summary.abWinner = ab?.winnerLetter
        summary.abWinnerReason = ab?.winnerReason
        return summary
    }

    /// `--test-to`: one message, subject prefixed [TEST], fields from the first subscriber; no log.
    func sendTest(to address: String, issue: IssueSource, composer: MessageComposer, transport: Transport,
                  warnings: [Diagnostic], onPlan: (Plan) -> Void) throws -> PublishSummary {
        onPlan(Plan(issue: issue.path, transport: transport.description, logPath: nil, estimatedRecipients: 1,
                    resumed: false, warnings: warnings))
        var fields: [String: String] = ["email": address]
        var audience = try Audience(project: project, lists: issue.lists, files: nil, shard: .all)
        audience.segment = issue.segment
        try audience.firstRecipient().map { fields = $0.fields.merging(["email": address]) { _, new in new } }
        var summary = PublishSummary()
        switch try composer.compose(Recipient(address: address, fields: fields, source: "--test-to", list: "test")) {
        case .invalid(let reason):
            throw DiagnosticError(.error("test-address", "cannot send the test message to \(address): \(reason)"))
        case .message(let message):
            let sender = try transport.makeSender()
            defer { sender.close() }
            let outcome = sender.send(message)
            summary.count(outcome.status)
            if outcome.status != .sent {
                throw DiagnosticError(.error("test-send", "the test message was not accepted: \(outcome.reply)",
                                             hint: "try `gazette smtp test` to check the relay"))
            }
        }
        return summary
    }

    /// When messages were sent, from every log in logs/ and of every sequence step in logs/sequences/<name>/
    /// (a relay's caps count all of them).
    static func sendHistory(in logs: URL) -> [Date] {
        var folders = [logs]
        let sequences = logs.appendingPathComponent(SequenceRunner.logsDirectory)
        for name in ((try? FileManager.default.contentsOfDirectory(atPath: sequences.path)) ?? []) where !name.hasPrefix(".") {
            folders.append(sequences.appendingPathComponent(name))
        }
        var times: [Date] = []
        for folder in folders {
            for name in ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []) where PublishLog.isPublishLog(fileName: name) {
                if let state = try? PublishLogState(reading: folder.appendingPathComponent(name)) { times += state.sentTimes }
            }
        }
        return times
    }

    func register(_ scheduler: DeliveryScheduler?) {
        stopLock.lock()
        schedulerToStop = scheduler
        let stop = stopRequested
        stopLock.unlock()
        if stop { scheduler?.stop() }
    }

    /// The deliveries to try in order: `--via` (one, or several separated by commas) or `delivery.via`.
    func makeChain() throws -> DeliveryChain {
        let settings = project.configuration.delivery
        var entries = settings.chain
        if let via = options.via {
            entries = via.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            try TransportSettings.validateChain(entries, transports: settings.transports, at: SourceLocation(path: "--via"))
        }
        let links = try entries.map { entry -> DeliveryChain.Link in
            // `direct` alone is the direct delivery, unless gazette.yml gives that name to a transport of its own.
            let via = entry == "direct" && settings.transports[entry] == nil ? "direct:" : entry
            let transport = try makeTransport(via)
            return DeliveryChain.Link(label: settings.transports[entry] != nil ? entry : transport.description, transport: transport)
        }
        return DeliveryChain(links: links)
    }
}

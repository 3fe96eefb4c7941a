// `gazette sequences run`: sends each subscriber each step of each sequence that is due, through the publish
// machinery — the same renderer, checks, composer, deliveries, DKIM, rate limits and log contract. Each step has
// its own log, logs/sequences/<sequence>/<step id>.jsonl, appended by every run: a run reads it, skips whoever it
// says is done, retries the deferred and re-sends the uncertain, so no step goes to anyone twice, while the
// step's recipients grow run after run as people subscribe. One run of a sequence at a time (its lock).
import Foundation

/// Runs the sequences of a project at one moment.
public final class SequenceRunner: @unchecked Sendable {
    /// Under logs/: logs/sequences/<sequence>/<step id>.jsonl.
    public static let logsDirectory = "sequences"
    /// At most this many rows without subscribed_at are named one by one; the rest are counted.
    static let undatedWarningLimit = 20

    public let project: Project
    /// The sequence to run; nil: all of them.
    public let name: String?
    /// The moment steps are due against (`--now`).
    public let now: Date
    let publisher: Publisher

    /// `options` carries the delivery flags (`via`, `dryRun`, `concurrency`, `skipUncertain` …) as a publish's do;
    /// its `issue` is not used.
    public init(project: Project, name: String?, now: Date, options: PublishOptions,
                makeTransport: @escaping (String) throws -> Transport) {
        self.project = project
        self.name = name
        self.now = now
        publisher = Publisher(project: project, options: options, makeTransport: makeTransport)
    }

    /// Asks the run to stop: messages in flight finish and are logged; no further step starts.
    public func requestStop() { publisher.requestStop() }

    /// What one step did in this run.
    public struct StepResult: Sendable {
        public var sequence: String
        public var step: String
        public var path: String
        /// The sends, as a publish counts them (`already_done`: the step's log had them).
        public var summary: PublishSummary
        /// Whom the due rule left for later or for good.
        public var counts: StepCounts
        /// The step's log (nil in a dry run, or when nobody was due and the log was left alone).
        public var logPath: String?
    }

    public struct Result: Sendable {
        public var steps: [StepResult] = []
        public var warnings: [Diagnostic] = []
        public var interrupted = false

        /// 75 when a step left someone for a rerun (deferred, uncertain, not attempted) or the run was stopped.
        public var exitStatus: Int32 {
            interrupted || steps.contains { $0.summary.exitStatus != 0 } ? 75 : 0
        }
    }

    /// Loads, renders and checks every step first (content errors throw before anything is sent), then sends
    /// sequence by sequence, step by step. `onStep` hears each step's result as it ends.
    public func run(onStep: (StepResult) -> Void = { _ in }) throws -> Result {
        let options = publisher.options
        let (sequences, loadDiagnostics) = EmailSequence.load(project: project, named: name, date: IssueDate.today(now))
        var result = Result()
        result.warnings = loadDiagnostics.filter { $0.severity == .warning }
        let drafts = Set(sequences.flatMap(\.steps).filter(\.source.draft).map(\.path))
        let loadErrors = loadDiagnostics.filter { $0.severity == .error && !drafts.contains($0.location?.path ?? "") }
        if !loadErrors.isEmpty { throw DiagnosticError(loadErrors) }

        // 1. Render and check every step, and each sequence's audience against its lists.
        let templates = try TemplateSet(projectRoot: project.root)
        var prepared: [String: PreparedIssue] = [:]
        var errors: [Diagnostic] = []
        for sequence in sequences {
            // A step marked `draft: true` is not sent (nor does a mistake in it hold the others back) while it is written.
            for step in sequence.steps where step.source.draft {
                result.warnings.append(.warning("sequence-step-draft", "the step is a draft: it is not sent",
                                                at: SourceLocation(path: step.path, line: 1), hint: "remove `draft: true` to send it"))
            }
            for step in sequence.steps where !step.source.draft {
                do {
                    prepared[step.path] = try publisher.prepare(step.source, templates: templates)
                } catch let error as DiagnosticError {
                    errors += error.diagnostics
                }
            }
            if let first = sequence.steps.first {
                errors += AudienceCheck(project: project).check(first.source).findings.filter { $0.severity == .error }
            }
        }
        if !errors.isEmpty { throw DiagnosticError(errors) }

        // 2. Deliveries and secrets, once for all steps.
        let setup = try publisher.makeSetup()
        result.warnings += setup.warnings
        var undated = Set<String>(), undatedRows: [SourceLocation] = []

        // 3. Send.
        for sequence in sequences {
            let folder = "logs/\(Self.logsDirectory)/\(sequence.name)"
            var lock: FileLock?
            if !options.dryRun {
                try FileManager.default.createDirectory(at: project.url(folder), withIntermediateDirectories: true)
                lock = try FileLock(url: project.url("\(folder).lock"), activity: "a run of the sequence \(sequence.name)",
                                    code: "sequence-locked")
            }
            defer { lock?.release() }
            let claimed = ClaimedAddresses()
            for step in sequence.steps {
                if publisher.isStopping { break }
                guard let stepPrepared = prepared[step.path] else { continue }
                let logPath = "\(folder)/\(step.id).jsonl"
                let stepResult = try send(step, of: sequence, prepared: stepPrepared, setup: setup, logPath: logPath,
                                          claimed: claimed) { location in
                    if undated.insert(location.description).inserted { undatedRows.append(location) }
                }
                result.steps.append(stepResult)
                onStep(stepResult)
            }
        }
        result.interrupted = publisher.isStopping
        for location in undatedRows.prefix(Self.undatedWarningLimit) {
            result.warnings.append(.warning("sequence-no-subscribed-at", "no usable subscribed_at: this subscriber gets no sequence step",
                                            at: location, hint: "write the date they subscribed as 2026-03-14 or 2026-03-14T09:30:00Z"))
        }
        if undatedRows.count > Self.undatedWarningLimit {
            result.warnings.append(.warning("sequence-no-subscribed-at",
                                            "\(undatedRows.count - Self.undatedWarningLimit) more rows without a usable subscribed_at",
                                            hint: "`gazette subscribers validate` names every one"))
        }
        return result
    }

    /// One step: count who is due (the log is left alone when nobody is), then send to them.
    func send(_ step: SequenceStep, of sequence: EmailSequence, prepared: PreparedIssue, setup: Publisher.SendSetup,
              logPath: String, claimed: ClaimedAddresses, undated: (SourceLocation) -> Void) throws -> StepResult {
        let options = publisher.options
        let logURL = project.url(logPath)
        let state = try PublishLogState(reading: logURL, keepSentTimes: false)
        var audience = try Audience(project: project, lists: sequence.lists)
        audience.segment = sequence.segment
        let schedule = StepSchedule(after: step.after, catchUp: sequence.catchUp, now: now)

        // A first pass counts: an hourly job must not append two lines to every step's log each hour for nobody.
        let (preview, admission) = try Self.count(audience: audience, state: state, schedule: schedule, claimed: claimed,
                                                  skipUncertain: options.skipUncertain)
        admission.undated.forEach(undated)
        var stepResult = StepResult(sequence: sequence.name, step: step.id, path: step.path, summary: preview,
                                    counts: admission.counts, logPath: nil)
        guard admission.counts.due > 0 else { return stepResult }

        let composer = try publisher.makeComposer(prepared, setup: setup)
        let suppression = try SuppressionList(project: project)
        let log: PublishLog? = options.dryRun ? nil : try PublishLog(url: logURL)
        defer { log?.close() }
        let header = state.header == nil ? Publisher.header(for: prepared) : nil
        let sending = StepAdmission(schedule: schedule, state: state, claimed: claimed)
        stepResult.summary = try publisher.sendLogged(composer: composer, chain: setup.chain, log: log, header: header,
                                                      audience: audience, suppression: suppression, state: state,
                                                      admit: { sending.admit($0, claim: true) }, progress: { _ in })
        stepResult.counts = sending.counts
        stepResult.logPath = log == nil ? nil : logPath
        return stepResult
    }

    /// Who of `audience` the step would go to now, without sending: the audience's own counts (as a publish
    /// summary) and the due rule's.
    static func count(audience: Audience, state: PublishLogState, schedule: StepSchedule, claimed: ClaimedAddresses,
                      skipUncertain: Bool) throws -> (PublishSummary, StepAdmission) {
        let admission = StepAdmission(schedule: schedule, state: state, claimed: claimed)
        var summary = PublishSummary()
        try audience.forEach(skipping: { state.status(ofKey: $0)?.isDone(skipUncertain: skipUncertain) ?? false }) { entry in
            switch entry {
            case .recipient(let subscriber): _ = admission.admit(subscriber, claim: false)
            case .duplicate: summary.duplicates += 1
            case .suppressed: summary.suppressed += 1
            case .otherShard: summary.otherShard += 1
            case .outsideSegment: summary.outsideSegment += 1
            case .skipped: summary.alreadyDone += 1
            case .rowProblem: summary.rowProblems += 1
            }
        }
        return (summary, admission)
    }
}

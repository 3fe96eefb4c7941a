// Which issues CI publishes now, from content/issues' front matter and logs/. An issue is ready when its front
// matter says `publish: true`, or when it is newer (by number) than the newest issue with a publish log; a
// begun publish that is not finished is resumed; drafts and `publish: false` never go out. Sending is Publisher's.
import Foundation

/// What CI should do with one issue.
public struct IssueReadiness: Sendable {
    public enum State: String, Sendable {
        /// Not begun; to be published now.
        case ready
        /// Begun and not finished: deferred or uncertain recipients left, or a run cut off.
        case resume
        /// Every recipient (of this job's part) is in a final state.
        case published
        /// Not begun, and no rule makes it ready.
        case waiting
        /// `publish: false`.
        case held
        case draft
        /// Begun with another shard layout than this job's: sending now would repeat recipients.
        case layoutConflict = "layout-conflict"
        /// An A/B test whose test phase is sent: the rest waits for `ab_winner:` or the end of `ab_wait:`.
        case abWaiting = "ab-waiting"
    }

    public var issue: IssueSource
    public var state: State
    /// Why, in words: "newer than 002-alerts, the newest issue with a publish log".
    public var reason: String
    /// The `--ab-winner` CI passes: `auto` once an A/B test's `ab_wait:` is over; nil otherwise (the front
    /// matter's `ab_winner:` is read by the publish itself).
    public var abWinner: String?

    /// Whether `gazette ci publish` sends it.
    public var isDue: Bool { state == .ready || state == .resume }
}

/// Decides, for every issue, whether CI publishes it now.
public struct PublishReadiness: Sendable {
    public var issues: [IssueReadiness] = []
    /// Issue files that could not be read, and layout conflicts: `ci publish` sends nothing while there are any.
    public var diagnostics: [Diagnostic] = []

    /// The issues to publish now, in order of number.
    public var due: [IssueReadiness] { issues.filter(\.isDue) }

    /// Reads the project's issues and logs. `job` is the shard a CI job publishes (nil: the whole list);
    /// `overview` judges each begun issue by the layout it was begun with, for `gazette ci ready` without `--shard`.
    public init(project: Project, job: Shard?, overview: Bool = false, now: Date = Date()) throws {
        let (sources, loadDiagnostics) = project.loadIssues(includeDrafts: true)
        diagnostics = loadDiagnostics.filter { $0.severity == .error }
        let logs = try PublishLogSet.scan(project.url("logs"))
        let newest = sources.filter { logs[$0.slug].map { !$0.isEmpty } ?? false }.max { $0.number < $1.number }
        let jobLayout = PublishLayout(job)
        for source in sources {
            let item = Self.judge(source, logs: logs[source.slug] ?? PublishLogSet(), newest: newest,
                                  job: job, layout: overview ? nil : jobLayout, now: now)
            if item.state == .layoutConflict {
                diagnostics.append(.error("ci-shard-layout", "\(source.name): \(item.reason)",
                                          at: SourceLocation(path: source.path),
                                          hint: "finish it with the layout it began with (the `shards` setting of the CI job), "
                                              + "or publish it by hand: gazette publish \(source.number) --shard K/N"))
            }
            issues.append(item)
        }
    }

    static func judge(_ source: IssueSource, logs: PublishLogSet, newest: IssueSource?, job: Shard?,
                      layout: PublishLayout?, now: Date = Date()) -> IssueReadiness {
        func item(_ state: IssueReadiness.State, _ reason: String) -> IssueReadiness {
            IssueReadiness(issue: source, state: state, reason: reason)
        }
        if source.draft { return item(.draft, "draft: true") }
        if source.publish == false { return item(.held, "publish: false holds it back") }
        if logs.isEmpty {
            if source.publish == true { return item(.ready, "publish: true") }
            guard let newest else {
                return item(.waiting, "no issue has a publish log yet; add `publish: true` to send the first one")
            }
            if source.number > newest.number {
                return item(.ready, "newer than \(newest.name), the newest issue with a publish log")
            }
            return item(.waiting, "not newer than \(newest.name), the newest issue with a publish log; add `publish: true` to send it")
        }
        // Begun. A layout whose every part is finished means done, whatever this job's layout.
        if let done = logs.layouts.first(where: { logs.unfinishedParts(of: $0).isEmpty }) {
            return item(.published, "every recipient is in a final state (\(done))")
        }
        guard let layout else {
            if let whole = logs.whole, logs.layouts == [.whole], let step = abTestStep(source, whole, now: now) { return step }
            let left = logs.layouts.flatMap { logs.unfinishedParts(of: $0) }
            return item(.resume, left.joined(separator: "; "))
        }
        guard logs.layouts == [layout] else {
            let begun = logs.layouts.map(\.description).joined(separator: " and ")
            return item(.layoutConflict, "its publish began as \(begun), but this job publishes \(layout)")
        }
        guard let own = logs.log(for: job) else { return item(.ready, "this shard's part is not begun yet") }
        if let reason = PublishLogSet.unfinishedReason(own) {
            return abTestStep(source, own, now: now) ?? item(.resume, reason)
        }
        let others = logs.unfinishedParts(of: layout).joined(separator: "; ")
        return item(.published, "this shard's part is done; left in other shards: \(others)")
    }

    /// An A/B issue of this job's log whose test phase is sent and which waits for its winner: nil when
    /// something else is left (resume it), `ab-waiting` while no winner can be had, or `resume` with
    /// `--ab-winner auto` once `ab_wait:` is over since the test phase ended.
    static func abTestStep(_ source: IssueSource, _ state: PublishLogState, now: Date) -> IssueReadiness? {
        guard let test = source.subjectTest, state.header?.subjects != nil, state.abWinner == nil,
              let finished = state.abTestFinishedAt else { return nil }
        let counts = state.counts
        guard counts[.deferred, default: 0] == 0, counts[.uncertain, default: 0] == 0, !state.lastRunOpen else { return nil }
        let sent = LogRecord.timestamp(finished).prefix(16).replacingOccurrences(of: "T", with: " ")
        if let winner = test.winner {
            return IssueReadiness(issue: source, state: .resume, reason: "A/B test sent \(sent) UTC; the rest gets `ab_winner: \(winner)`")
        }
        guard let wait = test.wait else {
            return IssueReadiness(issue: source, state: .abWaiting,
                                  reason: "A/B test sent \(sent) UTC; the rest waits for `ab_winner:` in the front matter (or `ab_wait:` to pick by events)")
        }
        let due = finished.addingTimeInterval(wait.seconds)
        guard now >= due else {
            let at = LogRecord.timestamp(due).prefix(16).replacingOccurrences(of: "T", with: " ")
            return IssueReadiness(issue: source, state: .abWaiting,
                                  reason: "A/B test sent \(sent) UTC; the winner is picked by events after `ab_wait: \(wait)`, at \(at) UTC (or set `ab_winner:`)")
        }
        return IssueReadiness(issue: source, state: .resume, reason: "A/B test sent \(sent) UTC and `ab_wait: \(wait)` is over: the rest gets the winner by events",
                              abWinner: "auto")
    }
}

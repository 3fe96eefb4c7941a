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
    }

    public var issue: IssueSource
    public var state: State
    /// Why, in words: "newer than 002-alerts, the newest issue with a publish log".
    public var reason: String

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
    public init(project: Project, job: Shard?, overview: Bool = false) throws {
        let (sources, loadDiagnostics) = project.loadIssues(includeDrafts: true)
        diagnostics = loadDiagnostics.filter { $0.severity == .error }
        let logs = try PublishLogSet.scan(project.url("logs"))
        let newest = sources.filter { logs[$0.slug].map { !$0.isEmpty } ?? false }.max { $0.number < $1.number }
        let jobLayout = PublishLayout(job)
        for source in sources {
            let item = Self.judge(source, logs: logs[source.slug] ?? PublishLogSet(), newest: newest,
                                  job: job, layout: overview ? nil : jobLayout)
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
                      layout: PublishLayout?) -> IssueReadiness {
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
            let left = logs.layouts.flatMap { logs.unfinishedParts(of: $0) }
            return item(.resume, left.joined(separator: "; "))
        }
        guard logs.layouts == [layout] else {
            let begun = logs.layouts.map(\.description).joined(separator: " and ")
            return item(.layoutConflict, "its publish began as \(begun), but this job publishes \(layout)")
        }
        guard let own = logs.log(for: job) else { return item(.ready, "this shard's part is not begun yet") }
        if let reason = PublishLogSet.unfinishedReason(own) { return item(.resume, reason) }
        let others = logs.unfinishedParts(of: layout).joined(separator: "; ")
        return item(.published, "this shard's part is done; left in other shards: \(others)")
    }
}

// `gazette check`: renders the selected issues (and the sequence steps) without writing, then runs the project and
// issue checks.
import Foundation

/// Runs every check on a project.
public struct Checker {
    public let project: Project
    public let options: BuildOptions

    public init(project: Project, options: BuildOptions) {
        self.project = project
        self.options = options
    }

    /// One issue's measured values, for reports.
    public struct IssueSummary: Sendable {
        public var path: String
        public var measurements: IssueMeasurements
        /// Recipients the issue's lists and `audience:` give today (nil when the lists cannot be read).
        public var audience: Int?
    }

    public struct Report: Sendable {
        public var issues: [IssueSummary] = []
        /// The sequence steps checked (content/sequences/), with their sequence's audience.
        public var steps: [IssueSummary] = []
        public var diagnostics: [Diagnostic] = []
        public var errorCount: Int { diagnostics.filter { $0.severity == .error }.count }
        public var warningCount: Int { diagnostics.filter { $0.severity == .warning }.count }
    }

    public func run() -> Report {
        var report = Report()
        report.diagnostics += ProjectChecker(configuration: project.configuration).check()
        let (result, _) = SiteBuilder(project: project, options: options).render()
        report.diagnostics += result.diagnostics
        let checker = IssueChecker(configuration: project.configuration)
        let audiences = AudienceCheck(project: project)
        for rendered in result.rendered {
            let audience = audiences.check(rendered.source)
            report.issues.append(IssueSummary(path: rendered.source.path, measurements: rendered.measurements,
                                              audience: audience.recipients))
            report.diagnostics += checker.check(rendered) + audience.findings
        }
        // A sequence's audience is checked once, with its first step (they all share sequence.yml).
        var sequenceAudiences: [String: Int?] = [:]
        for rendered in result.steps {
            let sequence = (rendered.source.path as NSString).deletingLastPathComponent
            if sequenceAudiences[sequence] == nil {
                let audience = audiences.check(rendered.source)
                sequenceAudiences[sequence] = audience.recipients
                report.diagnostics += audience.findings
            }
            report.steps.append(IssueSummary(path: rendered.source.path, measurements: rendered.measurements,
                                             audience: sequenceAudiences[sequence] ?? nil))
            report.diagnostics += checker.check(rendered)
        }
        // A problem of a file every issue reads (a list, the suppression list) is found once per issue: say it once.
        var seen = Set<Diagnostic>()
        report.diagnostics = report.diagnostics.filter { seen.insert($0).inserted }
        return report
    }
}

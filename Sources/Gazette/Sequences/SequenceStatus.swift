// `gazette sequences list`: each step of each sequence with its `after:` and title, and per step how many were
// sent so far (from its log, including people no longer on the lists), are due now, and are waiting — by the
// same rule and the same counting pass as `sequences run`, without sending or writing anything.
import Foundation

/// Where the steps of a project's sequences stand at one moment.
public struct SequenceStatus {
    public let project: Project
    public let now: Date

    public init(project: Project, now: Date) {
        self.project = project
        self.now = now
    }

    public struct Step: Sendable {
        public var sequence: String
        public var id: String
        public var path: String
        public var after: String
        public var title: String
        /// `draft: true`: `sequences run` leaves it out.
        public var draft: Bool
        /// Outcomes in the step's log so far, by status.
        public var logged: [RecipientStatus: Int]
        /// The due rule's counts now (`due`: a run now would send to them, as far as one step per run allows).
        public var counts: StepCounts
        /// In the audience but suppressed.
        public var suppressed: Int
    }

    /// The steps of the sequence `name` (nil: all), and the diagnostics of loading them.
    public func steps(named name: String?) throws -> (steps: [Step], diagnostics: [Diagnostic]) {
        let (sequences, diagnostics) = EmailSequence.load(project: project, named: name, date: IssueDate.today(now))
        var steps: [Step] = []
        for sequence in sequences {
            guard !sequence.steps.isEmpty else { continue }
            var audience = try Audience(project: project, lists: sequence.lists)
            audience.segment = sequence.segment
            for step in sequence.steps {
                let logURL = project.url("logs/\(SequenceRunner.logsDirectory)/\(sequence.name)/\(step.id).jsonl")
                let state = try PublishLogState(reading: logURL, keepSentTimes: false)
                let (summary, admission) = try SequenceRunner.count(
                    audience: audience, state: state, schedule: StepSchedule(after: step.after, catchUp: sequence.catchUp, now: now),
                    claimed: ClaimedAddresses(), skipUncertain: false)
                steps.append(Step(sequence: sequence.name, id: step.id, path: step.path, after: step.afterText, title: step.source.title,
                                  draft: step.source.draft, logged: state.counts, counts: admission.counts, suppressed: summary.suppressed))
            }
        }
        return (steps, diagnostics)
    }
}

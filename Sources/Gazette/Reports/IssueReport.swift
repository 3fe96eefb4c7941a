// The report of one issue (or one sequence step): its totals, its recipient domains, and what reading its logs ran into.

/// One issue as its publish logs, the bounce ledger and the events files tell it.
public struct IssueReport: Sendable {
    /// One recipient domain (or the long tail grouped as one row).
    public struct DomainRow: Sendable {
        /// `gmail.com`, or `other` for the grouped tail.
        public var domain: String
        /// How many domains the row holds (1, or the size of the tail).
        public var domainCount = 1
        public var counts = OutcomeCounts()
        /// Its failed-plus-deferred rate is far above the issue's (see `DomainFlag`).
        public var flagged = false
    }

    /// A step of a sequence (autoresponder), whose log is logs/sequences/<sequence>/<step>.jsonl.
    public struct Step: Sendable, Equatable {
        public var sequence: String
        public var step: String
    }

    /// The log's slug (`hello` for logs/hello.jsonl and logs/hello.shard-1-of-4.jsonl); `<sequence>/<step>`
    /// for a sequence step (`welcome/hello` for logs/sequences/welcome/hello.jsonl).
    public var slug: String
    /// Set when this row is a sequence step rather than an issue.
    public var sequenceStep: Step?
    /// The issue's file as the log header names it.
    public var issuePath: String?
    /// When its first publish run began (the header's time), ISO 8601 UTC; orders the trend.
    public var started: String?
    /// Project-relative paths of the logs read.
    public var logs: [String] = []
    public var counts = OutcomeCounts()
    /// Domains by attempted recipients, largest first; the tail past the limit grouped as `other`.
    public var domains: [DomainRow] = []
    /// An A/B subject test's arms (sent, opens, clicks, rates) and the rest; nil for an issue with one subject.
    public var abTest: ABTally?
    /// Opens and clicks, when the events files hold any for this issue; nil: tracking was off (or nobody engaged).
    public var engagement: EngagementCounts?
    /// Logs whose last run never wrote its end (a killed or lost publish): the numbers may still change.
    public var cutOffLogs: [String] = []

    /// The name click and open events give it: the slug, or a step's `sequence-<sequence>-<step>` .
    var eventSlug: String {
        sequenceStep.map { SequenceStep.slug(sequence: $0.sequence, step: $0.step) } ?? slug
    }
}

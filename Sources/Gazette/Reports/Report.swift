// A delivery report over a project's publish logs, bounce ledger and events files: per issue, per recipient
// domain, and the trend across issues. Built by `ReportBuilder`; printed, exported and drawn by the others here.
import Foundation

/// What the report found.
public struct Report: Sendable {
    /// Issues in the order they were first published (the trend), or the one asked for.
    public var issues: [IssueReport] = []
    /// Bounces, complaints and unsubscribes that no issue's log explains (an address no issue was sent to
    /// before the bounce's date).
    public var unattributed = OutcomeCounts()
    /// Files and lines that could not be read: named, counted, never fatal.
    public var problems: [Diagnostic] = []
    /// Bounce ledger records and unsubscribe events read.
    public var bounceRecords = 0
    public var unsubscribeEvents = 0
    /// Click and open events read, and those naming an issue that has no publish log here.
    public var engagementEvents = 0
    public var unmatchedEngagementEvents = 0
    /// Whether any issue has engagement numbers (tracking was on for at least one).
    public var hasEngagement: Bool { issues.contains { $0.engagement != nil } }

    public init() {}
}

// One line of an events file for tracking: a click through `<base>/c/<token>` or an open of the pixel
// `<base>/o/<token>.gif`, as `gazette serve` writes them and `gazette report` (and the A/B test) reads them:
//   {"email":"…","event":"click","issue":"…","time":"…","url":"…"}
//   {"email":"…","event":"open","issue":"…","machine":false,"time":"…"}
import Foundation

/// A click or an open recorded by `gazette serve`.
public struct EngagementEvent: Codable, Sendable, Equatable, EventLine {
    public enum Kind: String, Codable, Sendable { case click, open }

    public var event: Kind
    /// `2026-12-02T01:30:00.000Z`
    public var time: String
    /// The issue's slug.
    public var issue: String
    /// The normalised address.
    public var email: String
    /// A click's destination.
    public var url: String?
    /// An open that a proxy or scanner made, not a person (docs/tracking.md: a heuristic).
    public var machine: Bool?

    public init(click: TrackedClick, time: Date) {
        event = .click
        self.time = LogRecord.timestamp(time)
        issue = click.issue
        email = click.address
        url = click.url
    }

    public init(open: TrackedOpen, machine: Bool, time: Date) {
        event = .open
        self.time = LogRecord.timestamp(time)
        issue = open.issue
        email = open.address
        self.machine = machine
    }

    public var day: String { String(time.prefix(10)) }

    /// Whether the decoded line is whole: a click with its URL, an open with its flag, names not empty.
    var isComplete: Bool {
        guard !issue.isEmpty, !email.isEmpty, LogRecord.date(time) != nil else { return false }
        switch event {
        case .click: return url.map { !$0.isEmpty } ?? false
        case .open: return machine != nil
        }
    }
}

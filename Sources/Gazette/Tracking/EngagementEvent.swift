// One line of an events file for tracking: a click through `<base>/c/<token>` or an open of the pixel
// `<base>/o/<token>.gif`, as `gazette serve` writes them; `init?(line:)` is the one parse of such a line, which
// EventsReader applies for `gazette report`, the A/B test and the tests alike:
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

    private static let patterns = (event: LogLineReader.keyPattern("event"), issue: LogLineReader.keyPattern("issue"),
                                   email: LogLineReader.keyPattern("email"), time: LogLineReader.keyPattern("time"),
                                   url: LogLineReader.keyPattern("url"),
                                   machineTrue: Array("\"machine\":true".utf8), machineFalse: Array("\"machine\":false".utf8))

    /// A click or an open read from one events line (without its newline), or nil when the line is not a whole
    /// one (`isComplete`). The flat lines with sorted keys that `gazette serve` writes are read by byte scans
    /// (a report reads millions); anything else (spaces, another key order, another writer) through JSONDecoder.
    public init?(line: ArraySlice<UInt8>) {
        if let scanned = Self.scan(line), scanned.isComplete {
            self = scanned
        } else if let decoded = try? JSONDecoder().decode(EngagementEvent.self, from: Data(line)), decoded.isComplete {
            self = decoded
        } else {
            return nil
        }
    }

    private init(event: Kind, time: String, issue: String, email: String, url: String?, machine: Bool?) {
        self.event = event
        self.time = time
        self.issue = issue
        self.email = email
        self.url = url
        self.machine = machine
    }

    /// The fields of a flat line by byte scans, or nil when one of the four every event has is not found.
    private static func scan(_ line: ArraySlice<UInt8>) -> EngagementEvent? {
        guard let kind = LogLineReader.stringValue(matching: patterns.event, in: line).flatMap(Kind.init(rawValue:)),
              let issue = LogLineReader.stringValue(matching: patterns.issue, in: line),
              let email = LogLineReader.stringValue(matching: patterns.email, in: line),
              let time = LogLineReader.stringValue(matching: patterns.time, in: line) else { return nil }
        switch kind {
        case .click:
            return EngagementEvent(event: kind, time: time, issue: issue, email: email,
                                   url: LogLineReader.stringValue(matching: patterns.url, in: line), machine: nil)
        case .open:
            let machine: Bool? = LogLineReader.find(patterns.machineTrue, in: line) != nil ? true
                : LogLineReader.find(patterns.machineFalse, in: line) != nil ? false : nil
            return EngagementEvent(event: kind, time: time, issue: issue, email: email, url: nil, machine: machine)
        }
    }

    /// Whether the decoded line is whole: a click with its URL, an open with its flag, names not empty.
    var isComplete: Bool {
        guard !issue.isEmpty, !email.isEmpty, LogRecord.date(time) != nil else { return false }
        switch event {
        case .click: return url.map { !$0.isEmpty } ?? false
        case .open: return machine != nil
        }
    }
}

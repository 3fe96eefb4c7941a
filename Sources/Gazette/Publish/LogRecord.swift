// One line of a publish log (logs/<issue>.jsonl): the header, a `sending` mark, an outcome, or a run boundary.
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A line of the publish log, encoded as one JSON object.
public struct LogRecord: Codable, Sendable, Equatable {
    public enum Event: String, Codable, Sendable {
        case header, runStart = "run-start", runEnd = "run-end", sending
        case sent, failed, invalid, deferred, uncertain
    }

    public var event: Event
    public var time: String

    // header
    public var version: Int?
    public var issue: String?
    public var issuePath: String?
    public var contentHash: String?
    public var lists: [ListFingerprint]?
    public var shard: String?

    // recipients
    public var address: String?
    public var messageID: String?
    public var attempt: Int?
    public var code: Int?
    public var enhancedCode: String?
    public var reply: String?
    public var server: String?
    public var source: String?

    // runs
    public var pid: Int32?
    public var via: String?
    public var summary: [String: Int]?

    enum CodingKeys: String, CodingKey {
        case event, time, version, issue, issuePath = "issue_path", contentHash = "content_hash", lists, shard
        case address, messageID = "message_id", attempt, code, enhancedCode = "enhanced_code", reply, server, source
        case pid, via, summary
    }

    public init(event: Event, time: Date = Date()) {
        self.event = event
        self.time = LogRecord.timestamp(time)
    }

    /// The outcome status, for outcome lines.
    public var status: RecipientStatus? { RecipientStatus(rawValue: event.rawValue) }

    /// `2026-11-23T21:34:29.123Z`, formatted by hand: a DateFormatter per line would cost more than the send.
    static func timestamp(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        var whole = time_t(seconds.rounded(.down))
        let millis = min(999, max(0, Int((seconds - Double(whole)) * 1000)))
        var parts = tm()
        gmtime_r(&whole, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(millis), 3))Z"
    }

    static func date(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text) ?? ISO8601DateFormatter().date(from: text)
    }
}

/// A subscriber list as it was when the issue's first publish run began.
public struct ListFingerprint: Codable, Sendable, Equatable {
    /// Project-relative path of the list file.
    public var path: String
    /// SHA-256 of its bytes.
    public var sha256: String
    /// Project-relative path of the copy kept beside the log (the frozen audience).
    public var snapshot: String
}

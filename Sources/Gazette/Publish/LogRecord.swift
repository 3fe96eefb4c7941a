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
    /// An A/B subject test's subjects, arm A first, and its share (`20%`); nil for one subject.
    public var subjects: [String]?
    public var testShare: String?

    // recipients
    public var address: String?
    public var messageID: String?
    public var attempt: Int?
    public var code: Int?
    public var enhancedCode: String?
    public var reply: String?
    public var server: String?
    public var source: String?
    /// The A/B arm whose subject the message has (`A`…`D`) and the phase that sent it (`test`, `winner`); on
    /// `sending`, outcome and run lines of an A/B publish only.
    public var arm: String?
    public var phase: ABPhase?

    // runs
    public var pid: Int32?
    public var via: String?
    public var summary: [String: Int]?
    /// On a winner phase's `run-start`: the winning arm, and how it was chosen.
    public var winner: String?
    public var winnerReason: String?

    enum CodingKeys: String, CodingKey {
        case event, time, version, issue, issuePath = "issue_path", contentHash = "content_hash", lists, shard, subjects, testShare = "test_share"
        case address, messageID = "message_id", attempt, code, enhancedCode = "enhanced_code", reply, server, source, arm, phase
        case pid, via, summary, winner, winnerReason = "winner_reason"
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
        if let date = utcDate(text) { return date }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text) ?? ISO8601DateFormatter().date(from: text)
    }
}

extension LogRecord {
    /// `2026-11-23T21:34:29.123Z` or `2026-11-23T21:34:29Z` (the forms Gazette writes) read by hand: an
    /// ISO8601DateFormatter costs more to make than a whole line takes to read, and reports read many
    /// times. Anything else is nil, and `date(_:)` hands it to the formatter.
    static func utcDate(_ text: String) -> Date? {
        var copy = text
        return copy.withUTF8 { bytes -> Date? in
            guard bytes.count == 20 || bytes.count == 24, bytes[4] == 0x2D, bytes[7] == 0x2D, bytes[10] == 0x54,
                  bytes[13] == 0x3A, bytes[16] == 0x3A, bytes[bytes.count - 1] == 0x5A else { return nil }
            func number(_ start: Int, _ count: Int) -> Int32? {
                var value: Int32 = 0
                for index in start..<(start + count) {
                    let digit = bytes[index] &- 0x30
                    guard digit < 10 else { return nil }
                    value = value * 10 + Int32(digit)
                }
                return value
            }
            guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
                  let minute = number(14, 2), let second = number(17, 2),
                  (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
            var millis: Int32 = 0
            if bytes.count == 24 {
                guard bytes[19] == 0x2E, let fraction = number(20, 3) else { return nil }
                millis = fraction
            }
            var parts = tm()
            parts.tm_year = year - 1900
            parts.tm_mon = month - 1
            parts.tm_mday = day
            parts.tm_hour = hour
            parts.tm_min = minute
            parts.tm_sec = second
            let seconds = timegm(&parts)
            return Date(timeIntervalSince1970: Double(seconds) + Double(millis) / 1000)
        }
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

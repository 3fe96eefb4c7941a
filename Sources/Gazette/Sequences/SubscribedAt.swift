// When a subscriber joined, from the `subscribed_at` column: an ISO 8601 date (2026-03-14, midnight UTC) or
// date-time (2026-03-14T09:30:00Z, with an offset, or with a space for the T; no zone: UTC). The moment a
// sequence's `after:` counts from.
import Foundation

/// `subscribed_at` as a moment.
public enum SubscribedAt {
    /// The moment `value` names, or nil when it is none of the forms above.
    public static func date(_ value: String) -> Date? {
        let text = value.trimmingCharacters(in: .whitespaces)
        var copy = text
        guard copy.withUTF8({ ListDate.isDate($0) }) else { return nil }
        if text.utf8.count == 10 { return LogRecord.utcDate(text + "T00:00:00Z") }
        var normalized = text.replacingOccurrences(of: " ", with: "T")
        if normalized.utf8.count == 16 { normalized += ":00" }  // 2026-03-14T09:30
        if let date = LogRecord.utcDate(normalized) ?? LogRecord.utcDate(normalized + "Z") { return date }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: normalized) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: normalized)
    }
}

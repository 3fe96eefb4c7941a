// Reads an RFC 5322 §3.3 Date field (`Mon, 6 Jan 2025 07:00:30 +0900 (JST)`), for the soft-bounce window.
// Unreadable dates give nil and the import uses the time of the import instead.
import Foundation

/// Dates of messages.
enum MessageDateReader {
    static func date(_ value: String) -> Date? {
        var text = value
        if let comment = text.firstIndex(of: "(") { text = String(text[..<comment]) }
        if let comma = text.firstIndex(of: ",") { text = String(text[text.index(after: comma)...]) }
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard words.count >= 4 else { return nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        let joined = words.prefix(5).joined(separator: " ")
        for format in ["d MMM yyyy HH:mm:ss Z", "d MMM yyyy HH:mm Z", "d MMM yy HH:mm:ss Z", "d MMM yyyy HH:mm:ss zzz", "d MMM yyyy HH:mm:ss"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: joined) { return date }
        }
        return nil
    }
}

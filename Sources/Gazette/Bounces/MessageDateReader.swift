// Reads an RFC 5322 §3.3 Date field (`Mon, 6 Jan 2025 07:00:30 +0900 (JST)`), for the soft-bounce window, with
// the obsolete forms of §4.3 (two-digit years, `GMT`/`EST`-style zones, no seconds). Unreadable dates give nil
// and the import uses the time of the import instead. Read by hand: a DateFormatter per message was a fifth of
// the bounce benchmark.
import Foundation

/// Dates of messages.
enum MessageDateReader {
    static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    /// RFC 5322 §4.3's zone names, in minutes east of UTC.
    static let zones: [String: Int] = ["ut": 0, "gmt": 0, "utc": 0, "z": 0, "edt": -240, "est": -300, "cdt": -300,
                                       "cst": -360, "mdt": -360, "mst": -420, "pdt": -420, "pst": -480]

    static func date(_ value: String) -> Date? {
        var text = Substring(value)
        if let comment = text.firstIndex(of: "(") { text = text[..<comment] }
        if let comma = text.firstIndex(of: ",") { text = text[text.index(after: comma)...] }
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" })
        guard words.count >= 4, let day = Int(words[0]), (1...31).contains(day),
              let month = months.firstIndex(of: words[1].prefix(3).lowercased()), var year = Int(words[2]) else { return nil }
        if words[2].count <= 2 { year += year < 50 ? 2000 : 1900 } else if words[2].count == 3 { year += 1900 }
        let clock = words[3].split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
        guard clock.count == 2 || clock.count == 3, let hour = clock[0], let minute = clock[1],
              (0...23).contains(hour), (0...59).contains(minute) else { return nil }
        let second = clock.count == 3 ? clock[2] : 0
        guard let second, (0...60).contains(second) else { return nil }
        var offset = 0
        if words.count >= 5 {
            let zone = words[4]
            if let sign = zone.first, sign == "+" || sign == "-", zone.count == 5, let hhmm = Int(zone.dropFirst()) {
                offset = (sign == "-" ? -1 : 1) * ((hhmm / 100) * 60 + hhmm % 100)
            } else if let named = zones[zone.lowercased()] {
                offset = named
            } else if !zone.allSatisfy(\.isLetter) {
                return nil
            }  // other zone names (JST, military letters) read as -0000, unknown (RFC 5322 §4.3)
        }
        let days = daysFromCivil(year: year, month: month + 1, day: day)
        let seconds = ((days * 24 + hour) * 60 + minute - offset) * 60 + second
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146097 + dayOfEra - 719468
    }
}

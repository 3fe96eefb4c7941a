// A calendar date as newsletters write it in front matter (2026-11-23), with the forms templates need.
import Foundation

/// The publication date of an issue.
public struct IssueDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1900...9999).contains(year), (1...12).contains(month), (1...Self.days(inMonth: month, year: year)).contains(day)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD`, optionally followed by a time (`2026-11-23 09:00` or `T09:00:00Z`), which is ignored.
    public init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let datePart = trimmed.prefix(10)
        let fields = datePart.split(separator: "-", omittingEmptySubsequences: false)
        guard datePart.count == 10, fields.count == 3, fields[0].count == 4, fields[1].count == 2, fields[2].count == 2,
              let year = Int(fields[0]), let month = Int(fields[1]), let day = Int(fields[2]) else { return nil }
        let rest = trimmed.dropFirst(10)
        guard rest.isEmpty || rest.first == " " || rest.first == "T" else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// Today in UTC.
    public static func today(_ now: Date = Date()) -> IssueDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: now)
        return IssueDate(unchecked: parts.year ?? 2000, parts.month ?? 1, parts.day ?? 1)
    }

    /// For values that come from the calendar, which are valid by construction.
    private init(unchecked year: Int, _ month: Int, _ day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    static func days(inMonth month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    static let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August",
                             "September", "October", "November", "December"]

    /// `2026-11-23`
    public var description: String {
        // By hand: String(format:) goes through Foundation's formatter, and every build asks for this twice.
        func padded(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(padded(year, 4))-\(padded(month, 2))-\(padded(day, 2))"
    }

    /// `23 November 2026`
    public var displayString: String { "\(day) \(Self.monthNames[month - 1]) \(year)" }

    /// Midnight UTC as RFC 3339, for Atom's `updated`.
    public var rfc3339: String { description + "T00:00:00Z" }

    public static func < (lhs: IssueDate, rhs: IssueDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }
}

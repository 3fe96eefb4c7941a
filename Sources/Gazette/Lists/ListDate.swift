// Reads `subscribed_at` values: ISO 8601 dates (2026-03-14) and date-times (2026-03-14T09:30:00Z); growth
// statistics need only the month.

/// `subscribed_at` parsing.
public enum ListDate {
    /// `YYYY-MM` of an ISO 8601 date or date-time, or nil when `value` is not one.
    public static func month(of value: String) -> String? {
        var copy = value
        return copy.withUTF8 { bytes in isDate(bytes) ? String(decoding: bytes[0..<7], as: UTF8.self) : nil }
    }

    /// True when `bytes` are an ISO 8601 date or date-time (what `month(of:)` reads).
    static func isDate(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count >= 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return false }
        func isDigit(_ index: Int) -> Bool { bytes[index] &- 0x30 < 10 }
        // Each index spelled out, not a loop over an array literal, which validate would allocate on every row.
        guard isDigit(0), isDigit(1), isDigit(2), isDigit(3), isDigit(5), isDigit(6), isDigit(8), isDigit(9) else { return false }
        let month = Int(bytes[5] - 0x30) * 10 + Int(bytes[6] - 0x30), day = Int(bytes[8] - 0x30) * 10 + Int(bytes[9] - 0x30)
        guard (1...12).contains(month), (1...31).contains(day) else { return false }
        if bytes.count > 10 {
            guard bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " "), bytes.count >= 16,
                  bytes[13] == UInt8(ascii: ":") else { return false }
        }
        return true
    }
}

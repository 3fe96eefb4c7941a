// Finds the codes servers write in prose: enhanced status codes (RFC 3463, `5.1.1`) and SMTP reply codes
// (RFC 5321 §4.2, `550`). A byte scanner rather than regular expressions: it runs over every line of every bounce.

/// Status and reply codes in free text.
enum StatusCodeScanner {
    /// The first enhanced status code in `text` (`4.2.2`, `5.1.10`), normalised (no leading zeros).
    static func firstStatus(in text: Substring) -> String? { statuses(in: text, limit: 1).first }
    static func firstStatus(in text: String) -> String? { firstStatus(in: text[...]) }

    /// The first failure code (4.x.x or 5.x.x) in `text`, or its first code when all say success: a transcript
    /// quotes the 250 2.1.0 replies before the one that failed.
    static func failureStatus(in text: String) -> String? {
        let found = statuses(in: text[...], limit: 20)
        return found.first { !$0.hasPrefix("2") } ?? found.first
    }

    /// Up to `limit` enhanced status codes in order.
    static func statuses(in text: Substring, limit: Int = .max) -> [String] {
        let bytes = Array(text.utf8)
        var found: [String] = []
        var index = 0
        while index + 4 < bytes.count, found.count < limit {
            let byte = bytes[index]
            if (byte == 0x32 || byte == 0x34 || byte == 0x35), bytes[index + 1] == 0x2E,
               index == 0 || !isWordByte(bytes[index - 1]) {
                var cursor = index + 2
                let subject = digits(bytes, &cursor, max: 3)
                if let subject, cursor < bytes.count, bytes[cursor] == 0x2E {
                    cursor += 1
                    if let detail = digits(bytes, &cursor, max: 3),
                       cursor >= bytes.count || !(isDigit(bytes[cursor]) || (bytes[cursor] == 0x2E && cursor + 1 < bytes.count && isDigit(bytes[cursor + 1]))) {
                        found.append("\(Character(Unicode.Scalar(byte))).\(subject).\(detail)")
                        index = cursor
                        continue
                    }
                }
            }
            index += 1
        }
        return found
    }

    /// The first SMTP reply code (4xx or 5xx) standing as a word in `text`: `550 `, `550-`, `550.` at the end.
    static func firstReplyCode(in text: Substring) -> Int? {
        let bytes = Array(text.utf8)
        var index = 0
        while index + 2 < bytes.count {
            let byte = bytes[index]
            if (byte == 0x34 || byte == 0x35), isDigit(bytes[index + 1]), isDigit(bytes[index + 2]),
               bytes[index + 1] <= 0x35, index == 0 || !(isWordByte(bytes[index - 1]) || bytes[index - 1] == 0x2E || bytes[index - 1] == 0x2D) {
                let after = index + 3 < bytes.count ? bytes[index + 3] : 0x20
                if after == 0x20 || after == 0x2D || after == 0x09 || after == 0x0A || after == 0x0D || after == 0x22 || after == 0x29 {
                    return Int(byte - 0x30) * 100 + Int(bytes[index + 1] - 0x30) * 10 + Int(bytes[index + 2] - 0x30)
                }
            }
            index += 1
        }
        return nil
    }
    static func firstReplyCode(in text: String) -> Int? { firstReplyCode(in: text[...]) }

    /// True for codes that say nothing about the cause (`5.0.0`, `4.0.0`): a better one may be in the text.
    static func isGeneric(_ status: String) -> Bool { status.hasSuffix(".0.0") }

    private static func digits(_ bytes: [UInt8], _ cursor: inout Int, max: Int) -> Int? {
        var value = 0, count = 0
        while cursor < bytes.count, isDigit(bytes[cursor]), count < max {
            value = value * 10 + Int(bytes[cursor] - 0x30)
            cursor += 1
            count += 1
        }
        return count == 0 ? nil : value
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    private static func isWordByte(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || byte == 0x2E || byte == 0x5F
    }
}

// Decoding RFC 2047 encoded words in header text read from a message: `=?charset?B?…?=` and `=?charset?Q?…?=`,
// with the white space between two adjacent encoded words dropped (§6.2). Malformed words stay as written.

extension EncodedWord {
    /// `text` with its encoded words decoded.
    public static func decode(_ text: String) -> String {
        guard text.contains("=?") else { return text }
        let bytes = Array(text.utf8)
        var output = ""
        var index = 0
        var lastWasEncoded = false  // plainStart then sits just after an encoded word
        var plainStart = 0
        func flushPlain(_ end: Int) {
            if plainStart < end { output += String(decoding: bytes[plainStart..<end], as: UTF8.self) }
        }
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "="), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "?"),
               let (decoded, end) = word(in: bytes, at: index) {
                // Only white space lies between this word and the previous one: drop it.
                let between = bytes[plainStart..<index]
                if !(lastWasEncoded && between.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D })) {
                    flushPlain(index)
                }
                output += decoded
                index = end
                plainStart = end
                lastWasEncoded = true
                continue
            }
            index += 1
        }
        flushPlain(bytes.count)
        return output
    }

    /// The encoded word starting at `start` and the index just after it, or nil when it is not one.
    private static func word(in bytes: [UInt8], at start: Int) -> (String, Int)? {
        var index = start + 2
        let charsetStart = index
        while index < bytes.count, bytes[index] != UInt8(ascii: "?") {
            if bytes[index] <= 0x20 { return nil }
            index += 1
        }
        guard index + 2 < bytes.count, bytes[index + 2] == UInt8(ascii: "?") else { return nil }
        var charset = String(decoding: bytes[charsetStart..<index], as: UTF8.self)
        if let star = charset.firstIndex(of: "*") { charset = String(charset[..<star]) }  // RFC 2231 language
        let encoding = bytes[index + 1] | 0x20
        let textStart = index + 3
        var end = textStart
        while end + 1 < bytes.count, !(bytes[end] == UInt8(ascii: "?") && bytes[end + 1] == UInt8(ascii: "=")) {
            if bytes[end] == 0x20 || bytes[end] == 0x0A { return nil }
            end += 1
        }
        guard end + 1 < bytes.count else { return nil }
        let payload = bytes[textStart..<end]
        let decoded: [UInt8]
        switch encoding {
        case UInt8(ascii: "b"): decoded = Base64.decode(payload)
        case UInt8(ascii: "q"): decoded = QuotedPrintable.decode(payload.map { $0 == UInt8(ascii: "_") ? 0x20 : $0 })
        default: return nil
        }
        return (MIMECharset.decode(decoded, charset: charset), end + 2)
    }
}

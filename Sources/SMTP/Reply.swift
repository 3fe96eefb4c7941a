// One SMTP reply: a three-digit code and one or more lines of text (RFC 5321 §4.2), with the
// RFC 3463 enhanced status code when the server gives one. ReplyParser makes them from bytes.

/// A complete reply from the server, possibly of several lines (`250-…` … `250 …`).
public struct Reply: Sendable, Equatable, CustomStringConvertible {
    /// The reply code, 200…599.
    public let code: Int
    /// The text of each line after the code and separator, as sent (enhanced code included).
    public let lines: [String]

    /// A reply from its code and text lines (at least one line is kept, maybe empty).
    public init(code: Int, lines: [String]) {
        self.code = code
        self.lines = lines.isEmpty ? [""] : lines
    }

    /// The enhanced status code at the start of the first line, when its class agrees with the code.
    public var enhancedStatusCode: EnhancedStatusCode? {
        guard let first = lines.first, let (status, _) = EnhancedStatusCode.parse(prefixOf: first[...]) else {
            return nil
        }
        return status.class == code / 100 ? status : nil
    }

    /// The human text: the lines without a repeated enhanced status code, joined by spaces.
    public var text: String {
        let hasEnhanced = enhancedStatusCode != nil
        return lines.map { line -> String in
            if hasEnhanced, let (_, rest) = EnhancedStatusCode.parse(prefixOf: line[...]) { return String(rest) }
            return line
        }.joined(separator: " ")
    }

    /// "550 5.1.1 User unknown" — code, enhanced code and text on one line.
    public var description: String {
        let enhanced = enhancedStatusCode.map { "\($0) " } ?? ""
        let text = self.text
        return text.isEmpty && enhanced.isEmpty ? String(code) : "\(code) \(enhanced)\(text)"
    }

    /// True for 2xx.
    public var isPositive: Bool { code >= 200 && code < 300 }
}

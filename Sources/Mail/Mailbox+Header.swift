// How a mailbox is written in From, To and Reply-To: a plain phrase, a quoted string, or RFC 2047
// encoded words for the display name (RFC 5322 §3.4), then the address in angle brackets.

extension Mailbox {
    /// `Ada Lovelace <ada@example.org>`, `"Lovelace, Ada" <…>`, `=?UTF-8?Q?…?= <…>`, or the bare address.
    public var headerValue: String {
        guard let displayName else { return address }
        return Self.phrase(displayName) + " <" + address + ">"
    }

    /// A display name as an RFC 5322 phrase.
    static func phrase(_ name: String) -> String {
        let bytes = name.utf8
        let printableASCII = bytes.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
        // "=?" could be mistaken for an encoded word by lenient parsers, so it is encoded too.
        if !printableASCII || name.contains("=?") {
            return EncodedWord.encodePhrase(name)
        }
        let atomsOnly = bytes.allSatisfy { $0 == 0x20 || isAtext($0) }
        if atomsOnly && !name.contains("  ") { return name }
        var quoted = "\""
        for character in name.unicodeScalars {
            if character == "\"" || character == "\\" { quoted += "\\" }
            quoted.unicodeScalars.append(character)
        }
        return quoted + "\""
    }
}

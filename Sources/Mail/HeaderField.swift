// One header field, checked on creation: a valid name, no CR/LF/NUL in the value (the injection guard),
// no word too long to fold. Writing folds at 78 columns (HeaderField+Folding.swift).

/// A header field ready to write: its name and its value unfolded, already encoded for the wire.
public struct HeaderField: Sendable, Hashable {
    /// The field name as written ("List-Unsubscribe").
    public let name: String
    /// The field body, unfolded and encoded (ASCII, or UTF-8 only in an address needing SMTPUTF8).
    public let value: String

    /// RFC 5322 §2.1.1: no line may exceed 998 octets, CRLF excluded.
    public static let maximumLineLength = 998
    /// RFC 5322 §2.1.1: lines should not exceed 78 characters; we fold there when whitespace allows.
    public static let foldingWidth = 78

    /// A field whose `value` is already in wire form (a structured value such as `<id@host>`).
    /// Throws when the name is invalid, when the value contains CR, LF or NUL, has a word no fold can
    /// shorten, or is not ASCII (free text belongs in `init(name:text:)`, which encodes it).
    public init(name: String, value: String) throws {
        try self.init(name: name, value: value, allowingUTF8: false)
    }

    /// `allowingUTF8` admits raw UTF-8, which only an address needing SMTPUTF8 may carry (RFC 6532).
    init(name: String, value: String, allowingUTF8: Bool) throws {
        try Self.checkName(name)
        try Self.checkInjection(value, header: name)
        if !allowingUTF8, value.utf8.contains(where: { $0 >= 0x80 }) {
            throw MailError(.invalidHeaderValue(
                header: name, problem: "non-ASCII text in a structured value (free text is encoded by init(name:text:))"))
        }
        let longestWord = value.utf8.split(whereSeparator: { $0 == 0x20 || $0 == 0x09 }).map(\.count).max() ?? 0
        if name.utf8.count + 2 + longestWord > Self.maximumLineLength {
            throw MailError(.invalidHeaderValue(header: name, problem: "a word longer than 998 octets"))
        }
        self.name = name
        self.value = value
    }

    /// A field of free text (Subject, or any extra header): non-ASCII and overlong words become
    /// RFC 2047 encoded words, so any text without CR, LF or NUL can be written.
    public init(name: String, text: String) throws {
        try Self.checkInjection(text, header: name)
        // "Name: " takes the start of the first line.
        let firstWordLimit = Self.foldingWidth - name.utf8.count - 2
        try self.init(name: name, value: EncodedWord.encodeUnstructured(text, firstWordLimit: firstWordLimit))
    }

    /// A field listing mailboxes (From, To, Reply-To), each formatted with its display name.
    public init(name: String, mailboxes: [Mailbox]) throws {
        try self.init(name: name, value: mailboxes.map(\.headerValue).joined(separator: ", "), allowingUTF8: true)
    }

    /// The rejection of any value that could end the header and start another: the reason header
    /// injection is impossible in messages built here.
    public static func checkInjection(_ value: String, header: String) throws {
        for byte in value.utf8 where byte == 0x0D || byte == 0x0A || byte == 0x00 {
            let character = byte == 0x0D ? "carriage return (CR)" : byte == 0x0A ? "line feed (LF)" : "NUL"
            throw MailError(.headerInjection(header: header, character: character))
        }
    }

    /// RFC 5322 §3.6.8: ftext is printable ASCII except the colon.
    static func checkName(_ name: String) throws {
        if name.isEmpty { throw MailError(.invalidHeaderName(name, problem: "it is empty")) }
        for byte in name.utf8 where byte < 33 || byte > 126 || byte == UInt8(ascii: ":") {
            let what = byte == UInt8(ascii: ":") ? "a colon" : byte == 0x20 ? "a space" : "a character outside printable ASCII"
            if byte == 0x0D || byte == 0x0A || byte == 0 {
                throw MailError(.headerInjection(header: "header name", character: byte == 0 ? "NUL" : "line break"))
            }
            throw MailError(.invalidHeaderName(name, problem: "\(what) is not allowed in a header name"))
        }
        if name.utf8.count > 900 { throw MailError(.invalidHeaderName(name, problem: "it is too long")) }
    }
}

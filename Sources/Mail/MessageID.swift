// Message-IDs (RFC 5322 §3.6.4): given by the caller, or derived from a seed so that a resend of the
// same mailing to the same recipient carries the same ID and can be recognised.

/// A Message-ID, stored without its angle brackets.
public struct MessageID: Sendable, Hashable, CustomStringConvertible {
    /// `left@right`, without angle brackets.
    public let value: String

    /// `<left@right>` as written in the header.
    public var headerValue: String { "<" + value + ">" }
    public var description: String { headerValue }

    /// Checks a caller-provided ID, with or without angle brackets: both sides must be dot-atom text
    /// (the right side may be a `[literal]`).
    public init(_ text: String) throws {
        var inner = Substring(text)
        if inner.hasPrefix("<") && inner.hasSuffix(">") && inner.count >= 2 { inner = inner.dropFirst().dropLast() }
        func fail(_ problem: String) -> MailError { MailError(.invalidMessageID(text, problem: problem)) }
        try HeaderField.checkInjection(text, header: "Message-ID")
        guard let at = inner.lastIndex(of: "@") else { throw fail("there is no @") }
        let left = inner[..<at], right = inner[inner.index(after: at)...]
        guard Self.isDotAtom(left) else { throw fail("the part before @ is not dot-atom text") }
        let isLiteral = right.hasPrefix("[") && right.hasSuffix("]")
            && right.utf8.allSatisfy { $0 > 32 && $0 < 127 && $0 != UInt8(ascii: "\\") }
        guard isLiteral || Self.isDotAtom(right) else { throw fail("the part after @ is not a domain") }
        self.value = String(inner)
    }

    /// `<hex(SHA-256(seed))[0..<32]@domain>`: stable for a seed such as "012-launch/ada@example.org",
    /// without revealing the seed. `domain` is the sender's (ASCII) domain.
    public init(seed: String, domain: String) throws {
        let digest = try Digest.sha256(Array(seed.utf8))
        let hexDigits = Array("0123456789abcdef".utf8)
        var left: [UInt8] = []
        left.reserveCapacity(32)
        for byte in digest.prefix(16) {
            left.append(hexDigits[Int(byte >> 4)])
            left.append(hexDigits[Int(byte & 15)])
        }
        try self.init(String(decoding: left, as: UTF8.self) + "@" + DomainName.ascii(domain))
    }

    static func isDotAtom(_ text: Substring) -> Bool {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, let last = bytes.last, first != 0x2E, last != 0x2E else { return false }
        var previousDot = false
        for byte in bytes {
            if byte == 0x2E {
                if previousDot { return false }
                previousDot = true
            } else {
                if !Mailbox.isAtext(byte) { return false }
                previousDot = false
            }
        }
        return true
    }
}

// A mailbox: an RFC 5321 address (local part @ domain) with an optional display name.
// Checks syntax and converts the domain to A-labels; header formatting is in Mailbox+Header.swift.

/// An email address with an optional display name, validated on creation.
public struct Mailbox: Sendable, Hashable, CustomStringConvertible {
    /// The local part as it goes on the wire: a dot-atom or a quoted string (with its quotes).
    public let localPart: String
    /// The domain in ASCII: lower case, internationalized labels as A-labels (`xn--…`).
    public let domain: String
    /// The name shown to people ("Ada Lovelace"), if any; never contains CR, LF or NUL.
    public let displayName: String?

    /// `localPart@domain`, the form used in SMTP commands and headers.
    public var address: String { localPart + "@" + domain }

    /// True when the local part has non-ASCII characters: such a recipient needs a server offering
    /// SMTPUTF8 (RFC 6531), since no ASCII form of the local part exists.
    public var requiresSMTPUTF8: Bool { localPart.utf8.contains { $0 >= 0x80 } }

    public var description: String { headerValue }

    /// Parses an address (`ada@example.org`, `"a b"@bücher.example`) and attaches a display name.
    public init(_ address: String, displayName: String? = nil) throws {
        guard let at = address.lastIndex(of: "@") else {
            throw MailError(.invalidAddress(address, problem: "there is no @"))
        }
        let local = String(address[..<at])
        let domainPart = String(address[address.index(after: at)...])
        try Self.checkLocalPart(local, address: address)
        do {
            self.domain = try DomainName.ascii(domainPart)
        } catch let error as MailError {
            if case .invalidAddress(_, let problem) = error.reason {
                throw MailError(.invalidAddress(address, problem: problem))
            }
            throw error
        }
        self.localPart = local
        if let displayName {
            if let bad = displayName.unicodeScalars.first(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) {
                throw MailError(.headerInjection(header: "display name", character: Self.characterName(bad)))
            }
            // Runs of spaces collapse to one: readers disagree about them inside encoded words.
            let words = displayName.split(whereSeparator: { $0 == " " || $0 == "\t" })
            self.displayName = words.isEmpty ? nil : words.joined(separator: " ")
        } else {
            self.displayName = nil
        }
    }

    /// Parses `Name <address>`, `"Name, Jr." <address>` or a bare address (as written in a config file).
    public init(parsing text: String) throws {
        let trimmed = text.trimmingSpaces
        guard trimmed.hasSuffix(">"), let open = trimmed.lastIndex(of: "<") else {
            try self.init(trimmed)
            return
        }
        let address = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
        var name = String(trimmed[..<open]).trimmingSpaces
        if name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") {
            var unquoted = ""
            var escaped = false
            for character in name.dropFirst().dropLast() {
                if escaped || character != "\\" {
                    unquoted.append(character)
                    escaped = false
                } else {
                    escaped = true
                }
            }
            name = unquoted
        }
        try self.init(address, displayName: name.isEmpty ? nil : name)
    }

    /// RFC 5321 §4.1.2 Local-part = Dot-string / Quoted-string, with UTF-8 allowed by RFC 6531.
    static func checkLocalPart(_ local: String, address: String) throws {
        func fail(_ problem: String) -> MailError { MailError(.invalidAddress(address, problem: problem)) }
        let bytes = Array(local.utf8)
        if bytes.isEmpty { throw fail("the local part is empty") }
        if bytes.count > 64 { throw fail("the local part is longer than 64 octets") }
        if bytes.first == UInt8(ascii: "\"") {
            guard bytes.count >= 2, bytes.last == UInt8(ascii: "\"") else {
                throw fail("the quoted local part has no closing quote")
            }
            var index = 1
            while index < bytes.count - 1 {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\\") {
                    guard index + 1 < bytes.count - 1, bytes[index + 1] >= 32, bytes[index + 1] <= 126 else {
                        throw fail("a backslash in the quoted local part escapes nothing printable")
                    }
                    index += 2
                    continue
                }
                if byte == UInt8(ascii: "\"") { throw fail("an unescaped quote inside the quoted local part") }
                if byte < 32 || byte == 127 {
                    throw fail(DomainName.describe(Unicode.Scalar(byte), what: "in the local part"))
                }
                index += 1
            }
            return
        }
        if bytes.first == UInt8(ascii: ".") { throw fail("the local part starts with a dot") }
        if bytes.last == UInt8(ascii: ".") { throw fail("the local part ends with a dot") }
        var previousWasDot = false
        for scalar in local.unicodeScalars {
            if scalar == "." {
                if previousWasDot { throw fail("two dots in a row in the local part") }
                previousWasDot = true
                continue
            }
            previousWasDot = false
            if scalar.value >= 0x80 {
                let category = scalar.properties.generalCategory
                if category == .control || category == .format || category == .spaceSeparator
                    || category == .lineSeparator || category == .paragraphSeparator
                {
                    throw fail(DomainName.describe(scalar, what: "in the local part"))
                }
                continue
            }
            if !Self.isAtext(UInt8(scalar.value)) {
                var problem = DomainName.describe(scalar, what: "in the local part")
                if scalar.value >= 32 && scalar.value < 127 { problem += " (it would need quoting)" }
                throw fail(problem)
            }
        }
    }

    /// True when `bytes` are an ASCII RFC 5322 dot-atom (atext runs joined by single dots, none at either end),
    /// for list validation's fast path; it checks no length.
    public static func isASCIIDotAtom(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let table = atextTable
        var previous: UInt8 = UInt8(ascii: ".")  // a leading dot fails like a double one
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                if previous == byte { return false }
            } else if byte >= 0x80 || !table[Int(byte)] {
                return false
            }
            previous = byte
        }
        return previous != UInt8(ascii: ".")
    }

    /// RFC 5322 atext: letters, digits and !#$%&'*+-/=?^_`{|}~.
    static func isAtext(_ byte: UInt8) -> Bool {
        atextTable[Int(byte)]
    }

    private static let atextTable: [Bool] = (0..<256).map { value in
        let byte = UInt8(value)
        return DomainName.isLetterOrDigit(byte) || "!#$%&'*+-/=?^_`{|}~".utf8.contains(byte)
    }

    static func characterName(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "\r": return "carriage return (CR)"
        case "\n": return "line feed (LF)"
        default: return "NUL"
        }
    }
}

extension String {
    /// Without leading and trailing spaces and tabs (not line breaks: those must reach the injection guard).
    var trimmingSpaces: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { $0 != " " && $0 != "\t" }),
            let last = scalars.lastIndex(where: { $0 != " " && $0 != "\t" })
        else { return "" }
        return String(scalars[first...last])
    }
}

// Domain names of mailboxes: syntax checks (RFC 5321 §4.1.2, RFC 1035 lengths) and IDNA A-labels.
// Mapping is the light one: lower case and NFC per label, then Punycode; no full UTS #46 table.
import Foundation

/// Checks a domain and converts internationalized labels to A-labels ("bücher.example" → "xn--bcher-kva.example").
public enum DomainName {
    /// The ASCII form of `domain`, lower-cased; throws with the reason when it is not a valid domain.
    /// An address literal (`[192.0.2.1]`, `[IPv6:2001:db8::1]`) is returned unchanged when valid.
    public static func ascii(_ domain: String) throws -> String {
        func fail(_ problem: String) -> MailError { MailError(.invalidAddress(domain, problem: problem)) }
        if domain.isEmpty { throw fail("the domain is empty") }
        if domain.hasPrefix("[") { return try addressLiteral(domain) }
        return try plainASCII(domain) ?? labelByLabel(domain)
    }

    /// `ascii` for any domain: each label lower-cased, NFC-mapped and Punycode-encoded when not ASCII, and checked.
    static func labelByLabel(_ domain: String) throws -> String {
        func fail(_ problem: String) -> MailError { MailError(.invalidAddress(domain, problem: problem)) }
        // IDNA separators: full stop and its ideographic and full-width forms (RFC 3490 §3.1).
        let labels = domain.utf8.allSatisfy({ $0 < 0x80 })
            ? domain.split(separator: ".", omittingEmptySubsequences: false)
            : domain.split(omittingEmptySubsequences: false) { ["\u{2E}", "\u{3002}", "\u{FF0E}", "\u{FF61}"].contains($0) }
        if labels.count > 1, labels.last?.isEmpty == true, labels.dropLast().allSatisfy({ !$0.isEmpty }) {
            throw fail("the domain ends with a dot")
        }
        var asciiLabels: [String] = []
        asciiLabels.reserveCapacity(labels.count)
        for label in labels {
            if label.isEmpty { throw fail("the domain has an empty label") }
            asciiLabels.append(try asciiLabel(String(label), in: domain))
        }
        let result = asciiLabels.joined(separator: ".")
        if result.utf8.count > 253 { throw fail("the domain is longer than 253 octets") }
        return result
    }

    /// The common case in one pass over the bytes: letters, digits, hyphens and dots making valid labels, returned
    /// lower-cased. Nil for anything else (an error, a U-label), which the full path then handles.
    static func plainASCII(_ domain: String) -> String? {
        var output: [UInt8] = []
        output.reserveCapacity(domain.utf8.count)
        var labelLength = 0, previous = UInt8(ascii: ".")
        for byte in domain.utf8 {
            switch byte {
            case UInt8(ascii: "."):
                guard labelLength > 0, previous != UInt8(ascii: "-") else { return nil }
                labelLength = 0
            case UInt8(ascii: "-"):
                guard labelLength > 0 else { return nil }
                labelLength += 1
            case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                output.append(byte | 0x20)
                previous = byte
                labelLength += 1
                guard labelLength <= 63 else { return nil }
                continue
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                labelLength += 1
            default:
                return nil
            }
            guard labelLength <= 63 else { return nil }
            output.append(byte)
            previous = byte
        }
        guard labelLength > 0, previous != UInt8(ascii: "-"), output.count <= 253 else { return nil }
        return String(decoding: output, as: UTF8.self)
    }

    private static func asciiLabel(_ label: String, in domain: String) throws -> String {
        func fail(_ problem: String) -> MailError { MailError(.invalidAddress(domain, problem: problem)) }
        let isASCII = label.utf8.allSatisfy { $0 < 0x80 }
        let mapped = isASCII ? label.lowercased() : label.lowercased().precomposedStringWithCanonicalMapping
        for scalar in mapped.unicodeScalars {
            if scalar.value < 0x80 {
                let byte = UInt8(scalar.value)
                if isLetterOrDigit(byte) || byte == UInt8(ascii: "-") { continue }
                throw fail(describe(scalar, what: "in the domain"))
            }
            switch scalar.properties.generalCategory {
            case .control, .format, .privateUse, .surrogate, .unassigned, .spaceSeparator, .lineSeparator,
                .paragraphSeparator:
                throw fail(describe(scalar, what: "in the domain"))
            default: continue
            }
        }
        var ascii = mapped
        if !isASCII {
            guard let encoded = Punycode.encode(mapped) else { throw fail("the label \"\(label)\" cannot be encoded") }
            ascii = "xn--" + encoded
        }
        if ascii.utf8.count > 63 { throw fail("the label \"\(label)\" is longer than 63 octets") }
        if ascii.hasPrefix("-") { throw fail("the label \"\(label)\" starts with a hyphen") }
        if ascii.hasSuffix("-") { throw fail("the label \"\(label)\" ends with a hyphen") }
        return ascii
    }

    private static func addressLiteral(_ literal: String) throws -> String {
        func fail(_ problem: String) -> MailError { MailError(.invalidAddress(literal, problem: problem)) }
        guard literal.hasSuffix("]"), literal.count > 2 else { throw fail("the address literal has no closing ]") }
        let inner = String(literal.dropFirst().dropLast())
        if inner.lowercased().hasPrefix("ipv6:") {
            var storage = in6_addr()
            guard inet_pton(AF_INET6, String(inner.dropFirst(5)), &storage) == 1 else {
                throw fail("\"\(inner.dropFirst(5))\" is not an IPv6 address")
            }
            return literal
        }
        let parts = inner.split(separator: ".", omittingEmptySubsequences: false)
        let valid = parts.count == 4 && parts.allSatisfy { part in
            !part.isEmpty && part.count <= 3 && part.allSatisfy(\.isASCII) && (Int(part).map { $0 <= 255 } ?? false)
        }
        if !valid { throw fail("\"\(inner)\" is not an IPv4 address (use [IPv6:…] for IPv6)") }
        return literal
    }

    static func isLetterOrDigit(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }

    /// "a space", "a comma", "the character \"<\"": how errors name a character.
    static func describe(_ scalar: Unicode.Scalar, what place: String) -> String {
        switch scalar {
        case " ": return "a space \(place)"
        case "\t": return "a tab \(place)"
        case ",": return "a comma \(place)"
        case "\r", "\n", "\0": return "a control character (\(MailError.printable(String(scalar)))) \(place)"
        default:
            if scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .format {
                return "a control character (U+\(String(scalar.value, radix: 16, uppercase: true))) \(place)"
            }
            if scalar.properties.generalCategory == .spaceSeparator { return "a space \(place)" }
            return "the character \"\(scalar)\" \(place)"
        }
    }
}

// Cleans an address the way import, add and validate see it: trimmed, the domain lower-cased and in A-labels,
// RFC 5321 syntax (through Mail.Mailbox). Comparing addresses stays AddressKey's job; warnings are ListAddressLint's.
import Mail

/// An address as the tool writes it into a list: `local@domain`, the local part as given, the domain in ASCII.
public enum ListAddress {
    /// The cleaned form of `raw`, or what is wrong with it (a sentence for a diagnostic).
    public static func clean(_ raw: String) -> Result<String, Problem> {
        let trimmed = SubscriberListReader.trimmed(raw)
        guard !trimmed.isEmpty else { return .failure(Problem(message: "the address is empty")) }
        guard trimmed.utf8.contains(UInt8(ascii: "@")) else { return .failure(Problem(message: "\"\(trimmed)\" has no @")) }
        if let fast = asciiDotAtom(trimmed) { return .success(fast) }
        do {
            return .success(try Mailbox(trimmed).address)
        } catch let error as MailError {
            if case .invalidAddress(_, let problem) = error.reason {
                return .failure(Problem(message: "\"\(trimmed)\" is not a valid address: \(problem)"))
            }
            return .failure(Problem(message: "\"\(trimmed)\" is not a valid address: \(error)"))
        } catch {
            return .failure(Problem(message: "\"\(trimmed)\" is not a valid address: \(error)"))
        }
    }

    /// The cleaned form of a plain ASCII address (dot-atom local part, letters-digits-hyphen domain), checked
    /// byte by byte by the same rules as Mailbox; nil for anything else, which takes Mailbox's full path.
    /// A million-row validate spends most of its time here.
    static func asciiDotAtom(_ address: String) -> String? {
        var copy = address
        return copy.withUTF8 { bytes -> String? in
            guard let at = bytes.lastIndex(of: UInt8(ascii: "@")), isDotAtomLocalPart(UnsafeBufferPointer(rebasing: bytes[..<at])),
                  let upper = asciiDomainHasUpperCase(UnsafeBufferPointer(rebasing: bytes[(at + 1)...])) else { return nil }
            guard upper else { return address }
            return String(decoding: bytes[0...at], as: UTF8.self) + String(decoding: bytes[(at + 1)...], as: UTF8.self).lowercased()
        }
    }

    /// True for a plain ASCII dot-atom local part of 1 to 64 bytes (RFC 5321 §4.1.2, §4.5.3.1.1).
    static func isDotAtomLocalPart(_ local: UnsafeBufferPointer<UInt8>) -> Bool {
        local.count > 0 && local.count <= 64 && Mailbox.isASCIIDotAtom(local)
    }

    /// For an ASCII domain of letters, digits and hyphens in labels of 1 to 63 bytes (at most 253 in all), whether
    /// it has upper-case letters; nil for any other domain, which DomainName reads.
    static func asciiDomainHasUpperCase(_ domain: UnsafeBufferPointer<UInt8>) -> Bool? {
        guard domain.count > 0, domain.count <= 253 else { return nil }
        var labelLength = 0, labelStart = true, lastByte: UInt8 = 0, upper = false
        for byte in domain {
            if byte == UInt8(ascii: ".") {
                if labelLength == 0 || lastByte == UInt8(ascii: "-") { return nil }
                labelLength = 0
                labelStart = true
            } else {
                let letterOrDigit = DomainLetters.isLetterOrDigit(byte)
                guard letterOrDigit || byte == UInt8(ascii: "-"), !(labelStart && byte == UInt8(ascii: "-")) else { return nil }
                if byte >= 0x41 && byte <= 0x5A { upper = true }
                labelLength += 1
                labelStart = false
                if labelLength > 63 { return nil }
            }
            lastByte = byte
        }
        if labelLength == 0 || lastByte == UInt8(ascii: "-") { return nil }
        return upper
    }

    /// Why an address cannot be used.
    public struct Problem: Error, Sendable, Hashable {
        public var message: String
        public var hint: String { "write it as name@example.org (RFC 5321): no spaces, one @, a domain with a dot" }
    }
}

// Errors of the Mail module: what was wrong with an address, a header or a key, said so a person can fix it.
// OpenSSL's own failures are `OpenSSLError`, which carries the library's error queue.

/// A message could not be built or signed because of its input.
public struct MailError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Reason: Sendable, Equatable {
        /// The address is not an RFC 5321 mailbox; `problem` says why ("the domain has an empty label").
        case invalidAddress(String, problem: String)
        /// A CR, LF or NUL in a value bound for a header: the recipient must be rejected, never sent.
        case headerInjection(header: String, character: String)
        /// A header name outside RFC 5322 ftext, or one this module writes itself.
        case invalidHeaderName(String, problem: String)
        /// A header value that cannot be written ("a word longer than 998 octets").
        case invalidHeaderValue(header: String, problem: String)
        /// A Message-ID that is not `<left@right>`.
        case invalidMessageID(String, problem: String)
        /// A MIME boundary that is unsafe or not allowed by RFC 2046.
        case invalidBoundary(String, problem: String)
        /// A DKIM key of a type we do not sign with.
        case unsupportedKeyType(String)
        /// An RSA key shorter than 2048 bits.
        case keyTooShort(bits: Int)
        /// A DKIM domain or selector that is not a domain name.
        case invalidDKIMParameter(String, problem: String)
        /// The message given to the signer is not a message (no header/body separator, no From).
        case malformedMessage(String)
    }

    /// What went wrong, with the details.
    public let reason: Reason

    /// An error for `reason`.
    public init(_ reason: Reason) { self.reason = reason }

    public var description: String {
        switch reason {
        case .invalidAddress(let address, let problem):
            return "invalid address \"\(Self.printable(address))\": \(problem)"
        case .headerInjection(let header, let character):
            return "the \(header) header would contain a \(character): rejected to prevent header injection"
        case .invalidHeaderName(let name, let problem):
            return "invalid header name \"\(Self.printable(name))\": \(problem)"
        case .invalidHeaderValue(let header, let problem):
            return "invalid \(header) header: \(problem)"
        case .invalidMessageID(let id, let problem):
            return "invalid Message-ID \"\(Self.printable(id))\": \(problem)"
        case .invalidBoundary(let boundary, let problem):
            return "invalid MIME boundary \"\(Self.printable(boundary))\": \(problem)"
        case .unsupportedKeyType(let type):
            return "unsupported DKIM key type \(type): use RSA (2048 bits or more) or Ed25519"
        case .keyTooShort(let bits):
            return "the RSA key has \(bits) bits; DKIM keys must have at least 2048 (RFC 8301)"
        case .invalidDKIMParameter(let value, let problem):
            return "invalid DKIM setting \"\(Self.printable(value))\": \(problem)"
        case .malformedMessage(let problem):
            return "cannot sign the message: \(problem)"
        }
    }

    /// Shows control characters as escapes so an error line never breaks a log or a terminal.
    static func printable(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\r": result += "\\r"
            case "\n": result += "\\n"
            case "\0": result += "\\0"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    result += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }
}

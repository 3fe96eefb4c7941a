// Why bytes could not be read as a message at all. Anything short of these is read leniently, as mail readers
// must (RFC 2045 and 2046 leave a lot to the reader): a truncated multipart, say, keeps the parts that arrived.

/// The input is not a message.
public struct MIMEReadError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        /// No bytes at all.
        case empty
        /// NUL or other control bytes where the header should be: a binary file, not a message.
        case binary
        /// No header field before the body: not a message (a bare text file).
        case noHeader
        /// Larger than the reader accepts.
        case tooLarge(bytes: Int, limit: Int)
    }

    public let reason: Reason

    public init(_ reason: Reason) { self.reason = reason }

    public var description: String {
        switch reason {
        case .empty: return "the message is empty"
        case .binary: return "binary data, not a message (control bytes in the header)"
        case .noHeader: return "no header fields: not an email message"
        case .tooLarge(let bytes, let limit): return "the message has \(bytes) bytes, more than the \(limit) read"
        }
    }
}

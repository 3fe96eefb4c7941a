// The SMTP dialogue as lines, for `--verbose` and debugging. Credentials never appear: AUTH
// arguments and responses are replaced, and the message content is summarized by its size.

/// One line of the dialogue.
public struct TranscriptLine: Sendable, CustomStringConvertible {
    /// Who said it.
    public enum Direction: String, Sendable { case client = "C:", server = "S:", note = "*" }

    /// Client, server, or a note of the client (connected, TLS parameters, reconnecting).
    public let direction: Direction
    /// The line without CRLF; AUTH secrets already replaced by "<redacted>".
    public let text: String
    /// The peer, "relay.example.org[127.0.0.1]:2525".
    public let peer: String

    public var description: String { "\(direction.rawValue) \(text)" }
}

/// Receives transcript lines; called on the thread of the connection, so it must be thread-safe.
public typealias Transcript = @Sendable (TranscriptLine) -> Void

// Where in the SMTP dialogue something happened, for error messages and the transcript.
// Phrased to follow "… with host[addr]:port", as Postfix does.

/// What the client was doing when a failure happened.
public enum Stage: Sendable, Equatable, CustomStringConvertible {
    /// Opening the TCP connection.
    case connect
    /// The TLS handshake (implicit TLS or after STARTTLS).
    case tlsHandshake
    /// Waiting for the 220 greeting.
    case greeting
    /// Sending a command ("MAIL FROM").
    case sending(String)
    /// Waiting for the reply to a command ("RCPT TO").
    case reply(to: String)
    /// Sending the message content after the 354.
    case messageContent
    /// Waiting for the reply that says whether the message was taken (after the final ".").
    case endOfData

    public var description: String {
        switch self {
        case .connect: return "while connecting"
        case .tlsHandshake: return "during the TLS handshake"
        case .greeting: return "while waiting for the server greeting"
        case .sending(let command): return "while sending \(command)"
        case .reply(let command): return "while waiting for the reply to \(command)"
        case .messageContent: return "while sending the message content"
        case .endOfData: return "while waiting for the reply to DATA (after the message content was sent)"
        }
    }
}

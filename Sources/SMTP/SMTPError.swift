// What went wrong talking to a relay, with the peer and the stage, in words a user can act on
// ("lost connection with relay.example.org[127.0.0.1]:2525 while waiting for the reply to DATA").
import Mail

/// A failure of the SMTP client: the connection, TLS, authentication, or a reply that ends the session.
public struct SMTPError: Error, Sendable, CustomStringConvertible {
    /// What happened.
    public enum Reason: Sendable {
        /// The relay URL or settings are unusable.
        case invalidConfiguration(String)
        /// The host name did not resolve (getaddrinfo's message).
        case nameResolution(String)
        /// Nothing listens on that port.
        case connectionRefused
        /// Another socket error (errno's text).
        case network(String)
        /// No answer within the stage's time limit.
        case timedOut(seconds: Double)
        /// The server closed the connection.
        case connectionClosed
        /// The TLS handshake or a TLS read/write failed.
        case tls(OpenSSLError)
        /// The server's certificate was not accepted (OpenSSL's verification result).
        case certificateVerification(String)
        /// STARTTLS is required but the server does not offer it (or refused it).
        case startTLSUnavailable(Reply?)
        /// Credentials would go over a connection without TLS and that was not allowed.
        case plaintextAuthenticationRefused
        /// The server offers no AUTH mechanism we speak (PLAIN, LOGIN), or no AUTH at all.
        case authenticationUnavailable(offered: [String])
        /// The server rejected the credentials (or AUTH failed otherwise).
        case authenticationFailed(Reply)
        /// A reply that makes the session unusable (a greeting of 554, EHLO and HELO refused…).
        case rejected(Reply)
        /// The server sent something that is not an SMTP reply.
        case malformedReply(String)
    }

    /// What happened.
    public let reason: Reason
    /// The peer, "relay.example.org[127.0.0.1]:2525", when a connection was involved.
    public let peer: String?
    /// What the client was doing.
    public let stage: Stage?

    /// An error with where it happened.
    public init(_ reason: Reason, peer: String? = nil, stage: Stage? = nil) {
        self.reason = reason
        self.peer = peer
        self.stage = stage
    }

    /// True when trying again later may succeed (network trouble, 4xx); false for configuration,
    /// certificate and credential problems that will fail every time.
    public var isTransient: Bool {
        switch reason {
        case .nameResolution, .connectionRefused, .network, .timedOut, .connectionClosed, .malformedReply:
            return true
        case .rejected(let reply), .authenticationFailed(let reply):
            return reply.disposition == .deferred
        case .startTLSUnavailable(let reply):
            return reply?.disposition == .deferred
        case .tls, .certificateVerification, .plaintextAuthenticationRefused, .authenticationUnavailable,
            .invalidConfiguration:
            return false
        }
    }

    /// A refused connection, or a greeting or reply that asks to slow down (421 "too many connections"):
    /// the server is overloaded, so its sender should pace down, not only retry.
    public var asksToSlowDown: Bool {
        switch reason {
        case .connectionRefused: return true
        case .rejected(let reply): return reply.asksToSlowDown
        default: return false
        }
    }

    public var description: String {
        let peer = self.peer ?? "the server"
        let stage = self.stage.map { " " + $0.description } ?? ""
        switch reason {
        case .invalidConfiguration(let text):
            return "invalid SMTP relay settings: \(text)"
        case .nameResolution(let text):
            return "cannot resolve the host name of \(peer): \(text)"
        case .connectionRefused:
            return "connection refused by \(peer)"
        case .network(let text):
            return "network error with \(peer)\(stage): \(text)"
        case .timedOut(let seconds):
            return "timed out after \(Self.format(seconds)) s with \(peer)\(stage)"
        case .connectionClosed:
            return "lost connection with \(peer)\(stage)"
        case .tls(let error):
            let details = error.entries.map { entry in entry.data.map { "\(entry.message) (\($0))" } ?? entry.message }
            return "TLS failure with \(peer)\(stage): " + (details.isEmpty ? error.description : details.joined(separator: "; "))
        case .certificateVerification(let text):
            return "the certificate of \(peer) was not accepted: \(text)"
        case .startTLSUnavailable(let reply):
            let said = reply.map { "; it said: \($0)" } ?? ""
            return "\(peer) does not offer STARTTLS, which is required (use smtps:// for implicit TLS, "
                + "or tls=none to send in the clear)\(said)"
        case .plaintextAuthenticationRefused:
            return "refusing to send the password to \(peer) over a connection without TLS"
        case .authenticationUnavailable(let offered):
            let list = offered.isEmpty ? "none" : offered.joined(separator: " ")
            return "\(peer) offers no usable AUTH mechanism (offered: \(list); supported: PLAIN LOGIN)"
        case .authenticationFailed(let reply):
            return "authentication failed: \(peer) said: \(reply)"
        case .rejected(let reply):
            switch self.stage {
            case .reply(let command)?: return "\(peer) said: \(reply) (in reply to \(command))"
            case .endOfData?: return "\(peer) said: \(reply) (in reply to the end of DATA)"
            case .greeting?: return "\(peer) said: \(reply) (in its greeting)"
            default: return "\(peer) said: \(reply)"
            }
        case .malformedReply(let text):
            return "malformed reply from \(peer)\(stage): \(text)"
        }
    }

    static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}

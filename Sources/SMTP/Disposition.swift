// The one place that decides what a server's reply means for a message or recipient (after
// Postfix's smtp_trouble.c). `uncertain` is never decided from a reply: only the session sets it.

/// What became of a message or a recipient.
public enum Disposition: String, Sendable, Equatable, Codable {
    /// 2xx: the server took responsibility.
    case accepted
    /// 4xx or a lost connection before the message went out: try again later.
    case deferred
    /// 5xx: permanent, do not try again.
    case failed
    /// The message content went out but its final reply never came (timeout, dropped connection):
    /// RFC 5321 §6.1 says the server may have taken it.
    case uncertain
}

extension Reply {
    /// What a final reply means (354 is an intermediate reply, handled by the session).
    public var disposition: Disposition {
        switch code {
        case 200..<400: return .accepted
        case 400..<500: return .deferred
        default: return .failed
        }
    }

    /// 421, 450, 451, 452 and 454: the server asks us to slow down or come back later. These defer,
    /// never fail (RFC 5321 §4.2.2, §4.2.3); 421 also means the server is closing the connection.
    public var isThrottling: Bool { [421, 450, 451, 452, 454].contains(code) }

    /// 421: the server closes the transmission channel after this reply (RFC 5321 §3.8).
    public var closesConnection: Bool { code == 421 }
}

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

    /// The server asks the client to send more slowly, not merely to retry this recipient later: 421 (closing,
    /// often "too many connections"), the rate limits of 4.7.x (Gmail's 421/450 4.7.28, 4.7.0 "try again
    /// later, too many…"), 452 4.5.3 (too many recipients). A plain 451 4.3.0 or greylisting (4.7.1, 4.2.0)
    /// defers only its recipient; pacing is the caller's, per server or domain.
    public var asksToSlowDown: Bool {
        guard code >= 400 && code < 500 else { return false }
        if code == 421 { return true }
        guard let enhanced = enhancedStatusCode, enhanced.class == 4 else { return false }
        switch (enhanced.subject, enhanced.detail) {
        case (7, let detail): return detail != 1
        case (5, 3): return true
        default: return false
        }
    }
}

// The states a recipient of an issue can end in (DESIGN.md, reliability contract), as written in the log.

/// Where a recipient stands after an attempt.
public enum RecipientStatus: String, Sendable, Codable, CaseIterable {
    /// The server answered 2xx to the DATA that carried the message.
    case sent
    /// A permanent (5xx) refusal.
    case failed
    /// A bad address, or a value that would have injected a header: nothing was sent.
    case invalid
    /// Temporary (4xx) refusals after the retries of this run; a rerun tries again.
    case deferred
    /// DATA went out but its final reply never came (RFC 5321 §6.1: the server may have taken it).
    case uncertain

    /// Whether a rerun leaves this recipient alone.
    public var isFinal: Bool { self == .sent || self == .failed || self == .invalid }

    /// Whether a rerun skips this recipient: final, or uncertain when told `--skip-uncertain`.
    func isDone(skipUncertain: Bool) -> Bool { isFinal || (self == .uncertain && skipUncertain) }
}

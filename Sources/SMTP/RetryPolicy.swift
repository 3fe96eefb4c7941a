// How often and how patiently a relay retries deferred recipients within one run: exponential
// backoff with jitter. What is still deferred after the last attempt is left for the next run.

/// Attempts and delays for 4xx replies and lost connections.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts in all, the first included (1 means no retry).
    public var maximumAttempts: Int
    /// Seconds before the second attempt.
    public var initialDelay: Double
    /// Each further delay is the previous one times this.
    public var multiplier: Double
    /// No delay is longer than this many seconds.
    public var maximumDelay: Double
    /// Each delay varies by up to this share either way, so connections do not retry in step.
    public var jitter: Double

    /// Defaults: 4 attempts, 5 s, then 10 s and 20 s, at most 120 s, ±20 %.
    public init(maximumAttempts: Int = 4, initialDelay: Double = 5, multiplier: Double = 2,
                maximumDelay: Double = 120, jitter: Double = 0.2) {
        self.maximumAttempts = max(1, maximumAttempts)
        self.initialDelay = max(0, initialDelay)
        self.multiplier = max(1, multiplier)
        self.maximumDelay = max(0, maximumDelay)
        self.jitter = min(max(0, jitter), 1)
    }

    /// One attempt, no retry.
    public static let none = RetryPolicy(maximumAttempts: 1)

    /// Seconds to wait after attempt `attempt` (1-based) failed.
    public func delay(afterAttempt attempt: Int) -> Double {
        var delay = initialDelay
        for _ in 1..<max(1, min(attempt, 64)) {
            delay *= multiplier
            if delay >= maximumDelay { break }
        }
        delay = min(delay, maximumDelay)
        guard jitter > 0, delay > 0 else { return delay }
        return delay * Double.random(in: (1 - jitter)...(1 + jitter))
    }
}

// Pacing of messages. The relay awaits a RateLimiter before every attempt; TokenBucket gives a
// steady messages-per-second rate. Per-hour and per-day caps counted from the publish logs are the
// caller's own RateLimiter (the SMTP module keeps no history).

/// Something the relay awaits before each message it sends.
public protocol RateLimiter: Sendable {
    /// Returns when the next message may go; throws to stop sending (CancellationError, a cap reached).
    func acquire() async throws
}

/// A token bucket (as GCRA): `messagesPerSecond` on average, up to `burst` at once.
public actor TokenBucket: RateLimiter {
    private let interval: Duration
    private let tolerance: Duration
    private var theoreticalArrival: ContinuousClock.Instant

    /// A bucket that refills at `messagesPerSecond` and holds `burst` tokens.
    public init(messagesPerSecond: Double, burst: Int = 1) {
        let rate = max(messagesPerSecond, 0.000_001)
        interval = .nanoseconds(Int64(min(1e9 / rate, 1e15)))
        tolerance = interval * max(0, burst - 1)
        theoreticalArrival = ContinuousClock.now
    }

    public func acquire() async throws {
        let now = ContinuousClock.now
        // The slot is reserved before sleeping, so callers arriving meanwhile queue up behind it.
        let start = max(theoreticalArrival, now)
        theoreticalArrival = start + interval
        let allowedAt = start - tolerance
        if allowedAt > now { try await Task.sleep(until: allowedAt, clock: .continuous) }
    }
}

/// Holds every sender back for a while after a throttling reply (421, 450, 451, 452, 454), so a
/// relay that asks us to slow down sees all connections slow down, not only the one it told.
actor ThrottleGate {
    private var pausedUntil = ContinuousClock.now

    func wait() async throws {
        let until = pausedUntil
        if until > ContinuousClock.now { try await Task.sleep(until: until, clock: .continuous) }
    }

    func pause(seconds: Double) {
        let until = ContinuousClock.now + .milliseconds(Int64(max(0, min(seconds, 3600)) * 1000))
        if until > pausedUntil { pausedUntil = until }
    }
}

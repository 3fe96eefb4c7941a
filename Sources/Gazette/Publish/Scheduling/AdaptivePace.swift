// The pace of one pacing key (a relay, or a recipient domain for direct delivery): unpaced until the server
// asks to slow down, then AIMD as TCP does — the rate halves on each "slow down" reply and grows back by a
// small step per accepted message, until it is fast enough to be unpaced again.
import Foundation

/// Messages per second allowed to one pacing key, adapted to what its server says.
struct AdaptivePace: Sendable {
    /// Seconds between sends once throttled for the first time (1 message/s).
    static let firstInterval: TimeInterval = 1
    /// The slowest pace: one message a minute.
    static let longestInterval: TimeInterval = 60
    /// Messages per second regained per accepted message (additive increase).
    static let recoveryStep = 0.25
    /// Above this rate the key is unpaced again.
    static let unpacedRate = 20.0

    /// Seconds between the starts of two sends; 0 while unpaced.
    private(set) var interval: TimeInterval = 0
    /// When the next send may start.
    private(set) var nextSlot = Date.distantPast

    /// When a send may start, at the earliest.
    func earliestStart(now: Date) -> Date { interval == 0 ? now : max(now, nextSlot) }

    /// Takes the slot starting at `start`.
    mutating func reserve(at start: Date) {
        if interval > 0 { nextSlot = max(nextSlot, start).addingTimeInterval(interval) }
    }

    /// The server asked to slow down: halve the rate, and wait one interval from now before the next send.
    mutating func slowDown(now: Date) {
        interval = interval == 0 ? Self.firstInterval : min(interval * 2, Self.longestInterval)
        nextSlot = max(nextSlot, now.addingTimeInterval(interval))
    }

    /// A message was accepted: a little faster.
    mutating func recover() {
        guard interval > 0 else { return }
        let rate = 1 / interval + Self.recoveryStep
        interval = rate >= Self.unpacedRate ? 0 : 1 / rate
    }
}

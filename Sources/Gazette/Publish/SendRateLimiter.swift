// Paces a publish: messages per second (a token bucket), the relay's per-hour and per-day caps as true sliding
// windows that include earlier runs' sends (read from the logs). A server's "slow down" is paced per key
// by the scheduler (AdaptivePace), not here.
import Foundation

/// Decides when the next message may go; shared by all workers.
final class SendRateLimiter: @unchecked Sendable {
    private let lock = NSLock()
    private let interval: TimeInterval?
    private var nextSlot = Date.distantPast
    private var windows: [(length: TimeInterval, cap: Int, times: [Date])] = []

    /// `history`: when earlier sends (all issues) happened, for the caps.
    init(perSecond: Double?, maxPerHour: Int?, maxPerDay: Int?, history: [Date], now: Date = Date()) {
        interval = perSecond.map { 1 / $0 }
        for (length, cap) in [(3600.0, maxPerHour), (86400.0, maxPerDay)] {
            guard let cap else { continue }
            windows.append((length, cap, history.filter { now.timeIntervalSince($0) < length }.sorted()))
        }
    }

    /// How long to wait before the next send, reserving the slot; nil when a cap is reached for longer
    /// than `maximumWait` (the run then stops and leaves the rest for a later run).
    func reserve(now: Date = Date(), maximumWait: TimeInterval = 300) -> TimeInterval? {
        lock.lock()
        defer { lock.unlock() }
        var start = now
        if interval != nil { start = max(start, nextSlot) }
        for index in windows.indices {
            let length = windows[index].length
            windows[index].times.removeAll { start.timeIntervalSince($0) >= length }
            if windows[index].times.count >= windows[index].cap, let oldest = windows[index].times.first {
                start = max(start, oldest.addingTimeInterval(windows[index].length))
            }
        }
        let wait = start.timeIntervalSince(now)
        guard wait <= maximumWait else { return nil }
        if let interval { nextSlot = start.addingTimeInterval(interval) }
        for index in windows.indices { windows[index].times.append(start) }
        return max(0, wait)
    }
}

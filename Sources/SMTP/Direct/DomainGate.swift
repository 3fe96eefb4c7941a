// Caps the transactions with one recipient domain at once, across all workers, so a run with
// many connections does not hit one small MX with all of them.
import Foundation

/// Counting slots per domain; `Sendable`, shared by the workers of a run.
public final class DomainGate: @unchecked Sendable {
    // @unchecked: `busy` is guarded by `condition`.
    private let condition = NSCondition()
    private var busy: [String: Int] = [:]
    public let limit: Int

    public init(limit: Int) { self.limit = max(1, limit) }

    /// Waits (at most `timeout` seconds) for a slot of `domain`; false when none came in time.
    public func enter(_ domain: String, timeout: Double) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        let giveUp = Date(timeIntervalSinceNow: timeout)
        while busy[domain, default: 0] >= limit {
            if !condition.wait(until: giveUp) && busy[domain, default: 0] >= limit { return false }
        }
        busy[domain, default: 0] += 1
        return true
    }

    /// Gives the slot back.
    public func leave(_ domain: String) {
        condition.lock()
        let count = busy[domain, default: 1] - 1
        busy[domain] = count > 0 ? count : nil
        condition.broadcast()
        condition.unlock()
    }
}

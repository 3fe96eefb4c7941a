// Answers kept for their TTL, per resolver: positive and negative (RFC 2308) alike, capped in size,
// shared by threads. A question already on the wire is not asked twice: later callers wait for it.
import Foundation

/// What one question (name and type) gave: its records of that type and their TTL, or why none.
typealias DNSQuestionResult = Result<DNSAnswer<[DNSMessage.RecordData]>, DNSFailure>

/// How many questions went to a server and how many were answered from the cache.
public struct DNSStatistics: Sendable, Equatable {
    /// Questions sent to a server (one per name and type per TTL; a retry of the same question counts once).
    public var lookups = 0
    /// Questions answered from the cache.
    public var cacheHits = 0
}

final class DNSCache: @unchecked Sendable {
    // @unchecked: every stored property is guarded by `condition`.
    private struct Entry {
        let result: DNSQuestionResult
        let expires: UInt64
    }

    private let condition = NSCondition()
    private var entries: [String: Entry] = [:]
    private var inFlight: Set<String> = []
    private var counters = DNSStatistics()
    private let limit: Int

    init(limit: Int) { self.limit = max(1, limit) }

    var statistics: DNSStatistics {
        condition.lock()
        defer { condition.unlock() }
        return counters
    }

    /// The cached result for `key`, or the one `resolve()` gives, kept for the seconds it says. While one
    /// caller resolves a key, others asking for it wait (at most `wait` seconds, then ask themselves).
    func value(for key: String, wait: Double, resolve: () -> (DNSQuestionResult, seconds: Int)) -> DNSQuestionResult {
        condition.lock()
        let giveUp = Date(timeIntervalSinceNow: wait)
        while true {
            if let entry = entries[key], entry.expires > Deadline.now() {
                counters.cacheHits += 1
                condition.unlock()
                return entry.result
            }
            guard inFlight.contains(key), Date() < giveUp else { break }
            _ = condition.wait(until: giveUp)
        }
        inFlight.insert(key)
        counters.lookups += 1
        condition.unlock()

        let (result, seconds) = resolve()

        condition.lock()
        inFlight.remove(key)
        if seconds > 0 {
            if entries.count >= limit { evict() }
            entries[key] = Entry(result: result, expires: Deadline.now() &+ UInt64(seconds) * 1_000_000_000)
        }
        condition.broadcast()
        condition.unlock()
        return result
    }

    /// Drops expired entries, then (still full) the one closest to expiring. Called with the lock held.
    private func evict() {
        let now = Deadline.now()
        entries = entries.filter { $0.value.expires > now }
        if entries.count >= limit, let soonest = entries.min(by: { $0.value.expires < $1.value.expires }) {
            entries.removeValue(forKey: soonest.key)
        }
    }
}

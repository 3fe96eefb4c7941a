// The fallback chain of a publish (`delivery.via: [relay-a, relay-b, direct]`): the deliveries a recipient
// tries in order. A recipient moves to the next one after a transport reason — no connection, TLS, DNS,
// a 4xx after the retries — and never after a 5xx. A delivery that cannot open a connection is skipped by
// everyone for a while instead of being tried again for each recipient.
import Foundation

/// The deliveries of one run, in order, with which are down for now. Thread-safe.
final class DeliveryChain: @unchecked Sendable {
    /// One delivery of the chain.
    struct Link: Sendable {
        /// What the log's `via` says: the transport's name in gazette.yml, or its URL.
        var label: String
        var transport: Transport
    }

    let links: [Link]
    /// Seconds a delivery that could not connect is skipped.
    let downTime: TimeInterval
    private let lock = NSLock()
    private var downUntil: [Int: (until: Date, reason: String)] = [:]

    /// `links` is never empty: the settings and the publisher check that.
    init(links: [Link], downTime: TimeInterval = 30) {
        self.links = links
        self.downTime = downTime
    }

    var count: Int { links.count }
    subscript(index: Int) -> Link { links[index] }

    /// `relay-a → relay-b → direct`, for the first progress line and the run-start record.
    var description: String { links.map(\.label).joined(separator: " → ") }

    /// Why delivery `index` is skipped now, or nil when it may be tried.
    func downReason(_ index: Int, now: Date = Date()) -> String? {
        lock.lock()
        defer { lock.unlock() }
        guard let down = downUntil[index], down.until > now else { return nil }
        return down.reason
    }

    /// Delivery `index` could not open a connection: skip it for `downTime`.
    func markDown(_ index: Int, reason: String, now: Date = Date()) {
        lock.lock()
        downUntil[index] = (now.addingTimeInterval(downTime), reason)
        lock.unlock()
    }

    /// Whether an outcome on delivery `index` sends the recipient on to the next delivery at once: no reply
    /// at all (refused, timeout, TLS, DNS, a connection lost before the content) and a next delivery exists.
    func fallsThrough(_ outcome: DeliveryOutcome, at index: Int) -> Bool {
        outcome.status == .deferred && outcome.code == nil && index + 1 < links.count
    }
}

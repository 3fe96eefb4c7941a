// A small process-wide cache with least-recently-used eviction, safe to share between threads: parsed stylesheets
// (StylesheetCache) and Gazette's parsed template sets live in one, so builds, checks and preview reloads reuse them.
import Foundation

/// Values by key, at most `capacity` of them; the least recently used goes first.
public final class LeastRecentlyUsedCache<Key: Hashable & Sendable, Value: Sendable>: @unchecked Sendable {
    public let capacity: Int

    // NSLock rather than Synchronization.Mutex, which needs macOS 15. Every stored property is behind it.
    private let lock = NSLock()
    private var entries: [Key: Value] = [:]
    /// Keys from least to most recently used.
    private var order: [Key] = []

    public init(capacity: Int) {
        self.capacity = capacity
    }

    /// The value kept for `key`, or `make()`'s, which is kept. `make` runs outside the lock, so two threads asking
    /// for the same new key at once may both make it; the first one kept is returned to both. A `make` that throws
    /// keeps nothing.
    public func value(for key: Key, orMake make: () throws -> Value) rethrows -> Value {
        if let cached = cachedValue(for: key) { return cached }
        let made = try make()
        lock.lock()
        defer { lock.unlock() }
        if let kept = entries[key] { return kept }  // another thread made it meanwhile: one value for everyone
        entries[key] = made
        order.append(key)
        if order.count > capacity { entries[order.removeFirst()] = nil }
        return made
    }

    /// The value kept for `key`, if any (it becomes the most recently used).
    public func cachedValue(for key: Key) -> Value? {
        lock.lock()
        defer { lock.unlock() }
        guard let cached = entries[key] else { return nil }
        touch(key)
        return cached
    }

    /// Keeps `value` for `key`, replacing what was kept.
    public func insert(_ value: Value, for key: Key) {
        lock.lock()
        defer { lock.unlock() }
        if entries.updateValue(value, forKey: key) == nil {
            order.append(key)
            if order.count > capacity { entries[order.removeFirst()] = nil }
        } else {
            touch(key)
        }
    }

    /// Moves `key` to the most recently used end; the lock is held.
    private func touch(_ key: Key) {
        if order.last != key, let index = order.firstIndex(of: key) {
            order.remove(at: index)
            order.append(key)
        }
    }

    /// The values kept, least recently used first.
    public var values: [Value] {
        lock.lock()
        defer { lock.unlock() }
        return order.compactMap { entries[$0] }
    }

    /// How many values are kept.
    public var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return entries.count
    }

    /// Forgets every value (for measuring a cold run, and in tests).
    public func removeAll() {
        lock.lock()
        defer { lock.unlock() }
        entries.removeAll()
        order.removeAll()
    }
}

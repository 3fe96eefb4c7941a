// A small process-wide cache with least-recently-used eviction, safe to share between threads: parsed stylesheets
// (StylesheetCache) and Gazette's parsed template sets live in one, so builds, checks and preview reloads reuse them.
import Foundation

/// Values by key, at most `capacity` of them; the least recently used goes first.
public final class LeastRecentlyUsedCache<Key: Hashable & Sendable, Value: Sendable>: @unchecked Sendable {
    public let capacity: Int

    // NSLock rather than Synchronization.Mutex, which needs macOS 15. Every stored property is behind it.
    private let lock = NSLock()
    /// Each value with the tick of its last use. A hit hashes and compares its key once: keys can be whole
    /// stylesheets and templates, and an ordered list of keys cost a comparison of them per hit.
    private var entries: [Key: (value: Value, lastUse: UInt64)] = [:]
    private var tick: UInt64 = 0

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
        if let kept = entries[key] { return kept.value }  // another thread made it meanwhile: one value for everyone
        add(made, for: key)
        return made
    }

    /// The value kept for `key`, if any (it becomes the most recently used).
    public func cachedValue(for key: Key) -> Value? {
        lock.lock()
        defer { lock.unlock() }
        guard let index = entries.index(forKey: key) else { return nil }
        tick += 1
        entries.values[index].lastUse = tick
        return entries.values[index].value
    }

    /// Keeps `value` for `key`, replacing what was kept.
    public func insert(_ value: Value, for key: Key) {
        lock.lock()
        defer { lock.unlock() }
        add(value, for: key)
    }

    /// Keeps `value` as the most recently used, dropping the least recently used beyond `capacity`; the lock is held.
    private func add(_ value: Value, for key: Key) {
        tick += 1
        entries[key] = (value, tick)
        if entries.count > capacity, let oldest = entries.min(by: { $0.value.lastUse < $1.value.lastUse }) {
            entries.removeValue(forKey: oldest.key)
        }
    }

    /// The values kept, least recently used first.
    public var values: [Value] {
        lock.lock()
        defer { lock.unlock() }
        return entries.values.sorted { $0.lastUse < $1.lastUse }.map(\.value)
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
    }
}

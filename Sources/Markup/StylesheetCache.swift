// Parsed stylesheets kept by their text, process-wide: a build renders every issue with the same email.css
// (and `check`, `preview` and `publish` render again), so it is parsed once per run instead of once per issue.
import Foundation

/// A small cache of parsed stylesheets keyed by CSS text and source name (diagnostics name the source).
final class StylesheetCache: @unchecked Sendable {
    /// The cache the inliner uses.
    static let shared = StylesheetCache()

    /// Distinct stylesheets kept; a project has a handful, a test run a few hundred that each come once.
    static let capacity = 32
    /// Bigger stylesheets are parsed every time rather than kept in memory.
    static let maximumBytes = 512 * 1024

    private struct Key: Hashable {
        var css: String
        var source: String
    }

    // NSLock rather than Synchronization.Mutex, which needs macOS 15.
    private let lock = NSLock()
    private var entries: [Key: Stylesheet] = [:]
    /// Keys from least to most recently used.
    private var order: [Key] = []

    /// The parsed stylesheet for `css`, from the cache or parsed now (outside the lock) and kept.
    func stylesheet(parsing css: String, source: String) -> Stylesheet {
        guard css.utf8.count <= Self.maximumBytes else { return Stylesheet(parsing: css, source: source) }
        let key = Key(css: css, source: source)
        lock.lock()
        if let cached = entries[key] {
            if order.last != key, let index = order.firstIndex(of: key) {
                order.remove(at: index)
                order.append(key)
            }
            lock.unlock()
            return cached
        }
        lock.unlock()
        let parsed = Stylesheet(parsing: css, source: source)
        lock.lock()
        defer { lock.unlock() }
        if entries.updateValue(parsed, forKey: key) == nil {
            order.append(key)
            if order.count > Self.capacity { entries[order.removeFirst()] = nil }
        }
        return parsed
    }

    /// Forgets every stylesheet (for measuring a cold run).
    func removeAll() {
        lock.lock()
        defer { lock.unlock() }
        entries.removeAll()
        order.removeAll()
    }
}

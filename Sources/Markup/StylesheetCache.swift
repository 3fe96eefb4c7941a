// Parsed stylesheets kept by their text, process-wide: a build renders every issue with the same email.css
// (and `check`, `preview` and `publish` render again), so it is parsed once per run instead of once per issue.
import Foundation

/// Parsed stylesheets keyed by CSS text and source name (diagnostics name the source).
enum StylesheetCache {
    /// Distinct stylesheets kept; a project has a handful, a test run a few hundred that each come once.
    static let capacity = 32
    /// Bigger stylesheets are parsed every time rather than kept in memory.
    static let maximumBytes = 512 * 1024

    private struct Key: Hashable, Sendable {
        var css: String
        var source: String
    }

    private static let cache = LeastRecentlyUsedCache<Key, Stylesheet>(capacity: capacity)

    /// The parsed stylesheet for `css`, from the cache or parsed now and kept.
    static func stylesheet(parsing css: String, source: String) -> Stylesheet {
        guard css.utf8.count <= maximumBytes else { return Stylesheet(parsing: css, source: source) }
        return cache.value(for: Key(css: css, source: source)) { Stylesheet(parsing: css, source: source) }
    }

    /// Forgets every stylesheet (for measuring a cold run).
    static func removeAll() {
        cache.removeAll()
    }
}

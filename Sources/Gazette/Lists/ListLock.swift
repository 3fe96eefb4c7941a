// The lock every list rewrite takes: logs/subscribers.lock, held through PublishLock (pid and host, stale
// locks taken over), so that two edits of the lists never interleave and lose one another's rows.
import Foundation

/// Runs list rewrites one at a time across processes.
public enum ListLock {
    /// The lock file of the project at `root`.
    public static func url(root: URL) -> URL { root.appendingPathComponent("logs/subscribers.lock") }

    /// Runs `body` holding the lists' lock.
    public static func withLock<T>(root: URL, _ body: () throws -> T) throws -> T {
        let lock = try PublishLock(url: url(root: root), holder: "another change to the subscriber lists")
        defer { lock.release() }
        return try body()
    }
}

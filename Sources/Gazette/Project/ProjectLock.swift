// The project lock, logs/gazette.lock: taken by everything that changes subscribers/ — every list rewrite
// (`subscribers add`, `remove`, `import`), every append to suppressed.csv (publish's hard bounces,
// `subscribers unsubscribe`), and `subscribers sync` and `bounces import` for their whole run, because they
// decide what to append from what the file holds. Publish takes it only around its appends, so publishes of
// different issues (or shards) on one machine run side by side; shards on different CI machines share no
// file and need no lock. A publish of one issue also holds logs/<issue>.lock for its whole run (Publisher).
import Foundation

/// The lock of a project's subscriber files, one holder at a time across processes and threads.
public enum ProjectLock {
    /// The lock file of the project at `root`.
    public static func url(root: URL) -> URL { root.appendingPathComponent("logs/gazette.lock") }

    /// How long to wait for another holder: `GAZETTE_LOCK_WAIT` seconds, else 60 (a sync or a bounce import
    /// of a large mbox takes seconds; an edit that waits longer is better told to try again).
    public static var defaultWait: TimeInterval {
        ProcessInfo.processInfo.environment["GAZETTE_LOCK_WAIT"].flatMap(TimeInterval.init) ?? 60
    }

    /// Runs `body` holding the project lock; `activity` names the holder in the message others get. Nested calls
    /// on one thread (a sync that appends) hold it once; other threads of this process wait their turn.
    public static func withLock<T>(root: URL, activity: String, wait: TimeInterval = defaultWait,
                                   _ body: () throws -> T) throws -> T {
        let entry = Holders.shared.entry(for: url(root: root).standardizedFileURL.path)
        guard entry.threadLock.lock(before: Date().addingTimeInterval(max(wait, 0))) else {
            throw DiagnosticError(.error("project-locked", "another thread of this process holds logs/gazette.lock",
                                         at: SourceLocation(path: "logs/gazette.lock"), hint: "run this again"))
        }
        defer { entry.threadLock.unlock() }
        if entry.depth == 0 {
            entry.file = try FileLock(url: url(root: root), activity: activity, wait: wait, code: "project-locked")
        }
        entry.depth += 1
        defer {
            entry.depth -= 1
            if entry.depth == 0 {
                entry.file?.release()
                entry.file = nil
            }
        }
        return try body()
    }

    /// One entry per lock file in this process: the thread that holds it, how deep, and the file lock.
    private final class Entry: @unchecked Sendable {  // `depth` and `file` are guarded by `threadLock`
        let threadLock = NSRecursiveLock()
        var depth = 0
        var file: FileLock?
    }

    private final class Holders: @unchecked Sendable {  // `entries` is guarded by `lock`
        static let shared = Holders()
        private let lock = NSLock()
        private var entries: [String: Entry] = [:]

        func entry(for path: String) -> Entry {
            lock.withLock {
                if let entry = entries[path] { return entry }
                let entry = Entry()
                entries[path] = entry
                return entry
            }
        }
    }
}

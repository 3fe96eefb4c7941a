// An exclusive lock on a file under logs/, taken with flock(2): the kernel drops it when its process ends, even
// by SIGKILL, so there is no stale lock to guess about. The file holds the owner's pid, host and activity, for
// the message another process gets; it is removed on release, so no lock file is left to commit.
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive lock between processes, held from `init` until `release()` (or deinit).
public final class FileLock: @unchecked Sendable {  // `descriptor` is set once and cleared by release
    public let url: URL
    private var descriptor: Int32 = -1

    /// Takes the lock, waiting up to `wait` seconds for its holder to finish, or throws a diagnostic naming the
    /// holder. `activity` says what the holder is doing, in the message the next process gets ("a publish of
    /// logs/hello.jsonl"); `code` is the diagnostic's code when the lock stays taken.
    public init(url: URL, activity: String, wait: TimeInterval = 0, code: String = "locked") throws {
        self.url = url
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let deadline = Date().addingTimeInterval(max(wait, 0))
        while true {
            let descriptor = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { throw Self.error(url, "open") }
            if flock(descriptor, LOCK_EX | LOCK_NB) == 0 {
                // The holder before us may have removed the file after we opened it: then ours is a lock on a
                // file nobody else will open, and we start again with the file now at the path.
                var held = stat(), current = stat()
                if fstat(descriptor, &held) == 0, stat(url.path, &current) == 0,
                   held.st_ino == current.st_ino, held.st_dev == current.st_dev {
                    self.descriptor = descriptor
                    Self.write("\(getpid()) \(ProcessInfo.processInfo.hostName) \(activity)\n", to: descriptor)
                    return
                }
                close(descriptor)
                continue
            }
            let reason = errno
            guard reason == EWOULDBLOCK || reason == EINTR else {
                close(descriptor)
                throw Self.error(url, "lock")
            }
            let holder = Self.contents(of: descriptor)
            close(descriptor)
            if Date() >= deadline {
                let waited = wait >= 1 ? " (waited \(Int(wait)) s)" : ""
                throw DiagnosticError(.error(
                    code, "\(holder.isEmpty ? "another gazette process" : holder) holds \(Self.path(of: url))\(waited)",
                    at: SourceLocation(path: Self.path(of: url)),
                    hint: "wait for it to finish and run this again (GAZETTE_LOCK_WAIT sets how many seconds to wait)"))
            }
            usleep(50_000)
        }
    }

    /// Removes the file, then unlocks: a process waiting on the removed file sees that and opens the path again.
    public func release() {
        guard descriptor >= 0 else { return }
        unlink(url.path)
        flock(descriptor, LOCK_UN)
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }

    /// `logs/<name>` for messages: the lock's folder and file name, not the absolute path.
    static func path(of url: URL) -> String {
        // From logs/ on, also for a lock in a folder of it (logs/sequences/welcome.lock).
        let parts = url.standardizedFileURL.pathComponents
        if let logs = parts.lastIndex(of: "logs") { return parts[logs...].joined(separator: "/") }
        return "\(url.deletingLastPathComponent().lastPathComponent)/\(url.lastPathComponent)"
    }

    private static func write(_ text: String, to descriptor: Int32) {
        _ = ftruncate(descriptor, 0)
        _ = text.withCString { pwrite(descriptor, $0, strlen($0), 0) }
    }

    /// "pid host activity", as its holder wrote it (pid and host alone from gazette versions before FileLock).
    private static func contents(of descriptor: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 512)
        let count = pread(descriptor, &buffer, buffer.count, 0)
        guard count > 0 else { return "" }
        let text = String(decoding: buffer[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let parts = text.split(separator: " ", maxSplits: 2).map(String.init)
        guard parts.count == 3 else { return text }
        return "\(parts[2]) (pid \(parts[0]) on \(parts[1]))"
    }

    private static func error(_ url: URL, _ action: String) -> DiagnosticError {
        DiagnosticError(.error("lock-file", "cannot \(action) the lock file: \(String(cString: strerror(errno)))",
                               at: SourceLocation(path: path(of: url)), hint: "check that logs/ is a writable folder"))
    }
}

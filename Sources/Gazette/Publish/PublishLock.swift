// Stops two publishes of one issue at once: logs/<issue>.lock holds the owner's pid and host. A lock whose
// process is gone (same host, pid not alive) is stale and taken over. List rewrites take logs/subscribers.lock
// the same way.
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An exclusive lock file, released by `release()` (also on a clean exit after a signal).
public final class PublishLock: @unchecked Sendable {
    public let url: URL
    private var held = false

    /// Takes the lock or throws a diagnostic naming the process that holds it; `holder` says what that process
    /// is doing ("another publish of this issue").
    public init(url: URL, holder: String = "another publish of this issue") throws {
        self.url = url
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let host = ProcessInfo.processInfo.hostName
        let content = "\(getpid()) \(host)\n"
        for _ in 0..<2 {
            let descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if descriptor >= 0 {
                _ = content.withCString { write(descriptor, $0, strlen($0)) }
                Glibc.close(descriptor)
                held = true
                return
            }
            guard errno == EEXIST else { break }
            let existing = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
            let parts = existing.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            if let pid = parts.first.flatMap({ Int32($0) }), parts.count > 1, parts[1] == host,
               kill(pid, 0) != 0 && errno == ESRCH {
                try? FileManager.default.removeItem(at: url)  // stale: its process is gone
                continue
            }
            throw DiagnosticError(.error(
                "publish-locked", "\(holder) is running (\(existing.trimmingCharacters(in: .whitespacesAndNewlines)))",
                at: SourceLocation(path: "logs/\(url.lastPathComponent)"),
                hint: "wait for it to finish; if no such process exists on that host, delete \(url.lastPathComponent)"))
        }
        throw DiagnosticError(.error("publish-lock", "cannot create the lock file: \(String(cString: strerror(errno)))",
                                     at: SourceLocation(path: "logs/\(url.lastPathComponent)")))
    }

    public func release() {
        guard held else { return }
        try? FileManager.default.removeItem(at: url)
        held = false
    }

    deinit { release() }
}

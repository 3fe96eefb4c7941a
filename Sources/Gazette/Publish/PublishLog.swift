// The resumable log of one issue's publish (logs/<issue>.jsonl): appended line by line with unbuffered
// writes (a SIGKILL loses nothing already written), fsync'd at least once a second and at close.
// Workers append side by side: each record is one write(2) to a file opened O_APPEND, which the kernel keeps
// whole and in place (the inode lock on Linux), so appenders share a read lock and only close() excludes them.
// A mutex there was contended at thousands of messages a second (a futex call and a context switch each).
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Appends records to a publish log. Safe to use from several threads.
public final class PublishLog: @unchecked Sendable {
    public let url: URL
    private let descriptor: Int32
    /// Shared by appends and syncs, exclusive for close; `closed` is written only under the exclusive side.
    private let gate: UnsafeMutablePointer<pthread_rwlock_t>
    private let dirty = Atomic<Bool>(false)
    private var closed = false
    private var syncTimer: DispatchSourceTimer?

    /// Whether a file in logs/ is a publish log: `<issue>.jsonl` or `<issue>.shard-K-of-N.jsonl`, not hidden, and
    /// not the bounce ledger (`logs/bounces.jsonl`), whose lines are no publish records.
    public static func isPublishLog(fileName name: String) -> Bool {
        name.hasSuffix(".jsonl") && !name.hasPrefix(".") && "logs/" + name != SoftBounceLedger.path
    }

    /// Opens (creating if needed) the log for appending.
    public init(url: URL) throws {
        self.url = url
        gate = UnsafeMutablePointer<pthread_rwlock_t>.allocate(capacity: 1)
        pthread_rwlock_init(gate, nil)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        descriptor = open(url.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw DiagnosticError(.error("log-open", "cannot open the publish log: \(String(cString: strerror(errno)))",
                                         at: SourceLocation(path: url.lastPathComponent),
                                         hint: "check that logs/ is writable"))
        }
        // A log ending in a torn line (a crash mid-write) gets a newline, so the next record starts clean.
        if let handle = try? FileHandle(forReadingFrom: url) {
            defer { try? handle.close() }
            if let end = try? handle.seekToEnd(), end > 0 {
                try? handle.seek(toOffset: end - 1)
                if handle.readData(ofLength: 1) != Data([0x0A]) { _ = "\n".withCString { write(descriptor, $0, 1) } }
            }
        }
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue.global(qos: .utility))
        timer.schedule(deadline: .now() + 1, repeating: 1)
        timer.setEventHandler { [weak self] in self?.syncIfDirty() }
        timer.resume()
        syncTimer = timer
    }

    deinit {
        close()
        pthread_rwlock_destroy(gate)
        gate.deallocate()
    }

    /// Appends one record with a single write(2); the bytes reach the kernel before this returns.
    public func append(_ record: LogRecord) throws {
        let line = record.jsonLine()
        pthread_rwlock_rdlock(gate)
        defer { pthread_rwlock_unlock(gate) }
        guard !closed else { return }
        var offset = 0
        while offset < line.count {
            let written = line.withUnsafeBytes { buffer in
                write(descriptor, buffer.baseAddress.map { $0 + offset }, line.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw DiagnosticError(.error("log-write", "cannot write the publish log: \(String(cString: strerror(errno)))",
                                             at: SourceLocation(path: url.lastPathComponent),
                                             hint: "is the disk full? The run stops so that no send goes unrecorded"))
            }
            offset += written
        }
        dirty.store(true, ordering: .releasing)
    }

    /// fsync(2) if anything was written since the last one.
    public func syncIfDirty() {
        pthread_rwlock_rdlock(gate)
        defer { pthread_rwlock_unlock(gate) }
        // Cleared before the fsync: a record written meanwhile marks the log again for the next one.
        guard !closed, dirty.exchange(false, ordering: .acquiringAndReleasing) else { return }
        fsync(descriptor)
    }

    /// Syncs and closes; further appends are ignored.
    public func close() {
        syncTimer?.cancel()
        syncTimer = nil
        pthread_rwlock_wrlock(gate)
        defer { pthread_rwlock_unlock(gate) }
        guard !closed else { return }
        fsync(descriptor)
        Glibc.close(descriptor)
        closed = true
    }
}

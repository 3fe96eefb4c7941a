// Appends accepted unsubscribes to `events/<UTC date>.jsonl`: one write(2) per line on an O_APPEND descriptor,
// then fsync before the caller acknowledges, so a crash never loses an event that got its 200.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The events folder a server writes into. Safe to share between threads; fsyncs are grouped: one fsync
/// covers every line written before it began, so concurrent requests share the disk's flush.
public final class EventsFile: @unchecked Sendable {  // `current`, `retired`, `written` under `lock`; `synced` under `syncLock`
    /// `events/` of a project.
    public static let directoryName = "events"

    public let directory: URL
    private let lock = NSLock()
    private let syncLock = NSLock()
    private var current: (day: String, descriptor: Int32)?
    /// Descriptors of earlier days: closed by the next sync, after their last lines are flushed.
    private var retired: [Int32] = []
    private var written: UInt64 = 0
    private var synced: UInt64 = 0

    public init(directory: URL) {
        self.directory = directory
    }

    deinit {
        if let current { close(current.descriptor) }
        retired.forEach { _ = close($0) }
    }

    /// The file of `day` (`2026-12-02`).
    public func url(day: String) -> URL { directory.appendingPathComponent("\(day).jsonl") }

    /// Appends `event` and returns once it is on disk (fsync'd). Blocks: call it off the event loop.
    public func append(_ event: some EventLine) throws {
        let line = try event.line()
        let sequence: UInt64 = try lock.withLock {
            let descriptor = try descriptor(day: event.day)
            var remaining = line[...]
            while !remaining.isEmpty {  // one write for the whole line; a short write (disk full) is continued
                let count = remaining.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
                if count < 0 {
                    if errno == EINTR { continue }
                    throw ioError("write to", url(day: event.day))
                }
                remaining = remaining.dropFirst(count)
            }
            written += 1
            return written
        }
        try syncLock.withLock {
            guard synced < sequence else { return }  // an fsync that began after our write already covered it
            let (target, descriptor, old): (UInt64, Int32?, [Int32]) = lock.withLock {
                defer { retired = [] }
                return (written, current?.descriptor, retired)
            }
            for earlier in old {
                fsync(earlier)
                close(earlier)
            }
            if let descriptor, fsync(descriptor) != 0 { throw ioError("sync", directory) }
            synced = target
        }
    }

    /// The open descriptor of `day`'s file, opening it (and the folder) on the first event of the day.
    private func descriptor(day: String) throws -> Int32 {
        if let current, current.day == day { return current.descriptor }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = url(day: day)
        let descriptor = open(url.path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else { throw ioError("open", url) }
        // A line torn by a crash mid-write is left without its newline: end it, so the next event starts clean.
        let size = lseek(descriptor, 0, SEEK_END)
        if size > 0 {
            var last: UInt8 = 0x0A
            let reader = open(url.path, O_RDONLY | O_CLOEXEC)
            if reader >= 0 {
                if pread(reader, &last, 1, size - 1) == 1, last != 0x0A { _ = write(descriptor, [0x0A], 1) }
                close(reader)
            }
        }
        if let previous = current { retired.append(previous.descriptor) }
        current = (day, descriptor)
        // The new file's name must survive a crash too: sync the folder once.
        let folder = open(directory.path, O_RDONLY | O_CLOEXEC)
        if folder >= 0 { fsync(folder); close(folder) }
        return descriptor
    }

    private func ioError(_ action: String, _ url: URL) -> DiagnosticError {
        DiagnosticError(.error("events-unwritable", "cannot \(action) \(url.path): \(String(cString: strerror(errno)))",
                               hint: "check that the events folder exists, is writable and its disk has room"))
    }
}

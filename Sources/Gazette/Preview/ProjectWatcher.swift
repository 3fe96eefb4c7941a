// Watches a previewed project for changes: inotify (through Glibc) wakes the watcher as soon as a file in a
// watched folder is written, and the session's fingerprint then says what changed. A slower full scan runs
// as well, for file systems that send no events (network shares, some container mounts) and where inotify
// cannot be had at all.
import Foundation

/// Calls `onChange` for every change the session finds, until stopped.
public final class ProjectWatcher: @unchecked Sendable {  // `isStopped` is guarded by `lock`
    /// The longest time between two full scans, events or not.
    public let interval: TimeInterval
    private let session: PreviewSession
    private let onChange: @Sendable (PreviewSession.Change) -> Void
    private let lock = NSLock()
    private var isStopped = false

    public init(session: PreviewSession, interval: TimeInterval = 0.5,
                onChange: @escaping @Sendable (PreviewSession.Change) -> Void) {
        self.session = session
        self.interval = interval
        self.onChange = onChange
    }

    public func start() {
        let thread = Thread { [self] in run() }
        thread.name = "gazette-preview-watcher"
        thread.start()
    }

    /// Stops the loop; the thread ends within 100 ms.
    public func stop() { lock.withLock { isStopped = true } }

    private var stopped: Bool { lock.withLock { isStopped } }

    private func run() {
        let events = FolderEvents()
        events?.watch(Self.folders(of: session.root))
        var lastScan = Date()
        while !stopped {
            var woken = false
            if let events {
                woken = events.wait(milliseconds: 100)
                // An editor's save is several writes (a temporary file, a rename): let them land, then scan once.
                if woken { Thread.sleep(forTimeInterval: 0.01); _ = events.wait(milliseconds: 0) }
            } else {
                Thread.sleep(forTimeInterval: min(0.1, interval))
            }
            guard woken || Date().timeIntervalSince(lastScan) >= interval else { continue }
            lastScan = Date()
            if let change = session.refresh() {
                onChange(change)
                events?.watch(Self.folders(of: session.root))  // a new folder needs a watch of its own
            }
        }
    }

    /// The project root (for gazette.yml) and every folder under content/, templates/ and subscribers/.
    static func folders(of root: URL) -> [String] {
        var folders = [root.path]
        for directory in ProjectFingerprint.watchedDirectories {
            let base = root.appendingPathComponent(directory)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: base.path, isDirectory: &isDirectory), isDirectory.boolValue else { continue }
            folders.append(base.path)
            guard let walker = FileManager.default.enumerator(atPath: base.path) else { continue }
            while let relative = walker.nextObject() as? String, folders.count < 2_000 {
                if walker.fileAttributes?[.type] as? FileAttributeType == .typeDirectory {
                    if (relative as NSString).lastPathComponent.hasPrefix(".") { walker.skipDescendants(); continue }
                    folders.append(base.appendingPathComponent(relative).path)
                }
            }
        }
        return folders
    }
}

#if canImport(Glibc)
import Glibc

/// An inotify descriptor with a watch on each folder given: it only says that something happened.
final class FolderEvents {
    private let descriptor: Int32

    init?() {
        descriptor = inotify_init1(Int32(IN_CLOEXEC) | Int32(IN_NONBLOCK))
        guard descriptor >= 0 else { return nil }
    }

    deinit { close(descriptor) }

    /// Watches each folder; one already watched keeps its watch (inotify has one per inode, and drops the
    /// watch of a removed folder by itself), so calling this again after every change is cheap and safe.
    func watch(_ folders: [String]) {
        let mask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | IN_MODIFY | IN_ATTRIB)
        for folder in folders { _ = inotify_add_watch(descriptor, folder, mask) }
    }

    /// Waits up to `milliseconds` for events and drains them; true when there were some.
    func wait(milliseconds: Int32) -> Bool {
        var request = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&request, 1, milliseconds) > 0 else { return false }
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        var any = false
        while read(descriptor, &buffer, buffer.count) > 0 { any = true }
        return any
    }
}
#else
/// Without inotify, the watcher scans on its interval alone.
final class FolderEvents {
    init?() { return nil }
    func watch(_ folders: [String]) {}
    func wait(milliseconds: Int32) -> Bool { false }
}
#endif

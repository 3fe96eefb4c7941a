// Watches a previewed project for changes by polling its fingerprint on a thread of its own. Polling a few
// hundred stat calls every 150 ms costs little, needs no per-folder watch bookkeeping as inotify would, and
// works the same on every file system (network shares and containers' bind mounts included).
import Foundation

/// Calls `onChange` for every change the session finds, until stopped.
public final class ProjectWatcher: @unchecked Sendable {
    public let interval: TimeInterval
    private let session: PreviewSession
    private let onChange: @Sendable (PreviewSession.Change) -> Void
    private let stopped = NSCondition()
    private var isStopped = false
    private var thread: Thread?

    public init(session: PreviewSession, interval: TimeInterval = 0.15,
                onChange: @escaping @Sendable (PreviewSession.Change) -> Void) {
        self.session = session
        self.interval = interval
        self.onChange = onChange
    }

    public func start() {
        let thread = Thread { [self] in run() }
        thread.name = "gazette-preview-watcher"
        self.thread = thread
        thread.start()
    }

    /// Stops the loop; returns at once (the thread ends within one interval).
    public func stop() {
        stopped.lock()
        isStopped = true
        stopped.broadcast()
        stopped.unlock()
    }

    private func run() {
        while true {
            stopped.lock()
            if !isStopped { _ = stopped.wait(until: Date(timeIntervalSinceNow: interval)) }
            let stop = isStopped
            stopped.unlock()
            if stop { return }
            if let change = session.refresh() { onChange(change) }
        }
    }
}

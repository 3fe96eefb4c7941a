// One of a relay's connections: a thread that owns a Session and sends the queued messages on it,
// reusing the connection (RFC 5321 §3.3 allows many transactions per session) and reopening it
// when the server closed it (421 or end of file).
import Foundation

/// A connection thread: takes jobs from the queue until it is closed, then says QUIT.
final class RelayConnection: @unchecked Sendable {
    // @unchecked: `session` is touched only by this object's own thread after start().
    private let session: Session
    private let queue: DeliveryQueue
    private let statistics: RelayStatistics
    private let limits: Relay.Options
    private let finished = DispatchSemaphore(value: 0)

    init(session: Session, queue: DeliveryQueue, statistics: RelayStatistics, limits: Relay.Options) {
        self.session = session
        self.queue = queue
        self.statistics = statistics
        self.limits = limits
    }

    func start(name: String) {
        let thread = Thread { [self] in run() }
        thread.name = name
        thread.start()
    }

    /// Waits until the thread has said QUIT and ended, at most `seconds`; true when it has.
    func waitUntilFinished(seconds: Double) -> Bool {
        finished.wait(timeout: .now() + seconds) == .success
    }

    private func run() {
        defer {
            session.close()
            finished.signal()
        }
        // Ends when the queue is closed and drained; each wait for work is bounded by idleSeconds.
        while true {
            switch queue.next(idleSeconds: limits.idleConnectionTimeout) {
            case .closed:
                return
            case .idle:
                // RFC 5321 §4.5.3.2.7 lets the server drop idle clients; leave before it has to.
                if session.isOpen { session.close() }
            case .job(let job):
                let result = Result { try deliver(job.envelope, message: job.message) }
                job.continuation.resume(with: result)
            }
        }
    }

    private func deliver(_ envelope: Envelope, message: [UInt8]) throws -> DeliveryResult {
        if session.isOpen, let limit = limits.messagesPerConnection, session.completedTransactions >= limit {
            session.close()
        }
        let opened = session.connectionsOpened
        defer { statistics.record(connectionsOpened: session.connectionsOpened - opened) }
        // Session.send opens the connection when needed and reopens a dead reused one once.
        return try session.send(envelope, message: message)
    }
}

/// Counters of a relay, for tests and progress lines.
public final class RelayStatistics: @unchecked Sendable {
    // @unchecked: guarded by `lock`.
    private let lock = NSLock()
    private var opened = 0
    private var transactions = 0

    /// Connections opened so far (a reconnect after 421 counts again).
    public var connectionsOpened: Int { lock.withLock { opened } }
    /// Messages handed to a connection so far (retries count again).
    public var transactionsTried: Int { lock.withLock { transactions } }

    func record(connectionsOpened count: Int) {
        lock.withLock {
            opened += count
            transactions += 1
        }
    }
}

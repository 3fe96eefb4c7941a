// Hands messages from async callers to the connection threads: a locked FIFO whose consumers
// wait in bounded steps and stop when it is closed.
import Foundation

/// One message waiting for a connection, with the continuation its caller awaits.
struct DeliveryJob: Sendable {
    let envelope: Envelope
    let message: [UInt8]
    let continuation: CheckedContinuation<DeliveryResult, any Error>
}

/// A FIFO of jobs shared by the relay's connection threads.
final class DeliveryQueue: @unchecked Sendable {
    // @unchecked: every stored property is guarded by `condition`.
    private let condition = NSCondition()
    // Short: each caller awaits its job, so it never holds more than the callers in flight.
    private var jobs: [DeliveryJob] = []
    private var closed = false

    /// What a waiting consumer got.
    enum Next {
        case job(DeliveryJob)
        case idle
        case closed
    }

    /// Queues a job; false when the queue is closed (the caller resumes the continuation).
    func push(_ job: DeliveryJob) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !closed else { return false }
        jobs.append(job)
        condition.signal()
        return true
    }

    /// The next job, or `.idle` after `idleSeconds` without one, or `.closed` once closed and empty.
    func next(idleSeconds: Double) -> Next {
        condition.lock()
        defer { condition.unlock() }
        let limit = Date(timeIntervalSinceNow: idleSeconds)
        while jobs.isEmpty && !closed {
            if !condition.wait(until: limit) && jobs.isEmpty { return closed ? .closed : .idle }
        }
        guard !jobs.isEmpty else { return .closed }
        // Removed at once, so a sent message's bytes are not kept alive by the queue.
        return .job(jobs.removeFirst())
    }

    /// Stops accepting jobs and wakes every consumer; jobs already queued are still handed out.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}

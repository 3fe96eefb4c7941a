// The queue of a publish run, with times (after Postfix's qmgr): the audience reader puts fresh recipients
// into a small read-ahead; workers take the next recipient that is ready — a deferred one whose backoff has
// passed, or a fresh one — and report back. A deferral goes back in with its not-before time and delays only
// its recipient; a "slow down" reply slows only its pacing key. Nobody sleeps on a deferral while holding a
// connection. The run ends when everyone is done, or when only recipients due later than `maxWait` remain.
import Foundation

/// Hands recipients to worker threads when they are due. Thread-safe.
final class DeliveryScheduler: @unchecked Sendable {
    // @unchecked: every stored property is guarded by `condition`.
    private let condition = NSCondition()
    private var fresh: [ScheduledRecipient] = []
    private var freshHead = 0
    private var deferred = RecipientHeap()
    private var paces: [String: AdaptivePace] = [:]
    private var parkedCount = 0
    private var inFlight = 0
    private var readingDone = false
    private var stopped = false
    private var waitingWorkers = 0
    private var readerWaiting = false
    private var droppedFresh = 0
    private let readAhead: Int
    private let maxWait: TimeInterval
    private let key: (ScheduledRecipient) -> String

    /// `readAhead`: fresh recipients held at most; `maxWait`: how far ahead a deferred recipient's next try
    /// may be for the run to wait for it; `key`: a recipient's pacing key (its delivery and server or domain).
    init(readAhead: Int, maxWait: TimeInterval, key: @escaping (ScheduledRecipient) -> String) {
        self.readAhead = max(1, readAhead)
        self.maxWait = max(0, maxWait)
        self.key = key
    }

    // MARK: the audience reader

    /// Waits for room in the read-ahead, then adds a fresh recipient; false once the run stopped.
    @discardableResult
    func put(_ recipient: Recipient) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while fresh.count - freshHead >= readAhead && !stopped {
            readerWaiting = true
            condition.wait()
            readerWaiting = false
        }
        guard !stopped else { return false }
        fresh.append(ScheduledRecipient(recipient: recipient))
        if waitingWorkers > 0 { condition.broadcast() }
        return true
    }

    /// The audience is read: once the rest is done, the run ends.
    func finishReading() {
        condition.lock()
        readingDone = true
        condition.broadcast()
        condition.unlock()
    }

    // MARK: workers

    /// The next recipient due, marked in flight (its pace slot taken); nil when the run is over: stopped,
    /// everyone done, or only recipients due more than `maxWait` from now left.
    func next(now clock: () -> Date = Date.init) -> ScheduledRecipient? {
        condition.lock()
        defer { condition.unlock() }
        while !stopped {
            let now = clock()
            let (job, wakeAt) = takeDue(now: now)
            if let job { return job }
            if readingDone && freshHead == fresh.count && inFlight == 0 {
                guard let due = deferred.first, due.notBefore.timeIntervalSince(now) <= maxWait else { return nil }
            }
            waitingWorkers += 1
            // Bounded, so that a missed wake-up costs at most a second.
            _ = condition.wait(until: min(wakeAt ?? now.addingTimeInterval(1), now.addingTimeInterval(1)))
            waitingWorkers -= 1
        }
        return nil
    }

    /// The next recipient due now, marked in flight like `next`'s, without waiting: nil when none is due
    /// (or the run stopped). A worker takes its next message with it while a server answers the last one.
    func nextIfDue(now: Date = Date()) -> ScheduledRecipient? {
        condition.lock()
        defer { condition.unlock() }
        guard !stopped else { return nil }
        return takeDue(now: now).job
    }

    /// A recipient taken with `next` or `nextIfDue` and not attempted (the run stopped, or the worker cannot
    /// use it now): back in the queue as it was, first in line, to be attempted later in this run or counted
    /// as left for the next one — never lost, never attempted twice for one take.
    func giveBack(_ job: ScheduledRecipient) {
        condition.lock()
        inFlight -= 1
        deferred.insert(job)
        if waitingWorkers > 0 { condition.broadcast() }
        condition.unlock()
    }

    /// Takes the first recipient due at `now` (parking fresh ones whose key is slowed down); else nil and
    /// the time the next may be due. Called with the lock held.
    private func takeDue(now: Date) -> (job: ScheduledRecipient?, wakeAt: Date?) {
        while true {
            var wakeAt: Date?
            if let due = deferred.first, due.notBefore <= now, var job = deferred.removeFirst() {
                if job.parked { parkedCount -= 1 }
                let pacingKey = key(job)
                let start = paces[pacingKey]?.earliestStart(now: now) ?? now
                if start > now {
                    job.notBefore = start
                    if job.parked { parkedCount += 1 }
                    deferred.insert(job)
                    continue
                }
                job.parked = false
                return (handOut(job, key: pacingKey, at: now), nil)
            }
            if freshHead < fresh.count {
                let job = fresh[freshHead]
                let pacingKey = key(job)
                let start = paces[pacingKey]?.earliestStart(now: now) ?? now
                if start <= now {
                    takeFresh()
                    return (handOut(job, key: pacingKey, at: now), nil)
                }
                // Its key is slowed down: park it with the deferred ones so that other keys go on, up to a
                // bound (memory); beyond it, wait for the pace.
                if parkedCount < readAhead * 4 {
                    takeFresh()
                    var parked = job
                    parked.notBefore = start
                    parked.parked = true
                    parkedCount += 1
                    deferred.insert(parked)
                    continue
                }
                wakeAt = start
            }
            if let due = deferred.first { wakeAt = min(wakeAt ?? due.notBefore, due.notBefore) }
            return (nil, wakeAt)
        }
    }

    private func takeFresh() {
        freshHead += 1
        if freshHead > 1024 && freshHead * 2 > fresh.count {
            fresh.removeFirst(freshHead)
            freshHead = 0
        }
        // The reader refills half the read-ahead at a time: woken for every recipient taken, it would cost a
        // context switch and a futex call per message.
        if readerWaiting && fresh.count - freshHead <= readAhead / 2 { condition.broadcast() }
    }

    private func handOut(_ job: ScheduledRecipient, key pacingKey: String, at now: Date) -> ScheduledRecipient {
        paces[pacingKey]?.reserve(at: now)
        inFlight += 1
        return job
    }

    /// The recipient reached its state for this run.
    func done(_ job: ScheduledRecipient) {
        condition.lock()
        inFlight -= 1
        if waitingWorkers > 0 { condition.broadcast() }
        condition.unlock()
    }

    /// The recipient is to be tried again at `notBefore` (its backoff, or at once on the next delivery).
    func retry(_ job: ScheduledRecipient, notBefore: Date) {
        condition.lock()
        var job = job
        job.notBefore = notBefore
        job.parked = false
        inFlight -= 1
        deferred.insert(job)
        if waitingWorkers > 0 { condition.broadcast() }
        condition.unlock()
    }

    /// What a server said, for its key's pace: a "slow down" halves it, an accepted message speeds it up.
    func paced(_ job: ScheduledRecipient, slowDown: Bool, accepted: Bool, now: Date = Date()) {
        let pacingKey = key(job)
        condition.lock()
        if slowDown {
            paces[pacingKey, default: AdaptivePace()].slowDown(now: now)
        } else if accepted, paces[pacingKey] != nil {
            paces[pacingKey]?.recover()
            if paces[pacingKey]?.interval == 0 { paces[pacingKey] = nil }
        }
        condition.unlock()
    }

    /// The current pace of a key, seconds between sends (0: unpaced), for tests and progress.
    func interval(ofKey pacingKey: String) -> TimeInterval {
        condition.lock()
        defer { condition.unlock() }
        return paces[pacingKey]?.interval ?? 0
    }

    /// Stops handing out recipients; fresh ones are dropped (not attempted), messages in flight finish.
    func stop() {
        condition.lock()
        stopped = true
        droppedFresh += fresh.count - freshHead
        fresh.removeAll()
        freshHead = 0
        condition.broadcast()
        condition.unlock()
    }

    /// After the workers ended: who is left, and how. Tried and deferred ones stay `deferred` (their
    /// last log line says so); the rest — dropped at a stop, or parked for their pace — were not attempted.
    func leftovers() -> (deferred: Int, notAttempted: Int) {
        condition.lock()
        defer { condition.unlock() }
        let left = deferred.removeAll() + fresh[freshHead...]
        fresh.removeAll()
        freshHead = 0
        let tried = left.filter { $0.attempts > 0 }.count
        let notAttempted = left.count - tried + droppedFresh
        droppedFresh = 0
        return (tried, notAttempted)
    }
}

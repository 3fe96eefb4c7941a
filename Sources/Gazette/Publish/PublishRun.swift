// The sending part of a publish: the audience is read on this thread into the scheduler; worker threads
// take the next recipient that is due, compose, log `sending`, hand the message to their sender for the
// recipient's delivery in the chain, and log the outcome. While a server works on a message, its worker
// composes and signs the next recipient that is due (nothing is logged until that one goes out). A 4xx puts
// the recipient back with its backoff (the worker moves on); a "slow down" reply slows that pacing key only;
// a transport failure moves the recipient to the next delivery of the chain.
import Foundation
import Mail
import SMTP

final class PublishRun: @unchecked Sendable {
    let publisher: Publisher
    let composer: MessageComposer
    let chain: DeliveryChain
    let log: PublishLog?
    let limiter: SendRateLimiter
    let suppression: SuppressionList
    let configuration: Configuration
    let retry: RetryPolicy
    /// The A/B test's split and phase; nil for an issue with one subject.
    let ab: ABPublishPlan?
    let maxWait: TimeInterval
    private let lock = NSLock()
    private var summary = PublishSummary()
    private var consecutiveConnectionFailures = 0
    /// When the current run of connection failures on the last delivery began.
    private var connectionFailingSince: Date?
    /// A relay that has not answered once for this long (and at least `deadRelayAttempts` times) is down: the
    /// paced retries would otherwise stretch 3 × concurrency failures over minutes (1, 2, 4 … 60 s apart).
    static let deadRelayWindow: TimeInterval = 30
    static let deadRelayAttempts = 3
    private var failure: Error?

    /// The first error that stopped the run (a worker that could not start, a log that cannot be written).
    var firstError: Error? {
        lock.lock()
        defer { lock.unlock() }
        return failure
    }

    func stop(because error: Error) {
        lock.lock()
        if failure == nil { failure = error }
        lock.unlock()
        publisher.requestStop()
    }

    init(publisher: Publisher, composer: MessageComposer, chain: DeliveryChain, log: PublishLog?,
         limiter: SendRateLimiter, suppression: SuppressionList, configuration: Configuration, ab: ABPublishPlan? = nil) {
        self.ab = ab
        self.publisher = publisher
        self.composer = composer
        self.chain = chain
        self.log = log
        self.limiter = limiter
        self.suppression = suppression
        self.configuration = configuration
        let delivery = configuration.delivery
        // Attempts per delivery of the chain: the first and `retries` more, with exponential backoff and jitter.
        retry = RetryPolicy(maximumAttempts: delivery.retries + 1, initialDelay: publisher.options.retryDelay ?? delivery.retryDelay,
                            multiplier: 2, maximumDelay: 120, jitter: 0.2)
        maxWait = publisher.options.maxWait ?? delivery.maxWait
    }

    var options: PublishOptions { publisher.options }

    /// `admit`, when given, decides of each recipient the audience yields whether it is sent to in this run (a
    /// sequence step's due rule); those it turns away are its to count.
    func send(audience: Audience, state: PublishLogState, admit: ((Subscriber) -> Bool)? = nil,
              progress: @escaping @Sendable (PublishSummary) -> Void) throws -> PublishSummary {
        let workers = options.dryRun ? 1 : (options.concurrency ?? configuration.delivery.concurrency)
        let chain = self.chain
        let scheduler = DeliveryScheduler(readAhead: workers * 16, maxWait: maxWait) { job in
            "\(job.link) " + chain[job.link].transport.pacingKey(forRecipient: job.recipient.address)
        }
        publisher.register(scheduler)
        defer { publisher.register(nil) }

        let group = DispatchGroup()
        for index in 0..<workers {
            let thread = Thread { [self] in
                defer { group.leave() }
                do {
                    try work(scheduler: scheduler)
                } catch {
                    // A worker that cannot start stops the run: better than silently sending with fewer.
                    stop(because: error)
                }
            }
            thread.name = "gazette-send-\(index + 1)"
            thread.stackSize = 1 << 20
            group.enter()
            thread.start()
        }
        let ticker = DispatchSource.makeTimerSource(queue: DispatchQueue.global(qos: .utility))
        ticker.schedule(deadline: .now() + 0.5, repeating: 0.5)
        ticker.setEventHandler { [weak self] in if let self { progress(self.snapshot()) } }
        ticker.resume()
        defer { ticker.cancel() }

        // Read the audience: skip whoever an earlier run finished.
        var queued = 0
        var readError: Error?
        var listNames: [String: String] = [:]  // list file → list name, made once per file
        do {
            try audience.forEach(skipping: { [state, options] key in
                state.status(ofKey: key)?.isDone(skipUncertain: options.skipUncertain) ?? false
            }) { entry in
                switch entry {
                case .recipient(let subscriber):
                    if publisher.isStopping { return }
                    if let admit, !admit(subscriber) { return }
                    // An arm's recipient gets the arm's subject in either phase; the rest waits for the winner.
                    let arm = ab.map { ($0.split.arm(of: subscriber.key), $0.winner) }
                    if let arm, arm.0 == nil, arm.1 == nil {
                        update { $0.abHeld += 1 }
                        return
                    }
                    if let limit = options.limit, queued >= limit {
                        update { $0.notAttempted += 1 }
                        return
                    }
                    let path = subscriber.location.path
                    let list = listNames[path] ?? AudienceSnapshot.listName(of: path)
                    listNames[path] = list
                    var recipient = Recipient(address: subscriber.email, fields: subscriber.fields,
                                              source: subscriber.location.description, list: list)
                    if let (testArm, winner) = arm {
                        recipient.arm = testArm ?? winner
                        recipient.abPhase = testArm == nil ? .winner : .test
                    }
                    if scheduler.put(recipient) { queued += 1 }
                case .duplicate: update { $0.duplicates += 1 }
                case .suppressed: update { $0.suppressed += 1 }
                case .otherShard: update { $0.otherShard += 1 }
                case .outsideSegment: update { $0.outsideSegment += 1 }
                case .skipped: update { $0.alreadyDone += 1 }
                case .rowProblem: update { $0.rowProblems += 1 }
                }
            }
        } catch {
            readError = error
        }
        scheduler.finishReading()
        group.wait()
        // Deferred ones due later than --max-wait (or left at a stop) stay `deferred` for the next run.
        let left = scheduler.leftovers()
        update {
            $0.deferred += left.deferred
            $0.notAttempted += left.notAttempted
        }
        progress(snapshot())
        if let error = firstError { throw error }
        if let readError { throw readError }
        return snapshot()
    }

    func snapshot() -> PublishSummary {
        lock.lock()
        defer { lock.unlock() }
        return summary
    }

    func update(_ change: (inout PublishSummary) -> Void) {
        lock.lock()
        change(&summary)
        lock.unlock()
    }

    /// One worker: a sender (connection) per delivery of the chain, opened when first needed, until the run is over.
    func work(scheduler: DeliveryScheduler) throws {
        var senders = WorkerSenders(chain: chain)
        defer { senders.closeAll() }
        if !options.dryRun {
            // The first delivery at once, so that a wrong password or certificate stops the run before
            // anything is sent (with a chain, the next delivery takes over instead).
            _ = try senders.sender(for: 0)
        }
        // The next recipient, composed and signed while the server answered the last one; nothing of it
        // is logged or sent yet, so at a stop it goes back to the scheduler untouched.
        var ahead: Prepared?
        defer { if let ahead { scheduler.giveBack(ahead.job) } }
        while true {
            let prepared: Prepared
            if let taken = ahead {
                ahead = nil
                if publisher.isStopping {
                    scheduler.giveBack(taken.job)
                    return
                }
                prepared = taken
            } else {
                guard let job = scheduler.next() else { return }
                prepared = Prepared(job: job, composition: Result { try composer.compose(job.recipient) })
            }
            do {
                try attempt(prepared, senders: &senders, scheduler: scheduler) {
                    guard !self.publisher.isStopping, let job = scheduler.nextIfDue() else { return nil }
                    ahead = Prepared(job: job, composition: Result { try self.composer.compose(job.recipient) })
                    return ahead
                }
            } catch {
                scheduler.done(prepared.job)
                stop(because: error)
                return
            }
        }
    }

    /// A recipient taken from the scheduler with its message (or the error composing it).
    struct Prepared {
        var job: ScheduledRecipient
        var composition: Result<Composition, Error>
    }

    /// One attempt of one recipient; reports back to the scheduler: done, or again at a later time.
    /// `preparingNext` runs once while the server works on the message (or after it, or not at all when
    /// nothing is sent) and returns the recipient this worker takes next, if any: when it goes through the
    /// same delivery, the sender may announce its message behind this one.
    func attempt(_ prepared: Prepared, senders: inout WorkerSenders, scheduler: DeliveryScheduler,
                 preparingNext: () -> Prepared? = { nil }) throws {
        var job = prepared.job
        let message: OutgoingMessage
        switch try prepared.composition.get() {
        case .invalid(let reason):
            try record(.invalid, job, messageID: nil, outcome: DeliveryOutcome(status: .invalid, reply: reason))
            scheduler.done(job)
            return
        case .message(let composed):
            message = composed
        }
        if options.dryRun {  // composed and validated, nothing sent
            update { $0.composed += 1 }
            scheduler.done(job)
            return
        }
        guard let sender = try senders.sender(for: job.link) else {
            // This delivery cannot connect now: the next one at once, or deferred at the end of the chain.
            let reason = chain.downReason(job.link) ?? "cannot connect"
            let outcome = DeliveryOutcome(status: .deferred, reply: "\(chain[job.link].label): \(reason)")
            noteConnection(outcome, link: job.link)
            job.attemptsOnLink += 1
            try deferOrFinish(&job, outcome: outcome, messageID: message.messageID, scheduler: scheduler, tried: false)
            return
        }
        guard let wait = limiter.reserve() else {
            // A cap is reached for longer than a run waits: the rest is for a later run.
            update { $0.notAttempted += 1 }
            scheduler.done(job)
            publisher.requestStop()
            return
        }
        if wait > 0 { Thread.sleep(forTimeInterval: wait) }
        job.attempts += 1
        job.attemptsOnLink += 1
        var sending = LogRecord(event: .sending)
        sending.address = job.recipient.address
        sending.messageID = message.messageID
        sending.attempt = job.attempts
        sending.via = chain[job.link].label
        sending.arm = job.recipient.arm.map(SubjectTest.letter(ofArm:))
        sending.phase = job.recipient.abPhase
        try log?.append(sending)
        let outcome = sender.send(message, preparingNext: {
            guard let next = preparingNext(), next.job.link == job.link, case .success(.message(let composed)) = next.composition else {
                return nil
            }
            return composed
        })
        noteConnection(outcome, link: job.link)
        if chain.fallsThrough(outcome, at: job.link) {
            // No reply at all (refused, timed out, TLS): the others skip this delivery for a while too.
            chain.markDown(job.link, reason: outcome.reply)
        }
        scheduler.paced(job, slowDown: outcome.isThrottling, accepted: outcome.status == .sent)
        switch outcome.status {
        case .deferred:
            try deferOrFinish(&job, outcome: outcome, messageID: message.messageID, scheduler: scheduler, tried: true)
        case .failed:
            try record(.failed, job, messageID: message.messageID, outcome: outcome)
            feedSuppression(job.recipient, outcome)
            scheduler.done(job)
        case .sent, .invalid, .uncertain:
            // `uncertain` is final for this run: the server may have the message, so no other delivery tries it.
            try record(outcome.status, job, messageID: message.messageID, outcome: outcome)
            scheduler.done(job)
        }
    }

    /// A 4xx or no connection: again on this delivery after its backoff, on the next delivery at once, or
    /// `deferred` for the next run. The deferral is logged now (a crash keeps it deferred), counted once.
    func deferOrFinish(_ job: inout ScheduledRecipient, outcome: DeliveryOutcome, messageID: String,
                       scheduler: DeliveryScheduler, tried: Bool) throws {
        let retriesLeft = job.attemptsOnLink < retry.maximumAttempts
        let nextLink = chain.fallsThrough(outcome, at: job.link) || (!retriesLeft && job.link + 1 < chain.count)
        if publisher.isStopping || (!retriesLeft && !nextLink) {
            try record(.deferred, job, messageID: messageID, outcome: outcome)
            scheduler.done(job)
            return
        }
        if tried { try record(.deferred, job, messageID: messageID, outcome: outcome, counting: false) }
        if nextLink {
            job.link += 1
            job.attemptsOnLink = 0
            scheduler.retry(job, notBefore: Date())
        } else {
            scheduler.retry(job, notBefore: Date().addingTimeInterval(retry.delay(afterAttempt: job.attemptsOnLink)))
        }
    }

    func record(_ status: RecipientStatus, _ job: ScheduledRecipient, messageID: String?,
                outcome: DeliveryOutcome, counting: Bool = true) throws {
        var line = LogRecord(event: LogRecord.Event(rawValue: status.rawValue) ?? .failed)
        line.address = job.recipient.address
        line.messageID = messageID
        line.attempt = max(1, job.attempts)
        line.code = outcome.code
        line.enhancedCode = outcome.enhancedCode
        line.reply = String(outcome.reply.prefix(500))
        line.server = outcome.server
        line.source = job.recipient.source
        if status != .invalid { line.via = chain[job.link].label }
        line.arm = job.recipient.arm.map(SubjectTest.letter(ofArm:))
        line.phase = job.recipient.abPhase
        try log?.append(line)
        if counting { update { $0.count(status) } }
    }

    /// Stops the run when the last delivery of the chain keeps failing before any reply (relay down): the
    /// rest is left for later. Direct delivery reaches many servers: one dead domain stops nothing.
    func noteConnection(_ outcome: DeliveryOutcome, link: Int, now: Date = Date()) {
        guard link == chain.count - 1, chain[link].transport.hasSingleDestination else { return }
        lock.lock()
        let failed = outcome.code == nil && outcome.status == .deferred
        consecutiveConnectionFailures = failed ? consecutiveConnectionFailures + 1 : 0
        connectionFailingSince = failed ? connectionFailingSince ?? now : nil
        let failingFor = connectionFailingSince.map { now.timeIntervalSince($0) } ?? 0
        let giveUp = consecutiveConnectionFailures >= 3 * max(1, options.concurrency ?? configuration.delivery.concurrency)
            || (consecutiveConnectionFailures >= Self.deadRelayAttempts && failingFor >= Self.deadRelayWindow)
        if giveUp && summary.stopReason == nil {
            summary.stopReason = "\(chain[link].label) stopped answering: \(consecutiveConnectionFailures) attempts in a row over "
                + "\(Int(failingFor.rounded())) s failed before any reply (last: \(outcome.reply)); the rest waits for the next run"
        }
        lock.unlock()
        if giveUp { publisher.requestStop() }
    }

    /// A 5xx that says the mailbox does not exist (or is disabled) is a hard bounce: suppress the address.
    func feedSuppression(_ recipient: Recipient, _ outcome: DeliveryOutcome) {
        guard !options.dryRun else { return }
        guard HardBounce.isHard(code: outcome.code, enhancedCode: outcome.enhancedCode) else { return }
        do {
            try suppression.append(address: recipient.address, reason: HardBounce.reason, date: IssueDate.today().description,
                                   detail: HardBounce.detail(code: outcome.code, enhancedCode: outcome.enhancedCode))
        } catch {
            // The send goes on: the failure is in the publish log, from which `subscribers sync` suppresses it later.
            update { $0.suppressionNotRecorded += 1 }
        }
    }
}

/// One worker's senders, one per delivery of the chain, opened on first use.
struct WorkerSenders {
    let chain: DeliveryChain
    private var senders: [Int: MessageSender] = [:]

    init(chain: DeliveryChain) { self.chain = chain }

    /// The sender for delivery `index`; nil when that delivery is down (it could not connect just now).
    /// With a single delivery a failure to connect throws: the run stops, as a relay that is down or refuses
    /// our credentials would make every recipient fail alike.
    mutating func sender(for index: Int) throws -> MessageSender? {
        if chain.downReason(index) != nil { return nil }
        if let sender = senders[index] { return sender }
        do {
            let sender = try chain[index].transport.makeSender()
            senders[index] = sender
            return sender
        } catch {
            guard chain.count > 1 else { throw error }
            let text = (error as? DiagnosticError)?.diagnostics.first?.message ?? "\(error)"
            chain.markDown(index, reason: text)
            return nil
        }
    }

    func closeAll() { for sender in senders.values { sender.close() } }
}

// The sending part of a publish: the audience is read on this thread and queued; worker threads compose,
// log `sending`, hand the message to their transport's sender, retry 4xx with backoff, and log the outcome.
import Foundation
import Mail

final class PublishRun: @unchecked Sendable {
    let publisher: Publisher
    let composer: MessageComposer
    let transport: Transport
    let log: PublishLog?
    let limiter: SendRateLimiter
    let suppression: SuppressionList
    let configuration: Configuration
    private let lock = NSLock()
    private var summary = PublishSummary()
    private var consecutiveConnectionFailures = 0
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

    init(publisher: Publisher, composer: MessageComposer, transport: Transport, log: PublishLog?,
         limiter: SendRateLimiter, suppression: SuppressionList, configuration: Configuration) {
        self.publisher = publisher
        self.composer = composer
        self.transport = transport
        self.log = log
        self.limiter = limiter
        self.suppression = suppression
        self.configuration = configuration
    }

    var options: PublishOptions { publisher.options }

    func send(audience: Audience, state: PublishLogState,
              progress: @escaping @Sendable (PublishSummary) -> Void) throws -> PublishSummary {
        let workers = options.dryRun ? 1 : (options.concurrency ?? configuration.delivery.concurrency)
        let queue = WorkQueue<Publisher.Job>(capacity: workers * 16)
        publisher.register(queue)
        defer { publisher.register(nil) }

        let group = DispatchGroup()
        for index in 0..<workers {
            let thread = Thread { [self] in
                defer { group.leave() }
                do {
                    try work(queue: queue)
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
        do {
            try audience.forEach(skipping: { [state, options] key in
                guard let status = state.status(ofKey: key) else { return false }
                return status.isFinal || (status == .uncertain && options.skipUncertain)
            }) { entry in
                switch entry {
                case .recipient(let subscriber):
                    if publisher.isStopping { return }
                    if let limit = options.limit, queued >= limit {
                        update { $0.notAttempted += 1 }
                        return
                    }
                    let recipient = Recipient(address: subscriber.email, fields: subscriber.fields,
                                              source: subscriber.location.description,
                                              list: AudienceSnapshot.listName(of: subscriber.location.path))
                    if queue.put(Publisher.Job(recipient: recipient)) { queued += 1 }
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
        queue.finish()
        group.wait()
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

    /// One worker: its own sender (connection), until the queue is drained or the run stops.
    func work(queue: WorkQueue<Publisher.Job>) throws {
        let sender: MessageSender? = options.dryRun ? nil : try transport.makeSender()
        defer { sender?.close() }
        while let job = queue.take() {
            do {
                try deliver(job.recipient, with: sender)
            } catch {
                stop(because: error)
                return
            }
        }
    }

    /// Composes and sends one message, retrying 4xx within the run; logs every outcome.
    func deliver(_ recipient: Recipient, with sender: MessageSender?) throws {
        let message: OutgoingMessage
        switch try composer.compose(recipient) {
        case .invalid(let reason):
            try record(.invalid, recipient: recipient, messageID: nil, attempt: 1,
                       outcome: DeliveryOutcome(status: .invalid, reply: reason))
            return
        case .message(let composed):
            message = composed
        }
        guard let sender else {  // --dry-run: composed and validated, nothing sent
            update { $0.composed += 1 }
            return
        }
        var delay = options.retryDelay ?? configuration.delivery.retryDelay
        for attempt in 1...max(1, configuration.delivery.retries + 1) {
            guard let wait = limiter.reserve() else {
                update { $0.notAttempted += 1 }
                publisher.requestStop()
                return
            }
            if wait > 0 { Thread.sleep(forTimeInterval: wait) }
            var sending = LogRecord(event: .sending)
            sending.address = recipient.address
            sending.messageID = message.messageID
            sending.attempt = attempt
            try log?.append(sending)
            let outcome = sender.send(message)
            noteConnection(outcome)
            let lastAttempt = attempt > configuration.delivery.retries || publisher.isStopping
            if outcome.status == .deferred && !lastAttempt {
                if outcome.isThrottling { limiter.pause(for: delay) }
                // Logged now (a crash keeps it deferred); counted once, at its final outcome.
                try record(.deferred, recipient: recipient, messageID: message.messageID, attempt: attempt, outcome: outcome,
                           counting: false)
                Thread.sleep(forTimeInterval: delay)
                delay = min(delay * 2, 120)
                continue
            }
            try record(outcome.status, recipient: recipient, messageID: message.messageID, attempt: attempt, outcome: outcome)
            if outcome.status == .failed { feedSuppression(recipient, outcome) }
            return
        }
    }

    func record(_ status: RecipientStatus, recipient: Recipient, messageID: String?, attempt: Int,
                outcome: DeliveryOutcome, counting: Bool = true) throws {
        var line = LogRecord(event: LogRecord.Event(rawValue: status.rawValue) ?? .failed)
        line.address = recipient.address
        line.messageID = messageID
        line.attempt = attempt
        line.code = outcome.code
        line.enhancedCode = outcome.enhancedCode
        line.reply = String(outcome.reply.prefix(500))
        line.server = outcome.server
        line.source = recipient.source
        try log?.append(line)
        if counting { update { $0.count(status) } }
    }

    /// Stops the run when the transport keeps failing before any reply (relay down): the rest is left for later.
    func noteConnection(_ outcome: DeliveryOutcome) {
        guard transport.hasSingleDestination else { return }
        lock.lock()
        consecutiveConnectionFailures = outcome.code == nil && outcome.status == .deferred ? consecutiveConnectionFailures + 1 : 0
        let giveUp = consecutiveConnectionFailures >= 3 * max(1, options.concurrency ?? configuration.delivery.concurrency)
        lock.unlock()
        if giveUp { publisher.requestStop() }
    }

    /// A 5xx that says the mailbox does not exist (or is disabled) is a hard bounce: suppress the address.
    func feedSuppression(_ recipient: Recipient, _ outcome: DeliveryOutcome) {
        guard !options.dryRun else { return }
        guard HardBounce.isHard(code: outcome.code, enhancedCode: outcome.enhancedCode) else { return }
        try? suppression.append(address: recipient.address, reason: HardBounce.reason, date: IssueDate.today().description,
                                detail: HardBounce.detail(code: outcome.code, enhancedCode: outcome.enhancedCode))
    }
}

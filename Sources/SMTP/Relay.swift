// Sends messages through an SMTP relay over several reused connections, paced by a rate limiter,
// retrying deferred recipients with backoff. The async face of Session for the publish layer.
import Foundation

/// A pool of connections to one relay. `send` may be called from many tasks at once.
public final class Relay: Sendable {
    /// How many connections, how fast, how persistent.
    public struct Options: Sendable {
        /// Connections open at once (each sends one message at a time).
        public var connections: Int
        /// Retries of deferred recipients and lost connections within the run.
        public var retry: RetryPolicy
        /// Awaited before every attempt (messages per second, the caller's hourly caps…).
        public var rateLimiter: (any RateLimiter)?
        /// Messages per connection before it is closed and reopened; nil for no limit.
        public var messagesPerConnection: Int?
        /// Seconds a connection may sit idle before it says QUIT.
        public var idleConnectionTimeout: Double

        /// Defaults: 4 connections, RetryPolicy(), no rate limit, unlimited reuse, 10 s idle.
        public init(connections: Int = 4, retry: RetryPolicy = RetryPolicy(), rateLimiter: (any RateLimiter)? = nil,
                    messagesPerConnection: Int? = nil, idleConnectionTimeout: Double = 10) {
            self.connections = min(max(1, connections), 256)
            self.retry = retry
            self.rateLimiter = rateLimiter
            self.messagesPerConnection = messagesPerConnection
            self.idleConnectionTimeout = max(0.1, idleConnectionTimeout)
        }
    }

    /// Where it sends.
    public let configuration: RelayConfiguration
    /// Counters for progress lines and tests.
    public let statistics = RelayStatistics()
    private let options: Options
    private let queue = DeliveryQueue()
    private let connections: [RelayConnection]
    private let throttle = ThrottleGate()

    /// Starts `options.connections` connection threads; they connect on their first message.
    /// Throws when the CA file cannot be loaded.
    public init(configuration: RelayConfiguration, password: String? = nil, options: Options = Options(),
                transcript: Transcript? = nil) throws {
        self.configuration = configuration
        self.options = options
        let context = try TLSContext.forSecurity(configuration)
        var connections: [RelayConnection] = []
        for index in 0..<options.connections {
            let session = Session(configuration: configuration, password: password, transcript: transcript, tlsContext: context)
            let connection = RelayConnection(session: session, queue: queue, statistics: statistics, limits: options)
            connection.start(name: "smtp-\(configuration.host)-\(index + 1)")
            connections.append(connection)
        }
        self.connections = connections
    }

    deinit { queue.close() }

    /// Sends one message, retrying deferred recipients (4xx, lost connection before the content went
    /// out) with backoff up to the retry policy's limit. Returns each recipient's final outcome.
    /// Throws SMTPError when no connection could be made or kept after the retries, or for a problem
    /// that retrying cannot fix (TLS, credentials): the run should stop, the message was not sent.
    /// Throws CancellationError when the task is cancelled while waiting (rate limit, backoff); a
    /// message already handed to a connection finishes its transaction either way.
    public func send(_ envelope: Envelope, message: [UInt8]) async throws -> DeliveryResult {
        var outcomes = [DeliveryResult.RecipientOutcome?](repeating: nil, count: envelope.recipients.count)
        var pending = Array(envelope.recipients.indices)
        var attempt = 0
        while true {
            attempt += 1
            try await throttle.wait()
            try await options.rateLimiter?.acquire()
            var attemptEnvelope = envelope
            attemptEnvelope.recipients = pending.map { envelope.recipients[$0] }
            let result: DeliveryResult
            do {
                result = try await submit(attemptEnvelope, message: message)
            } catch let error as SMTPError where error.isTransient && attempt < options.retry.maximumAttempts {
                try await Task.sleep(for: .seconds(options.retry.delay(afterAttempt: attempt)))
                continue
            }
            for (position, index) in pending.enumerated() where position < result.recipients.count {
                outcomes[index] = result.recipients[position]
            }
            pending = pending.enumerated().filter { position, _ in
                position < result.recipients.count && result.recipients[position].disposition == .deferred
            }.map(\.element)
            if pending.isEmpty || attempt >= options.retry.maximumAttempts {
                return Self.merge(outcomes, last: result, attempts: attempt)
            }
            let delay = options.retry.delay(afterAttempt: attempt)
            if result.recipients.contains(where: { $0.reply?.isThrottling == true }) {
                await throttle.pause(seconds: delay)
            }
            try await Task.sleep(for: .seconds(delay))
        }
    }

    /// Says QUIT on every connection and ends their threads, waiting for messages in flight.
    public func shutdown() async {
        queue.close()
        let connections = self.connections
        let limit = configuration.timeouts.finalDot + configuration.timeouts.dataBlock + 60
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                for connection in connections { _ = connection.waitUntilFinished(seconds: limit) }
                continuation.resume()
            }
        }
    }

    private func submit(_ envelope: Envelope, message: [UInt8]) async throws -> DeliveryResult {
        try await withCheckedThrowingContinuation { continuation in
            let job = DeliveryJob(envelope: envelope, message: message, continuation: continuation)
            if !queue.push(job) {
                continuation.resume(throwing: SMTPError(.invalidConfiguration("the relay was shut down")))
            }
        }
    }

    /// One result from each recipient's last outcome: uncertain or deferred when any is, accepted
    /// when any recipient was accepted, failed when all failed.
    static func merge(_ outcomes: [DeliveryResult.RecipientOutcome?], last: DeliveryResult, attempts: Int) -> DeliveryResult {
        let recipients = outcomes.compactMap { $0 }
        let dispositions = Set(recipients.map(\.disposition))
        let disposition: Disposition
        if dispositions.contains(.uncertain) {
            disposition = .uncertain
        } else if dispositions.contains(.deferred) {
            disposition = .deferred
        } else if dispositions.contains(.accepted) {
            disposition = .accepted
        } else {
            disposition = .failed
        }
        var result = DeliveryResult(disposition: disposition, reply: last.reply, recipients: recipients, server: last.server)
        result.attempts = attempts
        return result
    }
}

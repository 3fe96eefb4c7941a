// The outcome of one message: per recipient (what the publish log records) and for the whole
// transaction, each with the reply that decided it.

/// What happened to one message and each of its recipients.
public struct DeliveryResult: Sendable {
    /// One recipient's outcome.
    public struct RecipientOutcome: Sendable {
        /// The recipient's address as sent in RCPT TO.
        public let address: String
        /// accepted only when both its RCPT and the DATA were accepted.
        public let disposition: Disposition
        /// The reply that decided it (its RCPT's, or DATA's), nil when none came.
        public let reply: Reply?
        /// Why, in words, when not accepted ("lost connection … while waiting for the reply to DATA").
        public let reason: String?

        /// An outcome as the session or a test makes it.
        public init(address: String, disposition: Disposition, reply: Reply?, reason: String?) {
            self.address = address
            self.disposition = disposition
            self.reply = reply
            self.reason = reason
        }
    }

    /// The transaction's outcome: the final reply to DATA, or the reply that ended it earlier.
    public var disposition: Disposition
    /// That reply, nil when uncertain or when no recipient could be tried.
    public var reply: Reply?
    /// Each recipient, in envelope order.
    public var recipients: [RecipientOutcome]
    /// The server, "relay.example.org[127.0.0.1]:2525".
    public var server: String
    /// How many times the message was tried (the relay retries deferred recipients).
    public var attempts: Int = 1

    /// A result as the session or a test makes it.
    public init(disposition: Disposition, reply: Reply?, recipients: [RecipientOutcome], server: String, attempts: Int = 1) {
        self.disposition = disposition
        self.reply = reply
        self.recipients = recipients
        self.server = server
        self.attempts = attempts
    }

    /// The recipients with `disposition`.
    public func recipients(_ disposition: Disposition) -> [RecipientOutcome] {
        recipients.filter { $0.disposition == disposition }
    }
}

// Where messages go: an outbox folder, an SMTP relay, direct delivery. A transport makes one sender per worker thread;
// a sender is used by that thread alone and may keep a connection open between messages.

/// One message on its way to one recipient.
public struct OutgoingMessage: Sendable {
    /// The envelope sender (MAIL FROM), where bounces go.
    public var returnPath: String
    /// The recipient's address as the envelope carries it (IDNA domain).
    public var recipient: String
    public var bytes: [UInt8]
    public var messageID: String
    /// The recipient's local part is not ASCII: only a server that offers SMTPUTF8 can take it.
    public var requiresSMTPUTF8: Bool
    /// DSN envelope id (RFC 3461 ENVID), for bounce correlation when the relay offers DSN.
    public var envelopeID: String?
}

/// What the transport learned about one message.
public struct DeliveryOutcome: Sendable, Equatable {
    public var status: RecipientStatus
    public var code: Int?
    public var enhancedCode: String?
    public var reply: String
    /// `host[address]:port`, for the log.
    public var server: String?
    /// The server asks us to send more slowly (`Reply.asksToSlowDown`: 421, 4.7.x rate limits, 452 4.5.3, a
    /// refused connection): the run lowers the pace for this recipient's pacing key. Never a failure.
    public var isThrottling: Bool

    public init(status: RecipientStatus, code: Int? = nil, enhancedCode: String? = nil, reply: String,
                server: String? = nil, isThrottling: Bool = false) {
        self.status = status
        self.code = code
        self.enhancedCode = enhancedCode
        self.reply = reply
        self.server = server
        self.isThrottling = isThrottling
    }
}

/// Sends messages for one worker; not shared between threads.
public protocol MessageSender: AnyObject {
    /// Delivers one message and says what happened; per-message problems are outcomes, not errors.
    func send(_ message: OutgoingMessage) -> DeliveryOutcome
    /// The same, running `preparingNext` once while the server works on the message (SMTP: after the
    /// content went out, before its final reply), or after the send where there is nothing to wait for.
    /// It may return the message the caller sends next through this sender, which may then be announced
    /// early (SMTP: its MAIL, RCPT and DATA behind this message's final dot, RFC 2920).
    func send(_ message: OutgoingMessage, preparingNext: () -> OutgoingMessage?) -> DeliveryOutcome
    /// Ends the session politely (QUIT) and releases the connection.
    func close()
}

extension MessageSender {
    public func send(_ message: OutgoingMessage, preparingNext: () -> OutgoingMessage?) -> DeliveryOutcome {
        let outcome = send(message)
        _ = preparingNext()
        return outcome
    }
}

/// A kind of delivery, configured once per run.
public protocol Transport: Sendable {
    /// A human name for progress lines and the log (`outbox:outbox`, `smtp://relay.example.org:587`).
    var description: String { get }
    /// Makes a sender for one worker.
    func makeSender() throws -> MessageSender
    /// The server or domain whose pace `recipient`'s delivery counts against (a relay: the relay itself;
    /// direct delivery: the recipient's domain).
    func pacingKey(forRecipient recipient: String) -> String
    /// True when every message goes to one place (a relay, a folder): repeated connection failures mean
    /// it is down and the run stops. Direct delivery reaches many, and one dead domain stops nothing.
    var hasSingleDestination: Bool { get }
}

extension Transport {
    public func pacingKey(forRecipient recipient: String) -> String { description }
    public var hasSingleDestination: Bool { true }
}

// What `gazette serve` does for a subscribe form and its confirmation link, without HTTP: check the form,
// send the confirmation message (templates/confirm.txt, built by the Mail module like an issue's messages,
// DKIM-signed when configured) through the project's delivery chain, open confirmation tokens, and record a
// confirmed subscription in the events file (fsync'd) once per token for the life of the process.
import Foundation
import Mail

/// Double opt-in for one project. Safe to share between request handlers.
public final class DoubleOptIn: @unchecked Sendable {  // `confirmed` is guarded by `lock`
    /// What a form request came to.
    public enum RequestOutcome: Sendable, Equatable {
        /// The confirmation went out (or into the outbox).
        case sent
        /// The address cannot be used; the reason is for the person who typed it.
        case invalidAddress(String)
        /// The form named a list the project does not have.
        case unknownList(String)
    }

    public enum ConfirmOutcome: Sendable, Equatable {
        case recorded
        /// This token was confirmed earlier by this process: nothing written again.
        case alreadyRecorded
    }

    public let project: Project
    public let events: EventsFile
    /// `https://example.org/confirm`: the token is appended after a `/`. Until the server knows its address,
    /// the configured one (nil when gazette.yml names neither `subscribe.confirm_url` nor `unsubscribe.url`).
    public var confirmBase: String? { lock.withLock { base } }
    private var base: String?
    let token: ConfirmationToken
    let transports: [Transport]
    let signer: DKIMSigner?
    let clock: @Sendable () -> Date
    private let lock = NSLock()
    private var confirmed: Set<String> = []
    /// The templates as last loaded, with the stat fingerprint of templates/ then and when it was last compared.
    private var loaded: (templates: TemplateSet, fingerprint: ProjectFingerprint, checked: TimeInterval)?
    /// How long a loaded set is used before templates/ is looked at again (a stat per file): an edit shows in
    /// the next confirmation a second later, and a flood of forms reads no template file.
    var templateRecheckInterval: TimeInterval {
        get { lock.withLock { recheck } }
        set { lock.withLock { recheck = newValue } }
    }
    private var recheck: TimeInterval = 1
    /// How many times the templates were loaded (read and compiled): for tests.
    var templateLoads: Int { lock.withLock { loads } }
    private var loads = 0
    private static let confirmedLimit = 100_000

    /// `transports` is the delivery chain in order (a confirmation moves on after a transport failure, as a
    /// publish does); `signer` signs with the project's DKIM key.
    public init(project: Project, secret: String, events: EventsFile, transports: [Transport],
                signer: DKIMSigner?, clock: @escaping @Sendable () -> Date = { Date() }) throws {
        self.project = project
        self.events = events
        self.base = Self.configuredBase(project.configuration).map(Self.trimmed)
        self.token = try ConfirmationToken(secret: secret)
        self.transports = transports
        self.signer = signer
        self.clock = clock
    }

    /// The DKIM signer of the project's settings and environment, and what to warn about (an outbox or a relay
    /// alike: a confirmation is a single message, so a missing key warns instead of refusing to serve).
    public static func signer(configuration: Configuration, environment: [String: String]) throws -> (DKIMSigner?, [Diagnostic]) {
        try PublishSecrets.signer(configuration: configuration, environment: environment, realSend: false)
    }

    /// The server's own address (`http://127.0.0.1:8080/`): links point at `<it>confirm` unless gazette.yml says where.
    public func serverStarted(at url: URL) {
        lock.withLock { if base == nil { base = Self.trimmed(url.absoluteString) + "/confirm" } }
    }

    static func trimmed(_ url: String) -> String { url.hasSuffix("/") ? String(url.dropLast()) : url }

    /// Where confirmation links point: `subscribe.confirm_url`, else the origin of `unsubscribe.url` + `/confirm`.
    static func configuredBase(_ configuration: Configuration) -> String? {
        if let url = configuration.confirmURL { return url }
        return configuration.servedOrigin.map { $0 + "/confirm" }
    }

    /// Checks the form's fields and sends the confirmation. Blocks on the transport: call it off the event loop.
    /// Throws when no delivery of the chain took the message (the form should say "try again later").
    public func request(email: String, name: String, list: String) throws -> RequestOutcome {
        let address: String
        switch ListAddress.clean(email) {
        case .success(let value): address = value
        case .failure(let problem): return .invalidAddress(problem.message)
        }
        guard (try? ListTable.checkName(list)) != nil, SubscriberList.names(root: project.root).contains(list) else {
            return .unknownList(list)
        }
        let cleanName = String(name.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.prefix(100).map(Character.init))
        let pending = PendingSubscription(address: address, list: list, name: cleanName, requested: clock())
        guard let confirmBase else {
            throw DiagnosticError(.error("confirm-url", "confirmation links have no address yet", hint: "set subscribe.confirm_url in gazette.yml"))
        }
        let link = confirmBase + "/" + (try token.seal(pending))
        let message: OutgoingMessage
        do {
            message = try compose(pending, link: link)
        } catch let error as MailError {
            return .invalidAddress("\(error)")
        }
        try deliver(message)
        return .sent
    }

    /// Opens the token of a confirmation link.
    public func open(_ tokenText: String) -> ConfirmationToken.Opened {
        token.open(tokenText, expiry: project.configuration.confirmExpiry.seconds, now: clock())
    }

    /// Records the confirmed subscription; returns once it is fsync'd. `client` is the confirming client's
    /// address, kept as the consent source. Blocks on the disk: call it off the event loop.
    public func confirm(_ pending: PendingSubscription, client: String) throws -> ConfirmOutcome {
        let key = "\(pending.address)\n\(pending.list)\n\(pending.requested.timeIntervalSince1970)"
        if lock.withLock({ confirmed.contains(key) }) { return .alreadyRecorded }
        try events.append(SubscribeConfirmedEvent(pending: pending, client: client, time: clock()))
        lock.withLock {
            if confirmed.count >= Self.confirmedLimit { confirmed.removeAll(keepingCapacity: true) }  // bounded memory
            confirmed.insert(key)
        }
        return .recorded
    }

    /// The confirmation message: templates/confirm.txt, a single text part.
    func compose(_ pending: PendingSubscription, link: String) throws -> OutgoingMessage {
        let configuration = project.configuration
        let templates = try currentTemplates()
        let context: [String: Any] = [
            "newsletter": TemplateContext(configuration: configuration).newsletter(basePath: configuration.baseURL,
                                                                                   year: Calendar(identifier: .gregorian).component(.year, from: clock())),
            "confirm_url": link,
            "confirm_expires": configuration.confirmExpiry.description,
            "list": pending.list,
            "subscriber": ["email": pending.address, "name": pending.name],
        ]
        let text = try templates.render(Self.template, context)
        let from = try Mailbox(configuration.sender.address, displayName: configuration.sender.name)
        let to = try Mailbox(pending.address, displayName: pending.name.isEmpty ? nil : pending.name)
        let writer = try MIMEWriter(from: from, subject: "Confirm your subscription to \(configuration.name)",
                                    replyTo: try configuration.replyTo.map { try Mailbox($0) }, clock: clock)
        let seconds = Int64(pending.requested.timeIntervalSince1970)
        let messageID = try MessageID(seed: "confirm/\(pending.list)/\(pending.address)/\(seconds)", domain: from.domain)
        var bytes = try writer.render(to: [to], messageID: messageID, text: text, html: nil)
        if let signer { bytes = try signer.sign(bytes) }
        return OutgoingMessage(returnPath: configuration.delivery.returnPath ?? from.address, recipient: to.address, bytes: bytes,
                               messageID: messageID.value, requiresSMTPUTF8: to.requiresSMTPUTF8, envelopeID: messageID.value)
    }

    /// The project's templates, loaded at the first confirmation and again only after templates/ changed.
    /// A set that fails to load is not kept: the form says "try again later" until the files are fixed.
    func currentTemplates() throws -> TemplateSet {
        let now = ProcessInfo.processInfo.systemUptime
        let (cached, interval) = lock.withLock { (loaded, recheck) }
        if let cached, now - cached.checked < interval { return cached.templates }
        let fingerprint = ProjectFingerprint(root: project.root, directories: [TemplateSet.directory])
        if let cached, cached.fingerprint == fingerprint {
            lock.withLock { loaded?.checked = now }
            return cached.templates
        }
        let templates = try TemplateSet(projectRoot: project.root)
        lock.withLock {
            loaded = (templates, fingerprint, now)
            loads += 1
        }
        return templates
    }

    /// Tries each delivery in order until one takes the message; a 5xx ends it (the address is refused).
    func deliver(_ message: OutgoingMessage) throws {
        var last = "no delivery is configured"
        for transport in transports {
            let outcome: DeliveryOutcome
            do {
                let sender = try transport.makeSender()
                outcome = sender.send(message)
                sender.close()
            } catch {
                last = "\(transport.description): \(error)"
                continue
            }
            if outcome.status == .sent { return }
            last = "\(transport.description): \(outcome.reply)"
            if outcome.status == .failed || outcome.status == .invalid { break }
        }
        throw DiagnosticError(.error("confirmation-undelivered", "the confirmation message was not sent: \(last)",
                                     hint: "check the delivery settings in gazette.yml (`gazette smtp test`)"))
    }

    /// The confirmation message's template in templates/.
    public static let template = "confirm.txt"
}

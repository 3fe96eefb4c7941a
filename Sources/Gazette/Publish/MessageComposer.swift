// Builds one recipient's message from the prepared issue: slots filled by splicing (no rendering), headers
// checked for injection, bodies quoted-printable from precomputed templates, then DKIM-signed.
import Foundation
import Mail

/// A recipient and where it came from (CSV file and row), as the audience yields it.
public struct Recipient: Sendable {
    public var address: String
    public var fields: [String: String]
    /// `subscribers/main.csv:12`
    public var source: String
    /// The list the recipient came from (its file name without `.csv`), for the unsubscribe token.
    public var list: String
    /// The A/B test arm whose subject the recipient gets (0-based); nil without a test.
    public var arm: Int?
    /// Which phase of an A/B test sends to the recipient: the test arms, or the rest with the winner.
    public var abPhase: ABPhase?

    public init(address: String, fields: [String: String], source: String, list: String) {
        self.address = address
        self.fields = fields
        self.source = source
        self.list = list
    }
}

/// One recipient's subject, HTML and text as they are sent, before MIME encoding.
public struct PersonalizedIssue: Sendable {
    public var to: String
    public var subject: String
    public var html: String
    public var text: String
    public var unsubscribeURL: String?
    public var unsubscribeMailto: String?
}

/// A composed message, or why the recipient is invalid.
public enum Composition: Sendable {
    case message(OutgoingMessage)
    case invalid(reason: String)
}

/// Composes messages for one issue; shared by all worker threads.
public struct MessageComposer: Sendable {
    let prepared: PreparedIssue
    let writer: MIMEWriter
    let signer: DKIMSigner?
    let unsubscribe: UnsubscribeLink
    let defaults: [String: String]
    let senderDomain: String
    let returnPath: String
    let verp: Bool
    /// Whether each message gets its own subject: slots in it, or an A/B test.
    let subjectPerMessage: Bool
    let htmlBody: QuotedPrintableTemplate
    let textBody: QuotedPrintableTemplate
    let subjectPrefix: String
    /// The tracked URLs of each recipient, when the issue has tracking slots.
    let tracking: TrackedLinkMaker?
    let clock: @Sendable () -> Date

    public init(configuration: Configuration, prepared: PreparedIssue, signer: DKIMSigner?,
                unsubscribe: UnsubscribeLink, subjectPrefix: String = "",
                clock: @escaping @Sendable () -> Date = { Date() }) throws {
        self.prepared = prepared
        self.signer = signer
        self.unsubscribe = unsubscribe
        self.defaults = configuration.personalizationDefaults
        self.subjectPrefix = subjectPrefix
        self.clock = clock
        tracking = try TrackedLinkMaker.make(for: prepared, configuration: configuration, secret: unsubscribe.secret)
        let from = try Mailbox(configuration.sender.address, displayName: configuration.sender.name)
        senderDomain = from.domain
        returnPath = configuration.delivery.returnPath ?? from.address
        verp = configuration.delivery.verp
        let replyTo = try configuration.replyTo.map { try Mailbox($0) }
        let listID = try ListID(identifier: "\(IssueSource.slugify(configuration.name)).\(from.domain)", name: configuration.name)
        let feedbackID = configuration.delivery.feedbackID.map { "\(prepared.slug):\($0)" }
        // The subject with its slots filled is passed per message; a subject without slots is written once.
        subjectPerMessage = !prepared.subject.slots.isEmpty || prepared.subjectTest != nil
        let fixedSubject = subjectPerMessage ? "(personalized)" : subjectPrefix + prepared.subject.render([])
        writer = try MIMEWriter(from: from, subject: fixedSubject, replyTo: replyTo, listID: listID,
                                feedbackID: feedbackID, clock: clock)
        htmlBody = QuotedPrintableTemplate(chunks: prepared.html.chunks)
        textBody = QuotedPrintableTemplate(chunks: prepared.text.chunks)
    }

    /// The Message-ID of a recipient's message: the same for every attempt, so a resend is recognisable.
    public func messageID(for address: String) throws -> MessageID {
        try MessageID(seed: "\(prepared.slug)/\(AddressKey.normalize(address))", domain: senderDomain)
    }

    /// What one recipient's message is made of: the mailbox, the unsubscribe links and every slot's value.
    struct RecipientValues {
        var mailbox: Mailbox
        var unsubscribeURL: String?
        var unsubscribeMailto: String?
        var slots: [[UInt8]]
    }

    /// The values for `recipient`; throws MailError for an address or a name that cannot be used.
    func values(for recipient: Recipient) throws -> RecipientValues {
        let displayName = recipient.fields["name"].flatMap { name in name.unicodeScalars.allSatisfy { $0 == "\t" || $0.properties.generalCategory == .spaceSeparator } ? nil : name }
        let mailbox = try Mailbox(recipient.address, displayName: displayName)
        let links = try unsubscribe.links(address: mailbox.address, list: recipient.list)
        // The send time in the open token, whole seconds: the prefetch rule of machine opens reads it.
        let tracked = try tracking?.values(for: prepared, address: mailbox.address, sent: clock())
        let slots = prepared.slotValues(fields: recipient.fields, unsubscribeURL: links.url ?? "", defaults: defaults, tracking: tracked)
        return RecipientValues(mailbox: mailbox, unsubscribeURL: links.url, unsubscribeMailto: links.mailto,
                               slots: slots.map { Array($0.utf8) })
    }

    /// The subject, HTML and text `recipient` receives, filled exactly as `compose` fills them, unencoded:
    /// what the preview shows. Throws MailError where `compose` would call the recipient invalid.
    public func personalize(_ recipient: Recipient) throws -> PersonalizedIssue {
        let values = try values(for: recipient)
        let texts = values.slots.map { String(decoding: $0, as: UTF8.self) }
        return PersonalizedIssue(
            to: values.mailbox.address,
            subject: subjectPrefix + prepared.subjectTemplate(arm: recipient.arm).render(texts),
            html: prepared.html.render(texts), text: prepared.text.render(texts),
            unsubscribeURL: values.unsubscribeURL, unsubscribeMailto: values.unsubscribeMailto)
    }

    /// The message for `recipient`, or `.invalid` when its address or a value would break the headers.
    public func compose(_ recipient: Recipient) throws -> Composition {
        do {
            let recipientValues = try values(for: recipient)
            let mailbox = recipientValues.mailbox, values = recipientValues.slots
            let listUnsubscribe = try ListUnsubscribe(url: recipientValues.unsubscribeURL, mailto: recipientValues.unsubscribeMailto)
            let messageID = try messageID(for: mailbox.address)
            let subject = subjectPerMessage
                ? subjectPrefix + prepared.subjectTemplate(arm: recipient.arm).render(values.map { String(decoding: $0, as: UTF8.self) })
                : nil
            var html: [UInt8] = [], text: [UInt8] = []
            html.reserveCapacity(htmlBody.encodedLiteralCount + 1024)
            text.reserveCapacity(textBody.encodedLiteralCount + 512)
            let htmlSlots = prepared.html.slots, textSlots = prepared.text.slots
            htmlBody.encode(into: &html) { hole, line in
                if hole < htmlSlots.count, htmlSlots[hole] < values.count {
                    PersonalizationTemplate.appendEscapingHTML(values[htmlSlots[hole]], to: &line)
                }
            }
            textBody.encode(into: &text) { hole, line in
                if hole < textSlots.count, textSlots[hole] < values.count { line.append(contentsOf: values[textSlots[hole]]) }
            }
            var bytes = try writer.render(to: [mailbox], messageID: messageID, subject: subject,
                                          listUnsubscribe: listUnsubscribe,
                                          text: EncodedBody(quotedPrintable: text), html: EncodedBody(quotedPrintable: html))
            // MIMEWriter's quoted-printable parts are in relaxed form already (QuotedPrintable, MIMEWriter).
            if let signer { bytes = try signer.sign(bytes, bodyIsRelaxed: true) }
            return .message(OutgoingMessage(
                returnPath: verp ? Self.verpAddress(returnPath, recipient: mailbox.address) : returnPath,
                recipient: mailbox.address, bytes: bytes, messageID: messageID.value,
                requiresSMTPUTF8: mailbox.requiresSMTPUTF8, envelopeID: messageID.value))
        } catch let error as MailError {
            switch error.reason {
            case .invalidAddress, .headerInjection, .invalidHeaderValue:
                return .invalid(reason: "\(error)")
            default:
                throw error
            }
        }
    }

    /// `bounces@example.org` + `ada@example.net` → `bounces+ada=example.net@example.org` (VERP).
    static func verpAddress(_ returnPath: String, recipient: String) -> String {
        guard let at = returnPath.lastIndex(of: "@"), let recipientAt = recipient.lastIndex(of: "@") else { return returnPath }
        let local = returnPath[..<at], domain = returnPath[returnPath.index(after: at)...]
        let encoded = recipient[..<recipientAt] + "=" + recipient[recipient.index(after: recipientAt)...]
        return "\(local)+\(encoded)@\(domain)"
    }
}

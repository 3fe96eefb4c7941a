// One message as a value, for single sends and tests; it renders through a `MIMEWriter`. For many
// recipients of one mailing, keep a `MIMEWriter` and call `render` per recipient instead.
import Foundation

/// Everything that makes up one message.
public struct Message: Sendable {
    /// The sender (`From`).
    public var from: Mailbox
    /// The recipients (`To`).
    public var to: [Mailbox]
    /// The subject, any text without CR, LF or NUL.
    public var subject: String
    /// The `Date` field's time.
    public var date: Date
    /// The `Message-ID`.
    public var messageID: MessageID
    /// Where replies go, when not to the sender.
    public var replyTo: Mailbox?
    /// The `List-Id` (RFC 2919).
    public var listID: ListID?
    /// `List-Unsubscribe` and, with an https URL, one-click `List-Unsubscribe-Post`.
    public var listUnsubscribe: ListUnsubscribe?
    /// The `Feedback-ID` for providers' complaint reports.
    public var feedbackID: String?
    /// Further fields, written after ours.
    public var extraHeaders: [HeaderField]
    /// The text/plain part (LF or CRLF line ends).
    public var text: String
    /// The text/html part; nil for a text-only message.
    public var html: String?

    /// A message; nothing is checked until `rendered`.
    public init(
        from: Mailbox, to: [Mailbox], subject: String, date: Date, messageID: MessageID, replyTo: Mailbox? = nil,
        listID: ListID? = nil, listUnsubscribe: ListUnsubscribe? = nil, feedbackID: String? = nil,
        extraHeaders: [HeaderField] = [], text: String, html: String? = nil
    ) {
        self.from = from
        self.to = to
        self.subject = subject
        self.date = date
        self.messageID = messageID
        self.replyTo = replyTo
        self.listID = listID
        self.listUnsubscribe = listUnsubscribe
        self.feedbackID = feedbackID
        self.extraHeaders = extraHeaders
        self.text = text
        self.html = html
    }

    /// True when a recipient's local part is non-ASCII: only a server offering SMTPUTF8 can take it.
    public var requiresSMTPUTF8: Bool { to.contains(where: \.requiresSMTPUTF8) || from.requiresSMTPUTF8 }

    /// The message as bytes with CRLF line ends.
    public func rendered(boundary: String = MIMEWriter.randomBoundary()) throws -> [UInt8] {
        let writer = try MIMEWriter(
            from: from, subject: subject, replyTo: replyTo, listID: listID, feedbackID: feedbackID,
            extraHeaders: extraHeaders, boundary: boundary)
        return try writer.render(
            to: to, messageID: messageID, date: date, listUnsubscribe: listUnsubscribe, text: text, html: html)
    }
}

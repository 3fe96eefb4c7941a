// What the classifier made of one message: how it was read and the recipients it names.
import Foundation

/// The reading of one message.
public struct BounceReport: Sendable {
    /// How the message was understood.
    public enum Method: String, Sendable, Codable {
        /// A delivery status notification (RFC 3464 message/delivery-status).
        case deliveryStatus = "rfc3464"
        /// An Abuse Reporting Format feedback report (RFC 5965), or a complaint in its style.
        case feedbackReport = "rfc5965"
        /// A bounce written in free text (qmail, old sendmail, Exchange, providers' own formats).
        case freeText = "free-text"
        /// An automatic reply (RFC 3834): ignored unless it says the mailbox is gone.
        case autoReply = "rfc3834"
        /// Nothing that reads as a bounce or complaint.
        case none
    }

    public var method: Method
    /// The records, one per recipient; empty for messages that are not bounces.
    public var recipients: [BounceRecipient]
    /// The Feedback-Type of a complaint (abuse, opt-out, …).
    public var feedbackType: String?
    /// When the report was written (its Date field), when readable.
    public var date: Date?

    public init(method: Method, recipients: [BounceRecipient], feedbackType: String? = nil, date: Date? = nil) {
        self.method = method
        self.recipients = recipients
        self.feedbackType = feedbackType
        self.date = date
    }

    /// The most severe class among the recipients (not-a-bounce when there are none).
    public var bounceClass: BounceClass { recipients.map(\.bounceClass).max() ?? .notABounce }
}

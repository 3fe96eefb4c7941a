// Reads one message as a bounce, a complaint, an auto-reply or none of these. Order matters: a feedback report
// first, then a DSN, then a free-text bounce (before auto-replies: Gmail marks its bounces auto-replied), then
// RFC 3834 auto-replies. VERP fills in the recipient when a record names none.
import Foundation
import Mail

/// Classifies messages read by `Mail.MIMEReader`.
public enum BounceClassifier {
    /// The reading of `bytes`; throws `MIMEReadError` when they are not a message at all.
    public static func classify(bytes: [UInt8]) throws -> BounceReport {
        classify(try MIMEReader.read(bytes))
    }

    /// The reading of `message`.
    public static func classify(_ message: MIMEPart) -> BounceReport {
        var report = read(message)
        report.date = message.header("Date").flatMap(MessageDateReader.date)
        if let verp = VERPAddress.recipient(inHeaders: message.headers) {
            for index in report.recipients.indices where report.recipients[index].address.isEmpty {
                report.recipients[index].address = verp
            }
        }
        return report
    }

    private static func read(_ message: MIMEPart) -> BounceReport {
        if let feedback = FeedbackReport(message: message) {
            let recipients = (feedback.recipients.isEmpty ? [""] : feedback.recipients).map {
                BounceRecipient(address: $0, bounceClass: .complaint, reason: "feedback-type \(feedback.feedbackType)")
            }
            return BounceReport(method: .feedbackReport, recipients: recipients, feedbackType: feedback.feedbackType)
        }
        if let statusPart = DeliveryStatusReport.statusPart(of: message) {
            let dsn = DeliveryStatusReport(part: statusPart)
            if !dsn.records.isEmpty {
                let explanation = FreeTextBounce.explanation(of: message).text
                return BounceReport(method: .deliveryStatus, recipients: dsn.recipients(explanation: explanation))
            }
        }
        let explanation = FreeTextBounce.explanation(of: message)
        if let dsn = DeliveryStatusReport(text: explanation.text) {
            return BounceReport(method: .deliveryStatus, recipients: dsn.recipients(explanation: explanation.text))
        }
        if let notification = SESNotification.report(in: message) { return notification }
        if FreeTextBounce.looksLikeBounce(message, explanation: explanation) {
            let recipients = FreeTextBounce.recipients(in: message, explanation: explanation)
            if !recipients.isEmpty { return BounceReport(method: .freeText, recipients: recipients) }
        }
        if AutoReply.isAutoReply(message) {
            return BounceReport(method: .autoReply, recipients: AutoReply.goneMailbox(in: message).map { [$0] } ?? [])
        }
        return BounceReport(method: .none, recipients: [])
    }
}

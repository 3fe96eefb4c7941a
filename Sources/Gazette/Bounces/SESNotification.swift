// Amazon SES bounce and complaint notifications delivered by email (SNS): a JSON body with notificationType,
// bouncedRecipients or complainedRecipients. Read with JSONSerialization; anything else is left to the others.
import Foundation
import Mail

/// An SES notification.
enum SESNotification {
    /// The records of an SES notification in `message`, or nil when it is none.
    static func report(in message: MIMEPart) -> BounceReport? {
        guard let part = OriginalMessage.explanationParts(of: message).first else { return nil }
        let text = part.text
        guard let start = text.firstIndex(of: "{"), text.contains("\"notificationType\""),
              let end = text.lastIndex(of: "}"), start < end,
              let object = jsonObject(text[start...end]), let type = object["notificationType"] as? String
        else { return nil }
        switch type {
        case "Bounce":
            guard let bounce = object["bounce"] as? [String: Any] else { return nil }
            let permanent = (bounce["bounceType"] as? String) == "Permanent"
            let listed = bounce["bouncedRecipients"] as? [[String: Any]] ?? []
            let recipients = listed.compactMap { entry -> BounceRecipient? in
                guard let address = entry["emailAddress"] as? String else { return nil }
                let diagnostic = entry["diagnosticCode"] as? String
                let status = (entry["status"] as? String).flatMap { StatusCodeScanner.firstStatus(in: $0) }
                    ?? diagnostic.flatMap { StatusCodeScanner.firstStatus(in: $0) }
                let replyCode = diagnostic.flatMap { StatusCodeScanner.firstReplyCode(in: $0) }
                let (bounceClass, reason) = BounceReasoning.classify(
                    text: (diagnostic ?? "") + " " + ((bounce["bounceSubType"] as? String) ?? ""),
                    status: status, replyCode: replyCode, permanent: permanent)
                return BounceRecipient(address: address, bounceClass: bounceClass, status: status, replyCode: replyCode,
                                       diagnostic: diagnostic, reason: reason)
            }
            return recipients.isEmpty ? nil : BounceReport(method: .freeText, recipients: recipients)
        case "Complaint":
            guard let complaint = object["complaint"] as? [String: Any] else { return nil }
            let feedbackType = (complaint["complaintFeedbackType"] as? String) ?? "abuse"
            let listed = complaint["complainedRecipients"] as? [[String: Any]] ?? []
            let recipients = listed.compactMap { $0["emailAddress"] as? String }.map {
                BounceRecipient(address: $0, bounceClass: .complaint, reason: "feedback-type \(feedbackType)")
            }
            return recipients.isEmpty ? nil : BounceReport(method: .feedbackReport, recipients: recipients, feedbackType: feedbackType)
        default:
            return nil
        }
    }

    /// The JSON object in `text`. An SNS notification is one long line; sendmail cuts lines longer than its limit
    /// with `!`, a line break and a space, which leaves a control character inside a JSON string: undone when
    /// the text does not parse as it is.
    static func jsonObject(_ text: Substring) -> [String: Any]? {
        func parse(_ text: String) -> [String: Any]? {
            try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        }
        if let object = parse(String(text)) { return object }
        let joined = text.replacingOccurrences(of: "!\r\n ", with: "").replacingOccurrences(of: "!\n ", with: "")
        return parse(joined)
    }
}

// RFC 5965 Abuse Reporting Format: a `message/feedback-report` part (Feedback-Type, Original-Rcpt-To,
// Removal-Recipient) or, in the looser variants providers send, the same fields in a text part. The complaining
// recipient is Original-Rcpt-To, else the To of the returned message, else the VERP return path.
// Apple Mail's unsubscribe message (`X-Apple-Unsubscribe: true`, sent to a List-Unsubscribe mailto: address) reads
// as an opt-out report from its sender.
import Mail

/// A complaint.
struct FeedbackReport {
    var feedbackType: String
    var recipients: [String]

    /// The report in `message`, or nil when it holds none.
    init?(message: MIMEPart) {
        var fields: [MIMEHeader]?
        if let part = message.allParts.first(where: { $0.contentType.mediaType == "message/feedback-report" }) {
            fields = HeaderFieldReader.readBlocks(part.decodedBody[...]).flatMap { $0 }
        } else {
            // A text part that carries the fields (multipart/mixed variants).
            for part in message.allParts where part.contentType.type == "text" {
                let text = part.text
                guard let offset = text.utf8Offset(ofPhrase: "Feedback-Type:") else { continue }
                fields = HeaderFieldReader.readBlocks(Array(text.utf8)[offset...]).first
                break
            }
        }
        if fields == nil, message.header("X-Apple-Unsubscribe")?.trimmingCharacters(in: .whitespaces).lowercased() == "true",
           let sender = message.header("From").flatMap({ AddressScanner.addresses(in: $0).first }) {
            feedbackType = "opt-out"
            recipients = [sender]
            return
        }
        guard let fields, let type = fields.value("Feedback-Type") else { return nil }
        feedbackType = type.lowercased().split(whereSeparator: { $0 == " " || $0 == ";" }).first.map(String.init) ?? "abuse"
        var found: [String] = []
        for name in ["Original-Rcpt-To", "Removal-Recipient"] {
            for value in fields.values(name) { found += AddressScanner.addresses(in: value) }
        }
        if found.isEmpty, let original = OriginalMessage.headers(in: message) {
            found = original.values("To").flatMap { AddressScanner.addresses(in: $0) }
        }
        if found.isEmpty, let verp = VERPAddress.recipient(inHeaders: message.headers) { found = [verp] }
        var seen: Set<String> = []
        recipients = found.filter { seen.insert($0.lowercased()).inserted }
    }
}

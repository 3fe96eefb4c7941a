// RFC 3834 automatic replies (vacation and out-of-office notices): recognised by Auto-Submitted: auto-replied and
// the headers and subjects responders use, and ignored — unless the reply says the mailbox is no longer in use,
// which counts as a soft bounce for the address it names.
import Mail

/// Automatic replies.
enum AutoReply {
    static let headerMarkers = ["X-Autoreply", "X-Autorespond", "X-Auto-Reply", "X-Mail-Autoreply", "X-Vacation", "X-Autoresponder"]
    static let subjectMarkers = ["auto:", "automatic reply", "autoreply", "auto-reply", "auto reply", "autorespons", "auto response",
                                 "auto-response", "out of office", "out of the office", "vacation", "away from", "abwesenheit",
                                 "absence", "réponse automatique", "risposta automatica", "respuesta automática", "自動"]
    static let gonePhrases = ["no longer in use", "no longer active", "no longer exists", "no longer monitored", "is not monitored",
                              "has been deactivated", "no longer with", "no longer valid", "is no longer available"]

    /// True when `message` is an automatic reply.
    static func isAutoReply(_ message: MIMEPart) -> Bool {
        if let submitted = message.header("Auto-Submitted")?.lowercased(), submitted.hasPrefix("auto-replied") { return true }
        if headerMarkers.contains(where: { message.header($0) != nil }) { return true }
        if message.header("Precedence")?.lowercased().contains("auto_reply") == true { return true }
        let subject = (message.headerText("Subject") ?? "").lowercased()
        return subjectMarkers.contains { subject.containsPhrase($0) }
    }

    /// The soft record of a reply saying the mailbox is gone, or nil for an ordinary auto-reply.
    static func goneMailbox(in message: MIMEPart) -> BounceRecipient? {
        let text = OriginalMessage.explanationParts(of: message).first?.text ?? ""
        let lower = text.lowercased()
        guard let phrase = gonePhrases.first(where: { lower.containsPhrase($0) }) else { return nil }
        let ours = Set(message.headers.values("To").flatMap { AddressScanner.addresses(in: $0) }.map { $0.lowercased() })
        let address = AddressScanner.addresses(in: text).first { !ours.contains($0.lowercased()) }
            ?? message.header("Reply-To").flatMap { AddressScanner.addresses(in: $0).first }
            ?? message.header("From").flatMap { AddressScanner.addresses(in: $0).first } ?? ""
        return BounceRecipient(address: address, bounceClass: .soft, status: nil, replyCode: nil,
                               diagnostic: nil, reason: "auto-reply: mailbox \(phrase)")
    }
}

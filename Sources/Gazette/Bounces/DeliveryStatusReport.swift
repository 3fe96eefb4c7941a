// RFC 3464 delivery status notifications: the `message/delivery-status` (or RFC 6533 `message/global-delivery-
// status`) part of a `multipart/report`. Reads the per-recipient blocks (Final-Recipient, Original-Recipient,
// Action, Status, Diagnostic-Code) and classifies each; the human-readable part helps only when they say nothing.
import Mail

/// The recipient records of a DSN.
struct DeliveryStatusReport {
    /// One per-recipient block, as written.
    struct Record {
        var finalRecipient: String?
        var originalRecipient: String?
        var action: String?
        var status: String?
        var diagnostic: String?
    }

    var records: [Record]

    /// The status part of `message`, when it has one.
    static func statusPart(of message: MIMEPart) -> MIMEPart? {
        message.allParts.first { part in
            part.contentType.type == "message"
                && (part.contentType.subtype == "delivery-status" || part.contentType.subtype == "global-delivery-status")
        }
    }

    /// Reads the field blocks of `part` (a delivery-status part).
    init(part: MIMEPart) {
        self.init(bytes: part.decodedBody[...])
    }

    /// The DSN fields pasted into a text (a report whose multipart structure is broken), or nil.
    init?(text: String) {
        let lower = text.lowercased()
        guard let start = lower.range(of: "\nreporting-mta:") ?? lower.range(of: "\nfinal-recipient:") else { return nil }
        let offset = lower.utf8.distance(from: lower.utf8.startIndex, to: start.lowerBound)
        let bytes = Array(text.utf8)
        guard offset < bytes.count else { return nil }
        self.init(bytes: bytes[offset...])
        if records.isEmpty { return nil }
    }

    init(bytes: ArraySlice<UInt8>) {
        let blocks = HeaderFieldReader.readBlocks(bytes)
        records = blocks.compactMap { block in
            let record = Record(
                finalRecipient: block.value("Final-Recipient").flatMap(AddressScanner.fieldAddress),
                originalRecipient: block.value("Original-Recipient").flatMap(AddressScanner.fieldAddress),
                action: block.value("Action")?.lowercased().split(separator: " ").first.map(String.init),
                status: block.value("Status").flatMap { StatusCodeScanner.firstStatus(in: $0) },
                diagnostic: block.value("Diagnostic-Code").map(Self.withoutType))
            // The per-message block (Reporting-MTA, Arrival-Date) names no recipient.
            return record.finalRecipient == nil && record.originalRecipient == nil ? nil : record
        }
    }

    /// The part of the human-readable text about `address` (from its first mention to the next empty line),
    /// or all of it when the address is not mentioned: a report for several recipients explains each apart.
    static func passage(about address: String, in explanation: String) -> String {
        guard !address.isEmpty, let start = explanation.range(of: address, options: .caseInsensitive) else { return explanation }
        let rest = explanation[start.lowerBound...]
        let end = rest.range(of: "\n\n")?.lowerBound ?? rest.range(of: "\r\n\r\n")?.lowerBound ?? rest.endIndex
        return String(rest[..<end].prefix(1000))
    }

    /// `smtp; 550 5.1.1 …` → `550 5.1.1 …` (RFC 3464 §2.3.6: the diagnostic type comes first).
    static func withoutType(_ value: String) -> String {
        guard let semicolon = value.firstIndex(of: ";"), value[..<semicolon].allSatisfy({ $0.isLetter || $0 == "-" }) else {
            return value
        }
        return String(value[value.index(after: semicolon)...]).trimmingCharacters(in: .whitespaces)
    }

    /// Each record as a classified recipient. `explanation` (the human-readable part) is read when a
    /// record has neither a specific status nor a diagnostic.
    func recipients(explanation: String) -> [BounceRecipient] {
        records.map { record in
            // Original-Recipient is the address we sent to, before any forwarding (RFC 3464 §2.3.1).
            let address = record.originalRecipient ?? record.finalRecipient ?? ""
            let diagnostic = record.diagnostic
            var status = record.status
            let textStatus = diagnostic.flatMap { StatusCodeScanner.firstStatus(in: $0) }
            if status == nil || StatusCodeScanner.isGeneric(status ?? ""), let textStatus, textStatus.first == status?.first || status == nil {
                status = textStatus
            }
            let replyCode = diagnostic.flatMap { StatusCodeScanner.firstReplyCode(in: $0) }
            let permanent: Bool?
            switch record.action {
            case "failed": permanent = true
            case "delayed": permanent = false
            case "delivered", "relayed", "expanded":
                return BounceRecipient(address: address, bounceClass: .notABounce, status: status, replyCode: replyCode,
                                       diagnostic: diagnostic, reason: "action \(record.action ?? "")")
            default: permanent = nil
            }
            var text = diagnostic ?? ""
            if diagnostic == nil || (status.map(StatusCodeScanner.isGeneric) ?? true) {
                text += "\n" + Self.passage(about: address, in: explanation)
            }
            let (bounceClass, reason) = BounceReasoning.classify(text: text, status: status, replyCode: replyCode, permanent: permanent)
            return BounceRecipient(address: address, bounceClass: bounceClass, status: status, replyCode: replyCode,
                                   diagnostic: diagnostic, reason: reason)
        }
    }
}

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
        /// The diagnostic's type, lower-cased: `smtp` for a remote server's reply, `x-unix` for a local delivery
        /// program's output (Postfix's pipe and local agents, sendmail's mailers).
        var diagnosticType: String?
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
        let blocks = HeaderFieldReader.readBlocks(bytes).flatMap(Self.recipientBlocks)
        records = blocks.compactMap { block in
            let record = Record(
                finalRecipient: block.value("Final-Recipient").flatMap(AddressScanner.fieldAddress),
                originalRecipient: block.value("Original-Recipient").flatMap(AddressScanner.fieldAddress),
                action: block.value("Action")?.lowercased().split(separator: " ").first.map(String.init),
                status: block.value("Status").flatMap { StatusCodeScanner.firstStatus(in: $0) },
                diagnostic: block.value("Diagnostic-Code").map(Self.withoutType),
                diagnosticType: block.value("Diagnostic-Code").flatMap(Self.type))
            // The per-message block (Reporting-MTA, Arrival-Date) names no recipient.
            return record.finalRecipient == nil && record.originalRecipient == nil ? nil : record
        }
    }

    /// `block` cut where a recipient's fields start again: some MTAs (AOL's among them) leave out the empty line
    /// between two recipients' blocks, and the second recipient's fields would otherwise overwrite the first's.
    static func recipientBlocks(_ block: [MIMEHeader]) -> [[MIMEHeader]] {
        var blocks: [[MIMEHeader]] = [[]]
        var named: Set<String> = []
        for field in block {
            let name = field.name.lowercased()
            if name == "final-recipient" || name == "original-recipient" {
                if named.contains(name) {
                    blocks.append([])
                    named.removeAll()
                }
                named.insert(name)
            }
            blocks[blocks.count - 1].append(field)
        }
        return blocks
    }

    /// The part of the human-readable text about `address` (from the line of its first mention to the next empty
    /// line, or to the next line naming one of `others`), or all of it when the address is not mentioned: a report
    /// for several recipients explains each apart.
    static func passage(about address: String, in explanation: String, others: [String] = []) -> String {
        mentionedPassage(about: address, in: explanation, others: others) ?? explanation
    }

    /// The passage about `address`, or nil when the text does not name it.
    static func mentionedPassage(about address: String, in explanation: String, others: [String]) -> String? {
        guard !address.isEmpty, let mention = explanation.range(of: address, options: .caseInsensitive) else { return nil }
        // Bytes, not Characters: "\r\n" is one Character, and reports come with either line ending.
        let utf8 = explanation.utf8
        let lineStart = utf8[..<mention.lowerBound].lastIndex(of: 0x0A).map { utf8.index(after: $0) } ?? utf8.startIndex
        let lowerOthers = others.filter { !$0.isEmpty && $0.caseInsensitiveCompare(address) != .orderedSame }.map { Array($0.lowercased().utf8) }
        var lines: [Substring.UTF8View] = []
        var cursor = lineStart, count = 0
        while cursor < utf8.endIndex, count < 1000 {
            let lineEnd = utf8[cursor...].firstIndex(of: 0x0A) ?? utf8.endIndex
            let line = explanation[cursor..<lineEnd].utf8
            let blank = line.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
            // The passage ends at an empty line, or at another recipient's line (OpenSMTPD and qmail list them
            // one after the other).
            if !lines.isEmpty, blank || Self.mentionsAny(lowerOthers, in: line) { break }
            lines.append(line)
            count += line.count + 1
            cursor = lineEnd < utf8.endIndex ? utf8.index(after: lineEnd) : lineEnd
        }
        let passage = String(lines.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "\n").prefix(1000))
        // sendmail lists the failed addresses first, one a line, and explains them in the transcript below: a
        // passage that is the bare address says nothing, and the paragraph of the next mention does, when it is
        // about this address alone ("mail.local: unknown user: ann" above "554 <ann@example.org>... Service unavailable").
        if lines.count == 1, passage.filter({ !" \t\r<>".contains($0) }).lowercased() == address.lowercased(),
           let next = explanation[mention.upperBound...].range(of: address, options: .caseInsensitive) {
            let before = explanation[..<next.lowerBound]
            let paragraphStart = before.range(of: "\n\n", options: .backwards)?.upperBound
                ?? before.range(of: "\r\n\r\n", options: .backwards)?.upperBound ?? before.startIndex
            let after = explanation[next.upperBound...]
            let paragraphEnd = after.range(of: "\n\n")?.lowerBound ?? after.range(of: "\r\n\r\n")?.lowerBound ?? after.endIndex
            let paragraph = explanation[paragraphStart..<paragraphEnd]
            if !paragraph.split(separator: "\n").contains(where: { Self.mentionsAny(lowerOthers, in: $0.utf8) }) {
                return String(paragraph.prefix(1000))
            }
        }
        return passage
    }

    /// True when `line` holds one of `addresses` (lower-cased), in any case.
    private static func mentionsAny(_ addresses: [[UInt8]], in line: Substring.UTF8View) -> Bool {
        guard !addresses.isEmpty else { return false }
        let lower = line.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
        return addresses.contains { address in
            guard address.count <= lower.count else { return false }
            return (0...(lower.count - address.count)).contains { start in lower[start..<(start + address.count)].elementsEqual(address) }
        }
    }

    /// `smtp; 550 5.1.1 …` → `550 5.1.1 …` (RFC 3464 §2.3.6: the diagnostic type comes first).
    static func withoutType(_ value: String) -> String {
        guard let type = type(value) else { return value }
        return String(value.dropFirst(type.count + 1)).trimmingCharacters(in: .whitespaces)
    }

    /// `smtp; 550 …` → `smtp`; nil when the value has no type.
    static func type(_ value: String) -> String? {
        guard let semicolon = value.firstIndex(of: ";"), value[..<semicolon].allSatisfy({ $0.isLetter || $0 == "-" }) else {
            return nil
        }
        return value[..<semicolon].lowercased()
    }

    /// Each record as a classified recipient. `explanation` (the human-readable part) is read when a
    /// record has neither a specific status nor a diagnostic.
    func recipients(explanation: String) -> [BounceRecipient] {
        let everyone = records.flatMap { [$0.originalRecipient, $0.finalRecipient].compactMap { $0 } }
        return records.map { record in
            // Original-Recipient is the address we sent to, before any forwarding (RFC 3464 §2.3.1).
            let address = record.originalRecipient ?? record.finalRecipient ?? ""
            let others = everyone.filter { $0 != record.originalRecipient && $0 != record.finalRecipient }
            let mentioned = Self.mentionedPassage(about: address, in: explanation, others: others)
            let diagnostic = record.diagnostic
            var status = record.status
            // A generic Status (5.0.0) yields to the code in the diagnostic, or, with none, in the text about
            // this recipient (OpenSMTPD writes the remote reply only there).
            let textStatus = diagnostic.flatMap { StatusCodeScanner.failureStatus(in: $0) }
                ?? (diagnostic == nil ? mentioned.flatMap { StatusCodeScanner.failureStatus(in: $0) } : nil)
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
                text += "\n" + (mentioned ?? explanation)
            }
            // The transcript's command for this recipient says which SMTP stage failed.
            let context = [mentioned, SessionTranscript.command(answeredFor: address, in: explanation)].compactMap { $0 }.joined(separator: "\n")
            var (bounceClass, reason) = BounceReasoning.classify(text: text, context: context, status: status, replyCode: replyCode,
                                                                 permanent: permanent)
            // A local delivery program's output ("procmail: … No such user") tells that the program failed, not that
            // the address is gone: the server that wrote the report had accepted it.
            if record.diagnosticType == "x-unix", bounceClass == .hard {
                (bounceClass, reason) = (.soft, "mailer error (a local delivery program failed: \(reason))")
            }
            return BounceRecipient(address: address, bounceClass: bounceClass, status: status, replyCode: replyCode,
                                   diagnostic: diagnostic, reason: reason)
        }
    }
}

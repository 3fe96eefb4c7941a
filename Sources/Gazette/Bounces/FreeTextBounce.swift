// Bounces that are not RFC 3464: qmail, old sendmail and Exchange, Japanese carriers, providers' own notices.
// Recognised by who sent them (a mailer daemon, a null return path) or their subject, then read as prose: the
// recipients are the addresses in the explanation that are not ours, each classified by the text that follows it.
import Foundation
import Mail

/// A bounce written in free text.
enum FreeTextBounce {
    /// Local parts and display names that mark a message from a mail system rather than a person.
    static let daemonMarkers = ["mailer-daemon", "mailer_daemon", "postmaster", "mail delivery", "mail administrator",
                                "mail system", "mailerdaemon", "mmdf", "mail-daemon", "maildaemon", "mail.delivery",
                                "bounce", "returned mail", "nobody@", "noreply", "no-reply@", "post_master"]
    /// Subjects of bounces, lower-cased.
    static let subjectMarkers = ["undeliver", "delivery status notification", "failure notice", "returned mail", "delivery failure",
                                 "mail delivery failed", "delivery has failed", "could not be delivered", "non remis", "nondeliverable",
                                 "non-deliver", "nicht zustellbar", "delivery notification", "mail system error", "returned to sender",
                                 "delivery problem", "could not send", "failed delivery", "undelivered", "delivery failed",
                                 "mail failure", "rejected", "not delivered", "delivery report", "error sending", "unzustellbar",
                                 "message not delivered", "bounce", "delivery final failure", "permanent error", "warning: message",
                                 "エラー", "不達", "failure notice", "notification"]
    /// Phrases that say delivery failed, besides those in `BounceReasoning`.
    static let failurePhrases = ["could not be delivered", "couldn't be delivered", "wasn't delivered", "was not delivered",
                                 "undeliverable", "permanent", "failed", "delivery to the following", "unable to deliver",
                                 "not be delivered", "could not deliver", "rejected", "giving up", "returned", "error",
                                 "not reachable", "delivery has been delayed", "deferred", "temporary"]
    /// Where the returned message starts in a single-part bounce.
    static let originalMarkers = ["below this line is a copy of the message", "this is a copy of the message",
                                  "original message follows", "----- original message", "-----original message",
                                  "copy of the original message", "original message headers", "header of the original message",
                                  "headers of your message", "bounced e-mail:", "----- original message headers", "\nreturn-path:", "\nreceived: from",
                                  "unsent message below", "message text follows", "\ncontent-type: message/rfc822"]

    /// Sentences that only bounces write, whoever sends them.
    static let bodyMarkers = ["did not reach the following recipient", "was not delivered to", "could not be delivered to",
                              "delivery to the following recipient", "following addresses had permanent fatal errors",
                              "this is a permanent error", "message could not be delivered", "unable to deliver message to",
                              "delivery has failed to these recipients", "your message wasn't delivered"]

    /// True when the sender, subject or wording of `message` says it is a bounce.
    static func looksLikeBounce(_ message: MIMEPart, explanation: (text: String, original: String?)) -> Bool {
        let text = explanation.text.lowercased()
        if bodyMarkers.contains(where: { text.containsPhrase($0) }) { return true }
        let from = (message.headerText("From") ?? "").lowercased()
        if daemonMarkers.contains(where: { from.containsPhrase($0) }) { return true }
        if let returnPath = message.header("Return-Path"), returnPath.trimmingCharacters(in: .whitespaces) == "<>" {
            let subject = (message.headerText("Subject") ?? "").lowercased()
            if subject.isEmpty || subjectMarkers.contains(where: { subject.containsPhrase($0) }) { return true }
        }
        let subject = (message.headerText("Subject") ?? "").lowercased()
        return subjectMarkers.contains { subject.containsPhrase($0) }
    }

    /// The explanation (text before any returned message) and the returned message's text, if inline.
    static func explanation(of message: MIMEPart) -> (text: String, original: String?) {
        var text = OriginalMessage.explanationParts(of: message).map { part in
            part.contentType.subtype == "html" ? stripTags(part.text) : part.text
        }.joined(separator: "\n")
        var original: String?
        let lower = text.lowercased()
        // A byte search: Foundation's range(of:) went through CFString and was 40 % of the bounce benchmark.
        if let offset = originalMarkers.compactMap({ lower.utf8Offset(ofPhrase: $0) }).min() {
            // Indices of `lower` and `text` agree only for ASCII; cut by UTF-8 offset instead.
            let bytes = Array(text.utf8)
            if offset <= bytes.count {
                original = String(decoding: bytes[offset...], as: UTF8.self)
                text = String(decoding: bytes[..<offset], as: UTF8.self)
            }
        }
        return (text, original)
    }

    /// The recipients a free-text bounce names, classified; empty when it does not read as a failure.
    static func recipients(in message: MIMEPart, explanation: (text: String, original: String?)) -> [BounceRecipient] {
        let (text, inlineOriginal) = explanation
        let lower = text.lowercased()
        let failed = message.headers.values("X-Failed-Recipients").flatMap { AddressScanner.addresses(in: $0) }
        let hasCode = StatusCodeScanner.firstStatus(in: text) != nil || StatusCodeScanner.firstReplyCode(in: text) != nil
        let hasPhrase = failurePhrases.contains { lower.containsPhrase($0) }
            || BounceReasoning.hardPhrases.contains { lower.containsPhrase($0.0) }
            || BounceReasoning.softPhrases.contains { lower.containsPhrase($0.0) }
        // A mail system's own message (MAILER-DAEMON, postmaster) needs no phrase we know: it is a bounce.
        let from = (message.headerText("From") ?? "").lowercased()
        let fromDaemon = daemonMarkers.contains { from.containsPhrase($0) }
        guard hasCode || hasPhrase || !failed.isEmpty || fromDaemon else { return [] }

        // Addresses that are ours or the mail system's, not the failed recipient's.
        var excluded: Set<String> = []
        for name in ["From", "Cc", "Reply-To", "Sender", "Return-Path", "Message-ID", "References", "In-Reply-To"] {  // message IDs look like addresses
            for value in message.headers.values(name) { for address in AddressScanner.addresses(in: value) { excluded.insert(address.lowercased()) } }
        }
        // Where the bounce itself went is ours too, unless the text names no other address: some MTAs deliver the
        // bounce with the failed recipient in X-Original-To (DragonFly's dma), or bounce a message sent to oneself.
        var deliveredTo: Set<String> = []
        for name in ["To", "Delivered-To", "X-Original-To", "Envelope-To"] {
            for value in message.headers.values(name) { for address in AddressScanner.addresses(in: value) { deliveredTo.insert(address.lowercased()) } }
        }
        var originalHeaders = OriginalMessage.headers(in: message)
        if originalHeaders == nil, let inlineOriginal {
            originalHeaders = inlineHeaders(inlineOriginal)
        }
        for name in ["From", "Sender", "Return-Path", "Message-ID", "Reply-To", "References", "In-Reply-To"] {
            for value in originalHeaders?.values(name) ?? [] { for address in AddressScanner.addresses(in: value) { excluded.insert(address.lowercased()) } }
        }
        let named = AddressScanner.addresses(in: text[...]).filter { !excluded.contains($0.address.lowercased()) }
        let elsewhere = named.filter { !deliveredTo.contains($0.address.lowercased()) }
        let mentions = elsewhere.isEmpty ? named : elsewhere
        func isSystem(_ address: String, strict: Bool) -> Bool {
            let local = address.lowercased().split(separator: "@").first.map(String.init) ?? ""
            return local.hasPrefix("mailer-daemon") || local == "mailer_daemon"
                || (strict && ["postmaster", "root", "abuse", "noreply", "no-reply"].contains(local))
        }
        let utf8 = Array(text.utf8)
        // An address given as the envelope sender in a transcript (`In:  MAIL FROM:<a@b>`, qmail's `From: <a@b>
        // RCPT: …`) is the sender's, not a recipient's.
        let senders = Set(mentions.filter { isEnvelopeSender(utf8, at: $0.offset) }.map { $0.address.lowercased() })
        let found = mentions.filter { !senders.contains($0.address.lowercased()) }
        // postmaster@ is usually a contact address in the text, but sometimes the recipient that failed.
        var candidates = found.filter { !isSystem($0.address, strict: true) }
        if candidates.isEmpty { candidates = found.filter { !isSystem($0.address, strict: false) } }
        var recipients: [BounceRecipient] = []
        // The text about the candidate at `position`: up to the next mention of another recipient, first or not
        // (Mail.ru writes its report twice, in Russian and in English: the last recipient of the first copy is
        // followed by the first recipient of the second), at most 2,000 bytes.
        let lowerUTF8 = utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
        func segment(at position: Int) -> String {
            let candidate = candidates[position]
            let start = candidate.offset
            var end = min(start + 2000, utf8.count)
            for (index, other) in candidates.enumerated() where index != position && other.address.lowercased() != candidate.address.lowercased() {
                let needle = Array(other.address.lowercased().utf8)
                if let found = firstOccurrence(of: needle, in: lowerUTF8, from: start + candidate.address.utf8.count, before: end) {
                    end = found
                }
            }
            // sendmail's verdict on one address, `554 <a@b>... Remote protocol error`, is a line of its own, its
            // reply code in front: the next line may be about another host ("550 example.org (smtp)... 550 Host unknown").
            if isSendmailVerdict(utf8, address: candidate.address, at: start) {
                let lineStart = start - Self.lineStart(utf8, start).utf8.count
                let lineEnd = utf8[start..<end].firstIndex(of: 0x0A) ?? end
                return String(decoding: utf8[lineStart..<lineEnd], as: UTF8.self)
            }
            return String(decoding: utf8[start..<max(end, start)], as: UTF8.self)
        }
        if !failed.isEmpty {
            // The header is authoritative; the text after each address (when it appears) explains it.
            return failed.map { address in
                guard let position = candidates.firstIndex(where: { $0.address.lowercased() == address.lowercased() }) else {
                    return classify(address: address, segment: text, whole: text)
                }
                return classify(address: address, segment: segment(at: position), whole: text,
                                context: lineStart(utf8, candidates[position].offset))
            }
        }
        for (position, candidate) in candidates.enumerated() {
            recipients.append(classify(address: candidate.address, segment: segment(at: position), whole: text,
                                       context: lineStart(utf8, candidate.offset)))
        }
        if recipients.isEmpty {
            let address = originalHeaders.flatMap { headers in headers.values("To").flatMap { AddressScanner.addresses(in: $0) }.first }
                ?? VERPAddress.recipient(inHeaders: message.headers) ?? ""
            recipients.append(classify(address: address, segment: text, whole: text))
        }
        return recipients
    }

    /// One recipient, classified by the text after its address (or the whole explanation if that says nothing).
    /// `context` (the text before the address on its line, and the segment) tells which SMTP command failed.
    static func classify(address: String, segment: String, whole: String, context: String = "") -> BounceRecipient {
        // The transcript's command for this recipient says which SMTP stage failed, and the server's reply to it is
        // the verdict: what follows in the text may be about another host ("421 … Deferred: Connection timed out").
        let exchange = SessionTranscript.exchange(answeredFor: address, in: whole)
        let context = [context, exchange?.command ?? ""].joined(separator: "\n")
        let segment = exchange.map { $0.reply } ?? segment
        var status = StatusCodeScanner.failureStatus(in: segment)
        var replyCode = StatusCodeScanner.firstReplyCode(in: segment)
        var (bounceClass, reason) = BounceReasoning.classify(text: segment, context: context, status: status, replyCode: replyCode, permanent: nil)
        if status == nil, replyCode == nil, reason == "delivery failed" {
            status = StatusCodeScanner.failureStatus(in: whole)
            replyCode = StatusCodeScanner.firstReplyCode(in: whole)
            (bounceClass, reason) = BounceReasoning.classify(text: whole, status: status, replyCode: replyCode, permanent: nil)
        }
        let diagnostic = segment.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .first { line in StatusCodeScanner.firstStatus(in: line) != nil || StatusCodeScanner.firstReplyCode(in: line) != nil }
        return BounceRecipient(address: address, bounceClass: bounceClass, status: status, replyCode: replyCode,
                               diagnostic: diagnostic.map { String($0.prefix(300)) }, reason: reason)
    }

    /// The offset of the first `needle` in `bytes[from..<before]`, if any.
    static func firstOccurrence(of needle: [UInt8], in bytes: [UInt8], from: Int, before: Int) -> Int? {
        guard let first = needle.first, from < before, needle.count <= before - from else { return nil }
        var index = from
        while index + needle.count <= before {
            if bytes[index] == first, bytes[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }

    /// The text from the start of the line holding `offset` up to it ("SMTP error … after RCPT TO:<").
    /// True when the address at `offset` is written as sendmail writes a recipient's verdict: `NNN <address>... `
    /// at the start of a line (after spaces).
    static func isSendmailVerdict(_ utf8: [UInt8], address: String, at offset: Int) -> Bool {
        let before = lineStart(utf8, offset).utf8.drop { $0 == 0x20 }
        guard before.count == 5, before.prefix(3).allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              Array(before.suffix(2)) == Array(" <".utf8) else { return false }
        let after = offset + address.utf8.count
        return after + 4 <= utf8.count && Array(utf8[after..<(after + 4)]) == Array(">...".utf8)
    }

    /// True when the text before the address on its line ends with `FROM:<` or `From: <`, as transcripts and
    /// qmail write the envelope sender.
    static func isEnvelopeSender(_ utf8: [UInt8], at offset: Int) -> Bool {
        let before = lineStart(utf8, offset).lowercased().replacingOccurrences(of: " ", with: "")
        return before.hasSuffix("from:<")
    }

    static func lineStart(_ utf8: [UInt8], _ offset: Int) -> String {
        var start = min(offset, utf8.count)
        while start > 0, utf8[start - 1] != 0x0A, offset - start < 300 { start -= 1 }
        return String(decoding: utf8[start..<min(offset, utf8.count)], as: UTF8.self)
    }

    /// The header block of a returned message pasted into the text.
    static func inlineHeaders(_ text: String) -> [MIMEHeader]? {
        let lines = text.textLines()
        for (index, line) in lines.enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if let colon = trimmed.firstIndex(of: ":"), trimmed[..<colon].allSatisfy({ $0.isLetter || $0 == "-" }),
               ["return-path", "received", "from", "to", "subject", "date", "message-id"].contains(trimmed[..<colon].lowercased()) {
                let rest = lines[index...].map { $0.hasPrefix("  ") && !$0.hasPrefix("   ") ? String($0.dropFirst(2)) : String($0) }
                let fields = HeaderFieldReader.read(Array(rest.joined(separator: "\n").utf8)[...]).fields
                return fields.isEmpty ? nil : fields
            }
        }
        return nil
    }

    /// Text of an HTML part without its tags (enough to read a provider's notice).
    static func stripTags(_ html: String) -> String {
        // Bytes, not Characters, and the four entities in one pass: Foundation's replacingOccurrences was a tenth of
        // the bounce benchmark.
        let entities: [([UInt8], UInt8)] = [(Array("&nbsp;".utf8), 0x20), (Array("&lt;".utf8), 0x3C), (Array("&gt;".utf8), 0x3E),
                                            (Array("&amp;".utf8), 0x26)]
        let bytes = Array(html.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var inTag = false, index = 0
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: "<") { inTag = true; output.append(0x20); continue }
            if byte == UInt8(ascii: ">") { inTag = false; continue }
            if inTag { continue }
            if byte == UInt8(ascii: "&"), let (entity, replacement) = entities.first(where: { entity, _ in
                bytes[(index - 1)...].starts(with: entity)
            }) {
                output.append(replacement)
                index += entity.count - 1
                continue
            }
            output.append(byte)
        }
        return String(decoding: output, as: UTF8.self)
    }
}

// One mail transaction (RFC 5321 §3.3): MAIL FROM, RCPT TO for each recipient, DATA with the
// dot-stuffed content. Pipelined when offered (RFC 2920: MAIL, RCPTs and DATA in one write, replies
// read in order). The only place that marks a message `uncertain`.
import Mail

extension Session {
    /// Sends one message to the envelope's recipients, opening the connection first if needed.
    ///
    /// Returns what the server said about each recipient, or `uncertain` when the content went out
    /// and the final reply never came. Throws only when nothing was handed over (the connection
    /// failed before the end of the content was sent); the session is closed then. A connection
    /// kept from an earlier message that turns out dead (the server timed it out) is reopened once.
    ///
    /// `whileAwaitingReply` runs at most once, after the content is written and before the final reply is
    /// read: the caller's work there (composing and signing its next message) overlaps the server's
    /// processing and the round trip. It must not use this session.
    public func send(_ envelope: Envelope, message: [UInt8], whileAwaitingReply: (() -> Void)? = nil) throws -> DeliveryResult {
        let reused = connection != nil
        var hook = whileAwaitingReply
        func runHook() {
            hook?()
            hook = nil
        }
        do {
            return try transact(envelope, message: message, whileAwaitingReply: runHook)
        } catch let error as SMTPError where reused && error.isTransient && connection == nil {
            note("\(error); reconnecting once")
            return try transact(envelope, message: message, whileAwaitingReply: runHook)
        }
    }

    private func transact(_ envelope: Envelope, message: [UInt8], whileAwaitingReply: () -> Void) throws -> DeliveryResult {
        if connection == nil { try open() }
        let capabilities = self.capabilities ?? ServerCapabilities(heloReply: Reply(code: 250, lines: []))
        var outcomes = [DeliveryResult.RecipientOutcome?](repeating: nil, count: envelope.recipients.count)
        func refuseAll(_ reason: String) -> DeliveryResult {
            let all = envelope.recipients.map {
                DeliveryResult.RecipientOutcome(address: $0.address, disposition: .failed, reply: nil, reason: reason)
            }
            return DeliveryResult(disposition: .failed, reply: nil, recipients: all, server: peer)
        }
        // RFC 1870 §6: a message over the announced SIZE would only be refused after its upload.
        if let limit = capabilities.maximumMessageSize, message.count > limit {
            return refuseAll("the message has \(message.count) octets; \(peer) accepts at most \(limit) (SIZE)")
        }
        if envelope.sender?.requiresSMTPUTF8 == true && !capabilities.smtpUTF8 {
            return refuseAll("the sender address has a non-ASCII local part and \(peer) does not offer SMTPUTF8")
        }
        var tried: [Int] = []
        for (index, recipient) in envelope.recipients.enumerated() {
            if recipient.requiresSMTPUTF8 && !capabilities.smtpUTF8 {
                outcomes[index] = .init(address: recipient.address, disposition: .failed, reply: nil,
                    reason: "the address has a non-ASCII local part and \(peer) does not offer SMTPUTF8 (RFC 6531)")
            } else {
                tried.append(index)
            }
        }
        guard !tried.isEmpty else {
            return refuseAll(outcomes.first??.reason ?? "the envelope has no recipients")
        }
        let useUTF8 = capabilities.smtpUTF8
            && (envelope.sender?.requiresSMTPUTF8 == true || tried.contains { envelope.recipients[$0].requiresSMTPUTF8 })
        let mail = mailCommand(envelope, message: message, capabilities: capabilities, utf8: useUTF8)
        let rcpts = tried.map { rcptCommand(envelope.recipients[$0], dsn: envelope.deliveryStatusNotification, capabilities: capabilities) }

        let exchange = try exchangeCommands(mail: mail, rcpts: rcpts, pipelined: capabilities.pipelining)
        // The reply that stands for a recipient or the transaction when the server closed early (421).
        let closing = exchange.closing
        let server = peer
        func outcome(_ index: Int, _ reply: Reply, _ verb: String) -> DeliveryResult.RecipientOutcome {
            let reason = reply.isPositive ? nil : SMTPError(.rejected(reply), peer: server, stage: .reply(to: verb)).description
            return .init(address: envelope.recipients[index].address, disposition: reply.disposition, reply: reply, reason: reason)
        }
        func finish(_ disposition: Disposition, _ reply: Reply?) -> DeliveryResult {
            DeliveryResult(disposition: disposition, reply: reply, recipients: outcomes.compactMap { $0 }, server: server)
        }

        guard let mailReply = exchange.mail ?? closing, mailReply.isPositive else {
            let reply = exchange.mail ?? closing ?? Reply(code: 451, lines: ["no reply to MAIL FROM"])
            for index in tried { outcomes[index] = outcome(index, reply, "MAIL FROM") }
            try endUnusedData(exchange)
            return finish(reply.disposition, reply)
        }
        var accepted: [Int] = []
        for (position, index) in tried.enumerated() {
            let reply = position < exchange.rcpts.count ? exchange.rcpts[position] : (closing ?? mailReply)
            outcomes[index] = outcome(index, reply, "RCPT TO")
            if reply.isPositive && position < exchange.rcpts.count { accepted.append(index) }
        }
        guard !accepted.isEmpty else {
            try endUnusedData(exchange)
            let replies = tried.compactMap { outcomes[$0]?.reply }
            let deferred = replies.first { $0.disposition == .deferred }
            return finish(deferred == nil ? .failed : .deferred, deferred ?? replies.first)
        }
        guard let dataReply = exchange.data ?? closing, dataReply.code == 354 else {
            let reply = exchange.data ?? closing ?? Reply(code: 451, lines: ["no reply to DATA"])
            // A 2xx instead of 354 is a protocol error: nothing was sent, so it is not an acceptance.
            let standIn = reply.isPositive ? Reply(code: 451, lines: ["unexpected reply to DATA: \(reply)"]) : reply
            for index in accepted { outcomes[index] = outcome(index, standIn, "DATA") }
            return finish(standIn.disposition, standIn)
        }

        // From here the server may take the message: a failure before the final reply is `uncertain`.
        let content = MessageData.encode(message)
        try write(content, lines: ["<message content: \(content.count) octets>"], stage: .messageContent,
                  timeout: configuration.timeouts.dataBlock)
        // The final reply's time (the server's processing and the round trip) is the caller's.
        whileAwaitingReply()
        let final: Reply
        do {
            final = try readReply(.endOfData, timeout: configuration.timeouts.finalDot)
        } catch let error as SMTPError {
            for index in accepted {
                outcomes[index] = .init(address: envelope.recipients[index].address, disposition: .uncertain, reply: nil,
                                        reason: error.description + "; the message may have been delivered")
            }
            return finish(.uncertain, nil)
        }
        completedTransactions += 1
        needsReset = false
        if final.closesConnection { abandon() }
        for index in accepted {
            let reason = final.isPositive ? nil : SMTPError(.rejected(final), peer: server, stage: .endOfData).description
            outcomes[index] = .init(address: envelope.recipients[index].address, disposition: final.disposition,
                                    reply: final, reason: reason)
        }
        return finish(final.disposition, final)
    }

    /// The replies of one MAIL/RCPT/DATA exchange; `closing` is a 421 after which nothing more came.
    struct Exchange {
        var mail: Reply?
        var rcpts: [Reply] = []
        var data: Reply?
        var closing: Reply?
    }

    /// Sends MAIL, the RCPTs and DATA (in one write when pipelining) and reads their replies in order.
    /// Without pipelining it stops at the first reply that makes the rest pointless.
    private func exchangeCommands(mail: String, rcpts: [String], pipelined: Bool) throws -> Exchange {
        let timeouts = configuration.timeouts
        var exchange = Exchange()
        func read(_ verb: String, _ timeout: Double) throws -> Reply? {
            guard exchange.closing == nil else { return nil }
            let reply = try readReply(.reply(to: verb), timeout: timeout)
            if reply.closesConnection {
                exchange.closing = reply
                abandon()
            }
            return reply
        }
        if pipelined {
            // RFC 2920 §3.1: RSET, MAIL and RCPT may be anywhere in a group, DATA only last.
            let reset = needsReset
            let lines = (reset ? ["RSET"] : []) + [mail] + rcpts + ["DATA"]
            var bytes: [UInt8] = []
            for line in lines { bytes += try encode(line) }
            try write(bytes, lines: lines, stage: .sending("MAIL FROM"))
            needsReset = true
            if reset { _ = try read("RSET", timeouts.command) }
            exchange.mail = try read("MAIL FROM", timeouts.mail)
            for _ in rcpts {
                if let reply = try read("RCPT TO", timeouts.rcpt) { exchange.rcpts.append(reply) }
            }
            exchange.data = try read("DATA", timeouts.dataInitiation)
            return exchange
        }
        if needsReset { try reset() }
        needsReset = true
        exchange.mail = try commandUnlessClosed(mail, verb: "MAIL FROM", timeout: timeouts.mail, &exchange)
        guard exchange.mail?.isPositive == true else { return exchange }
        for rcpt in rcpts {
            guard let reply = try commandUnlessClosed(rcpt, verb: "RCPT TO", timeout: timeouts.rcpt, &exchange) else { break }
            exchange.rcpts.append(reply)
        }
        guard exchange.rcpts.contains(where: \.isPositive) else { return exchange }
        exchange.data = try commandUnlessClosed("DATA", verb: "DATA", timeout: timeouts.dataInitiation, &exchange)
        return exchange
    }

    private func commandUnlessClosed(_ line: String, verb: String, timeout: Double, _ exchange: inout Exchange) throws -> Reply? {
        guard exchange.closing == nil else { return nil }
        let reply = try command(line, verb: verb, timeout: timeout)
        if reply.closesConnection {
            exchange.closing = reply
            abandon()
        }
        return reply
    }

    /// After a pipelined DATA got 354 although no recipient was accepted, RFC 2920 §3.1 says to send
    /// the lone "." and read its reply; otherwise the unfinished transaction needs RSET before the next.
    private func endUnusedData(_ exchange: Exchange) throws {
        guard exchange.data?.code == 354, connection != nil else { return }
        try write(encode("."), lines: ["."], stage: .messageContent)
        _ = try readReply(.endOfData, timeout: configuration.timeouts.finalDot)
        needsReset = false
    }

    func mailCommand(_ envelope: Envelope, message: [UInt8], capabilities: ServerCapabilities, utf8: Bool) -> String {
        var line = "MAIL FROM:<\(envelope.sender?.address ?? "")>"
        if capabilities.offers("SIZE") { line += " SIZE=\(message.count)" }
        // RFC 6152: declare 8-bit content when there is some and the server knows the keyword.
        if capabilities.eightBitMIME && Self.hasEightBitByte(message) { line += " BODY=8BITMIME" }
        if utf8 { line += " SMTPUTF8" }
        if capabilities.deliveryStatusNotification, let dsn = envelope.deliveryStatusNotification {
            if let ret = dsn.returnContent { line += " RET=\(ret.rawValue)" }
            if let id = dsn.envelopeID { line += " ENVID=\(DSNRequest.xtext(id))" }
        }
        return line
    }

    /// Whether any byte has its high bit set, eight bytes at a time (it runs over every message sent).
    static func hasEightBitByte(_ message: [UInt8]) -> Bool {
        message.withUnsafeBytes { raw in
            let words = raw.count / 8
            var accumulated: UInt64 = 0
            for word in 0..<words { accumulated |= raw.loadUnaligned(fromByteOffset: word * 8, as: UInt64.self) }
            if accumulated & 0x8080_8080_8080_8080 != 0 { return true }
            for index in (words * 8)..<raw.count where raw[index] >= 0x80 { return true }
            return false
        }
    }

    func rcptCommand(_ recipient: Mailbox, dsn: DSNRequest?, capabilities: ServerCapabilities) -> String {
        var line = "RCPT TO:<\(recipient.address)>"
        if capabilities.deliveryStatusNotification, let dsn {
            if !dsn.notify.isEmpty { line += " NOTIFY=" + dsn.notify.map(\.rawValue).joined(separator: ",") }
            // RFC 3461 §4.2: rfc822 addresses are ASCII; a UTF-8 one would need RFC 6533's utf-8-addr.
            if dsn.originalRecipient && !recipient.requiresSMTPUTF8 {
                line += " ORCPT=rfc822;" + DSNRequest.xtext(recipient.address)
            }
        }
        return line
    }
}

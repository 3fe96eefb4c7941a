// One mail transaction (RFC 5321 §3.3): MAIL FROM, RCPT TO for each recipient, DATA with the
// dot-stuffed content. Pipelined when offered (RFC 2920: MAIL, RCPTs and DATA in one write, replies
// read in order). The only place that marks a message `uncertain`.
import Mail

/// The message a caller will send next on a session, handed over early so that its commands can go out
/// behind the current message (`Session.send(_:message:preparingNext:)`).
public struct NextMessage {
    public var envelope: Envelope
    public var message: [UInt8]

    public init(envelope: Envelope, message: [UInt8]) {
        self.envelope = envelope
        self.message = message
    }
}

extension Session {
    /// Sends one message to the envelope's recipients, opening the connection first if needed.
    ///
    /// Returns what the server said about each recipient, or `uncertain` when the content went out
    /// and the final reply never came. Throws only when nothing was handed over (the connection
    /// failed before the end of the content was sent); the session is closed then. A connection
    /// kept from an earlier message that turns out dead (the server timed it out) is reopened once.
    ///
    /// `whileAwaitingReply` runs at most once, while the server answers the transaction's commands (after
    /// they are written, before their replies are read; before the first one without PIPELINING): the
    /// caller's work there (composing and signing its next message) overlaps the round trip. It must not use
    /// this session.
    public func send(_ envelope: Envelope, message: [UInt8], whileAwaitingReply: (() -> Void)? = nil) throws -> DeliveryResult {
        try send(envelope, message: message, preparingNext: whileAwaitingReply.map { hook in { hook(); return nil } })
    }

    /// The same, where `preparingNext` (run like `whileAwaitingReply`) may return the message the caller will
    /// send next on this session. When the server offers PIPELINING, that message's MAIL FROM, RCPT TO and
    /// DATA go out in the same write as this message's content, behind its final dot (RFC 2920 §3.1 lets the
    /// content begin a group of commands), and the next `send` of it reads their replies: the server answers
    /// the dot and them at once, one round trip a message instead of two. Nothing of the next message's
    /// content goes out before its `send`. Any other `send`, `reset` or `close` first reads the announced
    /// replies, and drops the connection when the server already waits for the content.
    public func send(_ envelope: Envelope, message: [UInt8], preparingNext: (() -> NextMessage?)?) throws -> DeliveryResult {
        let reused = connection != nil
        var hook = preparingNext
        func runHook() -> NextMessage? {
            defer { hook = nil }
            return hook?()
        }
        do {
            return try transact(envelope, message: message, preparingNext: runHook)
        } catch let error as SMTPError where reused && error.isTransient && connection == nil {
            note("\(error); reconnecting once")
            return try transact(envelope, message: message, preparingNext: runHook)
        }
    }

    /// What a transaction says to the server, or its result when it cannot be tried on this server at all.
    private enum Plan {
        case refused(DeliveryResult)
        case commands(mail: String, rcpts: [String], tried: [Int], outcomes: [DeliveryResult.RecipientOutcome?])
    }

    private func plan(_ envelope: Envelope, message: [UInt8], capabilities: ServerCapabilities) -> Plan {
        var outcomes = [DeliveryResult.RecipientOutcome?](repeating: nil, count: envelope.recipients.count)
        func refuseAll(_ reason: String) -> Plan {
            let all = envelope.recipients.map {
                DeliveryResult.RecipientOutcome(address: $0.address, disposition: .failed, reply: nil, reason: reason)
            }
            return .refused(DeliveryResult(disposition: .failed, reply: nil, recipients: all, server: peer))
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
        return .commands(mail: mail, rcpts: rcpts, tried: tried, outcomes: outcomes)
    }

    private func transact(_ envelope: Envelope, message: [UInt8], preparingNext: () -> NextMessage?) throws -> DeliveryResult {
        // The commands of this message may already be out, written behind the last one's final dot.
        var alreadyAnnounced = false
        if let announced, connection != nil {
            if case .commands(let mail, let rcpts, _, _) = plan(envelope, message: message, capabilities: capabilities ?? Self.plainCapabilities),
               announced == [mail] + rcpts {
                alreadyAnnounced = true
                self.announced = nil
            } else {
                retireAnnouncement()
            }
        }
        if connection == nil { try open() }
        let capabilities = self.capabilities ?? Self.plainCapabilities
        let mail: String, rcpts: [String], tried: [Int]
        var outcomes: [DeliveryResult.RecipientOutcome?]
        switch plan(envelope, message: message, capabilities: capabilities) {
        case .refused(let result):
            return result
        case .commands(let planned, let plannedRcpts, let plannedTried, let plannedOutcomes):
            (mail, rcpts, tried, outcomes) = (planned, plannedRcpts, plannedTried, plannedOutcomes)
        }

        // The caller prepares its next message while the server answers these commands.
        let next: NextMessage?
        let exchange: Exchange
        if alreadyAnnounced {
            next = preparingNext()
            exchange = try readPipelinedReplies(rcpts: rcpts.count, afterReset: false)
        } else {
            (next, exchange) = try exchangeCommands(mail: mail, rcpts: rcpts, pipelined: capabilities.pipelining, meanwhile: preparingNext)
        }
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
        // The next message's commands go in the same write, behind the final dot (RFC 2920 §3.1: the content
        // may begin a group): the server answers the dot and them at once, one round trip a message.
        var content = MessageData.encode(message)
        var lines = ["<message content: \(content.count) octets>"]
        let announcement = next.flatMap { commandsAnnouncing($0, capabilities: capabilities) }
        if let announcement {
            content += announcement.bytes
            lines += announcement.lines
        }
        try write(content, lines: lines, stage: .messageContent, timeout: configuration.timeouts.dataBlock)
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
        if final.closesConnection {
            abandon()
        } else if let announcement {
            announced = Array(announcement.lines.dropLast())
        }
        for index in accepted {
            let reason = final.isPositive ? nil : SMTPError(.rejected(final), peer: server, stage: .endOfData).description
            outcomes[index] = .init(address: envelope.recipients[index].address, disposition: final.disposition,
                                    reply: final, reason: reason)
        }
        return finish(final.disposition, final)
    }

    /// The next message's MAIL FROM, RCPT TO and DATA as bytes, when the server pipelines and the message can
    /// be tried there.
    private func commandsAnnouncing(_ next: NextMessage, capabilities: ServerCapabilities) -> (lines: [String], bytes: [UInt8])? {
        guard capabilities.pipelining,
              case .commands(let mail, let rcpts, _, _) = plan(next.envelope, message: next.message, capabilities: capabilities)
        else { return nil }
        let lines = [mail] + rcpts + ["DATA"]
        var bytes: [UInt8] = []
        do {
            for line in lines { bytes += try encode(line) }
        } catch {
            return nil
        }
        return (lines, bytes)
    }

    /// Reads the replies of a transaction announced and then not sent (another message came, or the session
    /// ends). The server may wait for content by then: with a recipient accepted, the connection is dropped,
    /// which aborts the transaction (RFC 5321 §3.3); with none, the lone dot of RFC 2920 ends it.
    func retireAnnouncement() {
        guard let lines = announced else { return }
        announced = nil
        guard connection != nil else { return }
        do {
            let exchange = try readPipelinedReplies(rcpts: lines.count - 1, afterReset: false)
            needsReset = true
            guard exchange.data?.code == 354 else { return }
            if exchange.rcpts.contains(where: \.isPositive) {
                note("dropping the connection: the server waits for a message that is not sent now")
                abandon()
            } else {
                try endUnusedData(exchange)
            }
        } catch {
            abandon()
        }
    }

    /// The capabilities assumed when a server answered HELO, not EHLO: no extensions.
    static var plainCapabilities: ServerCapabilities { ServerCapabilities(heloReply: Reply(code: 250, lines: [])) }

    /// The replies of one MAIL/RCPT/DATA exchange; `closing` is a 421 after which nothing more came.
    struct Exchange {
        var mail: Reply?
        var rcpts: [Reply] = []
        var data: Reply?
        var closing: Reply?
    }

    /// Sends MAIL, the RCPTs and DATA (in one write when pipelining) and reads their replies in order.
    /// Without pipelining it stops at the first reply that makes the rest pointless.
    /// `meanwhile` runs once, while the server answers (pipelined) or before the first command.
    private func exchangeCommands(mail: String, rcpts: [String], pipelined: Bool,
                                  meanwhile: () -> NextMessage?) throws -> (NextMessage?, Exchange) {
        if pipelined {
            // RFC 2920 §3.1: RSET, MAIL and RCPT may be anywhere in a group, DATA only last.
            let reset = needsReset
            let lines = (reset ? ["RSET"] : []) + [mail] + rcpts + ["DATA"]
            var bytes: [UInt8] = []
            for line in lines { bytes += try encode(line) }
            try write(bytes, lines: lines, stage: .sending("MAIL FROM"))
            let next = meanwhile()
            return (next, try readPipelinedReplies(rcpts: rcpts.count, afterReset: reset))
        }
        return (meanwhile(), try exchangeOneByOne(mail: mail, rcpts: rcpts))
    }

    /// MAIL, the RCPTs and DATA, each after the reply to the one before; stops when the rest is pointless.
    private func exchangeOneByOne(mail: String, rcpts: [String]) throws -> Exchange {
        let timeouts = configuration.timeouts
        var exchange = Exchange()
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

    /// Reads, in order, the replies to a pipelined group already written: RSET's (when `afterReset`), MAIL
    /// FROM's, one per RCPT TO, and DATA's. A 421 among them stands for the rest.
    private func readPipelinedReplies(rcpts count: Int, afterReset: Bool) throws -> Exchange {
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
        needsReset = true
        if afterReset { _ = try read("RSET", timeouts.command) }
        exchange.mail = try read("MAIL FROM", timeouts.mail)
        for _ in 0..<count {
            if let reply = try read("RCPT TO", timeouts.rcpt) { exchange.rcpts.append(reply) }
        }
        exchange.data = try read("DATA", timeouts.dataInitiation)
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

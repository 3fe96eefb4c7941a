// The `smtp://` and `smtps://` transports: one SMTP session per worker thread, kept open across messages
// (RSET between), through the SMTP module. The password comes from GAZETTE_SMTP_PASSWORD.
import Foundation
import Mail
import SMTP

/// Sends through an SMTP relay.
public struct RelayTransport: Transport {
    public let configuration: RelayConfiguration
    let password: String?

    /// `helo` (`delivery.helo`) is the EHLO name unless the URL gives one (`?helo=`).
    public init(url: String, caFile: String?, environment: [String: String], helo: String? = nil) throws {
        do {
            var configuration = try RelayConfiguration(url: url)
            if let caFile { configuration.caFile = caFile }
            if configuration.heloName == nil { configuration.heloName = helo }
            self.configuration = configuration
        } catch {
            throw DiagnosticError(.error("delivery", "the delivery URL \(url) is not usable: \(error)",
                                         hint: "write smtp://[user@]host[:port] (STARTTLS), smtps://… (TLS), or add ?tls=none for a local test server"))
        }
        password = environment["GAZETTE_SMTP_PASSWORD"]
        if configuration.username != nil, (password ?? "").isEmpty {
            throw DiagnosticError(.error("smtp-password", "the relay URL names the user \(configuration.username ?? "") but GAZETTE_SMTP_PASSWORD is not set",
                                         hint: "set GAZETTE_SMTP_PASSWORD in the environment (a CI secret); it never goes in gazette.yml"))
        }
    }

    public var description: String { configuration.url }

    /// Opens the session at once, so a wrong password or certificate stops the run before anything is sent.
    public func makeSender() throws -> MessageSender {
        let session = try Session(configuration: configuration, password: password)
        do {
            try session.open()
        } catch let error as SMTPError {
            throw DiagnosticError(.error(
                error.isTransient ? "relay-unavailable" : "relay", "cannot start a session with \(configuration.host): \(error)",
                hint: error.isTransient ? "the relay may be down or busy; run again later (the log keeps your place)"
                    : "check the relay URL, GAZETTE_SMTP_PASSWORD and --ca-file; `gazette smtp test` shows the details"))
        }
        return RelaySender(session: session)
    }
}

final class RelaySender: MessageSender {
    let session: Session

    init(session: Session) { self.session = session }

    func send(_ message: OutgoingMessage) -> DeliveryOutcome {
        message.deliver(server: session.peer) { try session.send($0, message: message.bytes) }
    }

    func close() { session.close() }
}

extension OutgoingMessage {
    /// Runs `send` with this message's envelope (return path, its one recipient, DSN with its envelope id).
    /// A bad address is `invalid`; an error thrown means nothing was handed over (the content did not go
    /// out), so it is `deferred`, safe to try again later or elsewhere, with `server` named.
    func deliver(server: @autoclosure () -> String?, _ send: (Envelope) throws -> DeliveryResult) -> DeliveryOutcome {
        let envelope: Envelope
        do {
            envelope = Envelope(sender: try Mailbox(returnPath), recipients: [try Mailbox(recipient)],
                                deliveryStatusNotification: DSNRequest(envelopeID: envelopeID))
        } catch {
            return DeliveryOutcome(status: .invalid, reply: "\(error)")
        }
        do {
            return DeliveryOutcome(result: try send(envelope))
        } catch {
            return DeliveryOutcome(status: .deferred, reply: "\(error)", server: server())
        }
    }
}

extension DeliveryOutcome {
    /// What the log records of a one-recipient transaction: the recipient's RCPT or the DATA reply decides
    /// (5xx failed, never retried elsewhere; 4xx deferred; no final reply after the content uncertain).
    init(result: DeliveryResult) {
        let recipient = result.recipients.first
        let reply = recipient?.reply ?? result.reply
        let status: RecipientStatus
        switch recipient?.disposition ?? result.disposition {
        case .accepted: status = .sent
        case .deferred: status = .deferred
        case .failed: status = .failed
        case .uncertain: status = .uncertain
        }
        self.init(status: status, code: reply?.code, enhancedCode: reply?.enhancedStatusCode?.description,
                  reply: recipient?.reason ?? reply?.text ?? "", server: result.server,
                  isThrottling: reply?.isThrottling ?? false)
    }
}

// The `smtp://` and `smtps://` transports: one SMTP session per worker thread, kept open across messages
// (RSET between), through the SMTP module. The password comes from GAZETTE_SMTP_PASSWORD.
import Foundation
import Mail
import SMTP

/// Sends through an SMTP relay.
public struct RelayTransport: Transport {
    public let configuration: RelayConfiguration
    let password: String?
    /// `configuration.url`, made once: the pacing key and the log ask for it for every message.
    public let description: String

    /// `passwordVariable`: the environment variable with the password (a named transport's `password_env`);
    /// `helo` (`delivery.helo`) is the EHLO name unless the URL gives one (`?helo=`).
    public init(url: String, caFile: String?, environment: [String: String],
                passwordVariable: String = "GAZETTE_SMTP_PASSWORD", helo: String? = nil) throws {
        do {
            var configuration = try RelayConfiguration(url: url)
            if let caFile { configuration.caFile = caFile }
            if configuration.heloName == nil { configuration.heloName = helo }
            self.configuration = configuration
            description = configuration.url
        } catch {
            throw DiagnosticError(.error("delivery", "the delivery URL \(url) is not usable: \(error)",
                                         hint: "write smtp://[user@]host[:port] (STARTTLS), smtps://… (TLS), or add ?tls=none for a local test server"))
        }
        password = environment[passwordVariable]
        if configuration.username != nil, (password ?? "").isEmpty {
            throw DiagnosticError(.error("smtp-password", "the relay URL \(url) names the user \(configuration.username ?? "") but \(passwordVariable) is not set",
                                         hint: "set \(passwordVariable) in the environment (a CI secret); it never goes in gazette.yml"))
        }
    }

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
        send(message, preparingNext: { nil })
    }

    func send(_ message: OutgoingMessage, preparingNext: () -> OutgoingMessage?) -> DeliveryOutcome {
        withoutActuallyEscaping(preparingNext) { hook in
            message.deliver(server: session.peer) { envelope in
                try session.send(envelope, message: message.bytes, preparingNext: {
                    hook().flatMap { next in (try? next.envelope()).map { NextMessage(envelope: $0, message: next.bytes) } }
                })
            }
        }
    }

    func close() { session.close() }
}

// One outgoing message handed to an SMTP sender (relay or direct): its envelope, and what the log
// records when the address is unusable or nothing could be handed over.
import Mail
import SMTP

extension OutgoingMessage {
    /// Runs `send` with this message's envelope (return path, its one recipient, DSN with its envelope id).
    /// A bad address is `invalid`; an error thrown means nothing was handed over (the content did not go
    /// out), so it is `deferred`, safe to try again later or elsewhere, with `server` named.
    func deliver(server: @autoclosure () -> String?, _ send: (Envelope) throws -> DeliveryResult) -> DeliveryOutcome {
        let envelope: Envelope
        do {
            envelope = try self.envelope()
        } catch {
            return DeliveryOutcome(status: .invalid, reply: "\(error)")
        }
        do {
            return DeliveryOutcome(result: try send(envelope))
        } catch {
            return DeliveryOutcome(status: .deferred, reply: "\(error)", server: server(),
                                   isThrottling: (error as? SMTPError)?.asksToSlowDown ?? false)
        }
    }

    /// The SMTP envelope: the return path, this message's one recipient, DSN with its envelope id.
    func envelope() throws -> Envelope {
        Envelope(sender: try Mailbox(returnPath), recipients: [try Mailbox(recipient)],
                 deliveryStatusNotification: DSNRequest(envelopeID: envelopeID))
    }
}

// The `direct` transport: each worker delivers to recipients' MX hosts itself (SMTP's DirectDelivery),
// sharing one DNS cache and one per-domain connection cap for the run. No relay, no password.
import Foundation
import Mail
import SMTP

/// Sends straight to each recipient domain's MX hosts on port 25.
public struct DirectTransport: Transport {
    public let configuration: DirectConfiguration
    /// Shared by all workers: one look-up per domain per TTL for the whole run.
    public let resolver: DNSResolver
    let gate: DomainGate

    public init(settings: DirectSettings) {
        configuration = settings.configuration
        resolver = DNSResolver(server: configuration.dnsServer)
        gate = DomainGate(limit: configuration.connectionsPerDomain)
    }

    public var description: String { configuration.port == 25 ? "direct" : "direct:port=\(configuration.port)" }

    /// One domain's recipients are paced together (the queue paces per server).
    public func pacingKey(forRecipient recipient: String) -> String { DirectSender.domain(of: recipient) }

    /// Many destinations: a dead domain says nothing about the next one, so it must not stop the run.
    public var hasSingleDestination: Bool { false }

    public func makeSender() throws -> MessageSender {
        do {
            return DirectSender(delivery: try DirectDelivery(configuration: configuration, resolver: resolver, gate: gate))
        } catch {
            throw DiagnosticError(.error("direct", "cannot prepare direct delivery: \(error)",
                                         hint: "OpenSSL could not make a TLS context; check the OpenSSL installation"))
        }
    }
}

final class DirectSender: MessageSender {
    let delivery: DirectDelivery

    init(delivery: DirectDelivery) { self.delivery = delivery }

    /// The lower-cased domain after the last "@".
    static func domain(of address: String) -> String {
        guard let at = address.lastIndex(of: "@") else { return address.lowercased() }
        return address[address.index(after: at)...].lowercased()
    }

    /// DirectFailure (no MX host reached or found: DNS trouble, all down) is `deferred`: nothing was sent,
    /// and a fallback transport or a later run may do it.
    func send(_ message: OutgoingMessage) -> DeliveryOutcome {
        message.deliver(server: "direct") {
            try delivery.send($0, domain: Self.domain(of: message.recipient), message: message.bytes)
        }
    }

    func close() { delivery.close() }
}

// `gazette doctor`: looks up what the From domain publishes in DNS (SPF, DKIM, DMARC, MX) and what the project
// configures (DKIM key, relay TLS, one-click unsubscribe), and says what to publish to fix each problem.
// The look-ups go through DoctorLookups (the SMTP module's resolver); the command line only prints the report.
import Foundation
import Mail
import SMTP

/// Checks a project's sending domain.
public struct Doctor: Sendable {
    /// How mail leaves, as far as the doctor cares.
    enum Route: Sendable {
        case relay(RelayConfiguration)
        /// Direct delivery to the recipients' MX hosts, saying `helo` in EHLO.
        case direct(helo: String?)
        case outbox
        case unknown(String)
    }

    let configuration: Configuration
    let environment: [String: String]
    let lookups: any DoctorLookups
    /// The local address toward a destination (the route's source address); injected for tests.
    let outgoingAddress: @Sendable (String) -> String?
    /// This host's EHLO name when none is configured.
    let hostName: String?

    /// A doctor asking `dnsServer` ("ADDRESS" or "ADDRESS:PORT"), or the system's resolvers when nil.
    /// `via` (a name from `delivery.transports` or a delivery URL) checks that delivery instead of the chain's
    /// first. Throws a diagnostic when `dnsServer` cannot be read (a usage error).
    public init(project: Project, environment: [String: String], dnsServer: String? = nil, timeout: Double = 3,
                via: String? = nil) throws {
        var configuration = project.configuration
        if let via {
            let known = configuration.delivery.chain + configuration.delivery.transports.keys
            guard known.contains(via) || via.contains(":") || via == "direct" else {
                throw DiagnosticError(.error("via", "--via \(via): not a delivery of this project",
                                             hint: "name one of \(known.sorted().joined(separator: ", ")), or give a delivery URL"))
            }
            configuration.delivery.chain = [via]
        }
        var server: DNSServer?
        if let dnsServer {
            do {
                server = try DNSServer(parsing: dnsServer)
            } catch {
                throw DiagnosticError(.error("dns-server", "--dns-server: \(error)",
                                             hint: "for example --dns-server 1.1.1.1 or --dns-server 127.0.0.1:5353"))
            }
        }
        self.init(configuration: configuration, environment: environment,
                  lookups: DNSResolver(server: server, timeout: timeout, attempts: 2),
                  outgoingAddress: { OutgoingAddress.toward($0) }, hostName: Session.fullyQualifiedHostName)
    }

    init(configuration: Configuration, environment: [String: String], lookups: any DoctorLookups,
         outgoingAddress: @escaping @Sendable (String) -> String?, hostName: String?) {
        self.configuration = configuration
        self.environment = environment
        self.lookups = lookups
        self.outgoingAddress = outgoingAddress
        self.hostName = hostName
    }

    /// Runs every check. Look-up failures become "could not check" findings; nothing here throws.
    public func run() -> DoctorReport {
        guard let from = try? Mailbox(configuration.sender.address) else {
            let finding = DoctorFinding("sender", configuration.sender.address, .fail,
                                        "sender.address \"\(configuration.sender.address)\" is not an email address",
                                        fix: "write sender: { address: news@example.org } in gazette.yml")
            return DoctorReport(fromDomain: "", returnPathDomain: "", sendingAddressNote: "", findings: [finding])
        }
        let fromDomain = from.domain.lowercased()
        let envelope = configuration.delivery.returnPath.flatMap { try? Mailbox($0) } ?? from
        let returnPathDomain = envelope.domain.lowercased()
        let route = Self.route(configuration)
        let sending = sendingAddresses(route)

        var findings: [DoctorFinding] = []
        var spf: [String: DoctorFinding.Status] = [:]
        for domain in [fromDomain, returnPathDomain].uniqued() {
            let result = checkSPF(domain: domain, sender: envelope.address, sending: sending, route: route)
            findings += result.findings
            spf[domain] = result.authorised
        }
        let dkim = checkDKIM(fromDomain: fromDomain)
        findings += dkim.findings
        let dmarc = checkDMARC(fromDomain: fromDomain, returnPathDomain: returnPathDomain,
                               spf: spf[returnPathDomain] ?? .fail, dkim: dkim)
        findings += dmarc.findings
        for domain in [fromDomain, returnPathDomain].uniqued() { findings.append(checkMX(domain)) }
        findings += checkBulkSender(fromDomain: fromDomain, spf: spf[returnPathDomain] ?? .fail, dkim: dkim,
                                    dmarc: dmarc, route: route, sending: sending)
        var report = DoctorReport(fromDomain: fromDomain, returnPathDomain: returnPathDomain, sendingAddressNote: sending.note,
                                  findings: findings)
        // A chain is checked one delivery at a time: SPF authorisation, TLS and PTR depend on who sends.
        report.checkedDelivery = configuration.delivery.chain.first ?? configuration.delivery.via
        report.otherDeliveries = Array(configuration.delivery.chain.dropFirst())
        return report
    }

    /// The route `delivery.via` names, as Transports reads it; EHLO names from `direct.helo`, the relay URL's
    /// `?helo=` or `delivery.helo`.
    static func route(_ configuration: Configuration) -> Route {
        let via = configuration.delivery.via
        if via.hasPrefix("outbox:") { return .outbox }
        if via == "direct" || via == "direct:" { return .direct(helo: configuration.direct.configuration.heloName) }
        if var relay = try? RelayConfiguration(url: via) {
            relay.heloName = relay.heloName ?? configuration.delivery.helo
            return .relay(relay)
        }
        return .unknown(via)
    }
}

extension Array where Element: Hashable {
    /// The elements in order, each once.
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}

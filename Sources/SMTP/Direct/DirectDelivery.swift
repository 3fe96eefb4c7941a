// Direct delivery for one worker: find the recipient domain's MX hosts (MXRoute), take a slot of
// the domain (DomainGate), and try each host and address in order until one takes the transaction,
// over opportunistic STARTTLS (plain text after a failed handshake when the policy allows it, noted
// in the server field). What each recipient's RCPT and the DATA got is the Session's DeliveryResult.
import Foundation

/// Sends messages straight to recipients' MX hosts; used by one thread, like a Session.
public final class DirectDelivery {
    public let configuration: DirectConfiguration
    private let resolver: DNSResolver
    private let gate: DomainGate
    private let tlsContext: TLSContext
    private let sessions: MXSessionCache
    /// Hosts whose TLS handshake failed, with why: later messages go to them in plain text at once.
    private var plaintextHosts: [String: String] = [:]
    /// Hosts that refused or timed out the connection, until when they are skipped (Postfix's dead-host cache).
    private var unreachable: [String: Date] = [:]
    /// Sessions started so far, one per connection to an MX (tests and benchmarks show reuse with it).
    public private(set) var connectionsOpened = 0

    /// A worker's sender; `resolver` and `gate` are shared by all workers of a run.
    public init(configuration: DirectConfiguration, resolver: DNSResolver, gate: DomainGate) throws {
        self.configuration = configuration
        self.resolver = resolver
        self.gate = gate
        tlsContext = try TLSContext(caFile: nil, verifyingPeer: false)
        sessions = MXSessionCache(capacity: configuration.sessionsPerWorker)
    }

    deinit { sessions.closeAll() }

    /// Delivers a message whose recipients are all at `domain`. Returns the SMTP outcome (a null MX,
    /// NXDOMAIN or a domain without MX and address fails every recipient with 556/550, RFC 7505 §4.2);
    /// throws DirectFailure when no host could be reached or found for now (nothing was sent).
    public func send(_ envelope: Envelope, domain: String, message: [UInt8]) throws -> DeliveryResult {
        let hosts: [MXRoute.Host]
        switch MXRoute.resolve(domain, resolver: resolver) {
        case .noMail(let kind, let reason):
            let nullMX = kind == .nullMX
            let reply = Reply(code: nullMX ? 556 : 550, lines: ["\(nullMX ? "5.1.10" : "5.1.2") \(reason)"])
            let recipients = envelope.recipients.map {
                DeliveryResult.RecipientOutcome(address: $0.address, disposition: .failed, reply: reply, reason: reason)
            }
            return DeliveryResult(disposition: .failed, reply: reply, recipients: recipients, server: "dns")
        case .unavailable(let reason):
            throw DirectFailure(reason)
        case .hosts(let found):
            hosts = found
        }
        let wait = configuration.timeouts.connect + configuration.timeouts.finalDot
        guard gate.enter(domain, timeout: wait) else {
            throw DirectFailure("no connection slot for \(domain) within \(Int(wait)) s (\(gate.limit) at a time)")
        }
        defer { gate.leave(domain) }
        var problems: [String] = []
        for host in hosts {
            // At most a few addresses per host (RFC 5321 §5.1: try several, not all of a long list).
            for address in host.addresses.prefix(4) {
                let key = "\(host.name)|\(address)"
                if let until = unreachable[key], until > Date() {
                    problems.append("\(host.name)[\(address)] unreachable a moment ago")
                    continue
                }
                do {
                    return try deliver(envelope, message: message, host: host, address: address, key: key)
                } catch let error as SMTPError {
                    if error.stage == .connect { unreachable[key] = Date(timeIntervalSinceNow: 60) }
                    problems.append(error.description)
                }
            }
        }
        throw DirectFailure("no MX host of \(domain) took the message: \(problems.joined(separator: "; "))")
    }

    /// QUIT on every open session.
    public func close() { sessions.closeAll() }

    /// One host and address: the kept session, else a new one; STARTTLS failure → plain text if allowed.
    private func deliver(_ envelope: Envelope, message: [UInt8], host: MXRoute.Host, address: String,
                         key: String) throws -> DeliveryResult {
        let plaintextReason = plaintextHosts[key]
        let session = sessions.take(key) ?? makeSession(host: host, address: address, plain: plaintextReason != nil)
        do {
            let result = try session.send(envelope, message: message)
            sessions.keep(session, as: key)
            return noted(result, plaintextReason)
        } catch let error as SMTPError where Self.isTLSFailure(error) && configuration.allowsPlaintextAfterTLSFailure {
            let reason = "the TLS handshake failed (\(error)); sent without TLS"
            plaintextHosts[key] = reason
            let plain = makeSession(host: host, address: address, plain: true)
            let result = try plain.send(envelope, message: message)
            sessions.keep(plain, as: key)
            return noted(result, reason)
        }
    }

    private func noted(_ result: DeliveryResult, _ plaintextReason: String?) -> DeliveryResult {
        guard let plaintextReason else { return result }
        var noted = result
        noted.server += " (\(plaintextReason))"
        return noted
    }

    private func makeSession(host: MXRoute.Host, address: String, plain: Bool) -> Session {
        var relay = RelayConfiguration(host: host.name, port: configuration.port, security: plain ? .none : .opportunistic,
                                       timeouts: configuration.timeouts)
        relay.connectAddress = address
        relay.heloName = configuration.heloName
        connectionsOpened += 1
        return Session(configuration: relay, password: nil, transcript: nil, tlsContext: plain ? nil : tlsContext)
    }

    static func isTLSFailure(_ error: SMTPError) -> Bool {
        if error.stage == .tlsHandshake { return true }
        switch error.reason {
        case .tls, .certificateVerification: return true
        default: return false
        }
    }
}

// How direct delivery talks to recipients' MX hosts: port, EHLO name, DNS server, TLS policy,
// connections per domain, time limits.

/// Settings of direct delivery (`direct:` in gazette.yml).
public struct DirectConfiguration: Sendable, Equatable {
    /// The SMTP port of MX hosts: 25 (RFC 5321 §4.5.4.2); another only for tests or odd networks.
    public var port: Int
    /// Our name in EHLO; nil uses the machine's fully qualified name. It should match the reverse DNS
    /// of the sending address, or receivers grow suspicious.
    public var heloName: String?
    /// The DNS server to ask; nil uses /etc/resolv.conf's.
    public var dnsServer: DNSServer?
    /// When STARTTLS is offered but its handshake fails, send that host the message in plain text
    /// (as MTAs do: opportunistic TLS protects against eavesdropping, not against an active attacker).
    public var allowsPlaintextAfterTLSFailure: Bool
    /// Transactions with one domain at a time, across all workers.
    public var connectionsPerDomain: Int
    /// Open sessions one worker keeps for reuse (least recently used closed first).
    public var sessionsPerWorker: Int
    /// Time limits of each SMTP stage (connect 30 s; the RFC's for the rest).
    public var timeouts: SMTPTimeouts

    public init(port: Int = 25, heloName: String? = nil, dnsServer: DNSServer? = nil,
                allowsPlaintextAfterTLSFailure: Bool = true, connectionsPerDomain: Int = 2,
                sessionsPerWorker: Int = 8, timeouts: SMTPTimeouts = SMTPTimeouts()) {
        self.port = port
        self.heloName = heloName
        self.dnsServer = dnsServer
        self.allowsPlaintextAfterTLSFailure = allowsPlaintextAfterTLSFailure
        self.connectionsPerDomain = min(max(1, connectionsPerDomain), 64)
        self.sessionsPerWorker = min(max(1, sessionsPerWorker), 64)
        self.timeouts = timeouts
    }
}

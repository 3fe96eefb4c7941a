// How long each step of the dialogue may take. Defaults are RFC 5321 §4.5.3.2's, except connect
// (the RFC's 5 minutes is far too long for a person waiting on a publish run).

/// Per-stage time limits in seconds; every wait of the client is bounded by one of these.
public struct SMTPTimeouts: Sendable, Equatable {
    /// Opening the TCP connection (all addresses together): 30 s.
    public var connect: Double = 30
    /// The 220 greeting, §4.5.3.2.1: 5 min.
    public var greeting: Double = 300
    /// EHLO, STARTTLS, the TLS handshake, AUTH, RSET, QUIT (not fixed by the RFC): 5 min.
    public var command: Double = 300
    /// MAIL, §4.5.3.2.2: 5 min.
    public var mail: Double = 300
    /// RCPT, §4.5.3.2.3: 5 min.
    public var rcpt: Double = 300
    /// The 354 after DATA, §4.5.3.2.4: 2 min.
    public var dataInitiation: Double = 120
    /// Each write of the content making progress, §4.5.3.2.5: 3 min.
    public var dataBlock: Double = 180
    /// The reply after the final ".", §4.5.3.2.6: 10 min.
    public var finalDot: Double = 600

    /// RFC 5321's values (connect 30 s).
    public init() {}

    /// Every limit set to `seconds` (tests use short ones).
    public init(all seconds: Double) {
        connect = seconds
        greeting = seconds
        command = seconds
        mail = seconds
        rcpt = seconds
        dataInitiation = seconds
        dataBlock = seconds
        finalDot = seconds
    }
}

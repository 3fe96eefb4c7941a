// Why a DNS look-up gave no records. The permanent ones (NXDOMAIN, no data) are facts about the
// domain; the others are problems of the moment that a later try may not have.

/// A look-up that gave no usable answer; each case carries the name asked about or the detail.
public enum DNSFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// NXDOMAIN: the name does not exist.
    case noSuchDomain(String)
    /// The name exists but has no record of the type asked for (NOERROR, empty answer).
    case noData(String)
    /// The server answered SERVFAIL or REFUSED (or another error code).
    case serverFailure(String)
    /// No answer within the time limit from any server.
    case timeout(String)
    /// The answer could not be parsed (or was truncated with no way to get it whole).
    case malformedAnswer(String)
    /// No server to ask: no name server configured, a socket that cannot be made, a name that cannot be asked.
    case resolverUnavailable(String)

    /// True for NXDOMAIN and no data: asking again will not change the answer before its TTL.
    public var isPermanent: Bool {
        switch self {
        case .noSuchDomain, .noData: return true
        default: return false
        }
    }

    public var description: String {
        switch self {
        case .noSuchDomain(let name): return "\(name) does not exist (NXDOMAIN)"
        case .noData(let name): return "\(name) exists but has no record of that type"
        case .serverFailure(let detail): return "the DNS server failed: \(detail)"
        case .timeout(let detail): return "no DNS answer in time: \(detail)"
        case .malformedAnswer(let detail): return "malformed DNS answer: \(detail)"
        case .resolverUnavailable(let detail): return "no DNS resolver available: \(detail)"
        }
    }
}

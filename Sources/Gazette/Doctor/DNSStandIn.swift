// Stand-ins for the SMTP module's DNS types (branch wip/dns) until that branch is merged; deleted then.
// Same names and shapes as the resolver's public API, so the doctor's code does not change at the merge.

struct DNSServer: Sendable, Equatable {
    var host: String
    var port: Int
    init(host: String, port: Int = 53) { (self.host, self.port) = (host, port) }
    init(parsing text: String) throws {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]) else {
            self.init(host: text)
            return
        }
        self.init(host: String(text[..<colon]), port: port)
    }
}

struct MXRecord: Sendable, Equatable {
    var preference: Int
    var exchange: String
}

struct DNSAnswer<Value: Sendable>: Sendable {
    var value: Value
    var ttl: Int
}

enum DNSFailure: Error, Sendable, Equatable, CustomStringConvertible {
    case noSuchDomain(String), noData(String), serverFailure(String), timeout(String), malformedAnswer(String),
         resolverUnavailable(String)
    var description: String {
        switch self {
        case .noSuchDomain(let name): "\(name) does not exist (NXDOMAIN)"
        case .noData(let name): "\(name) has no records of that type"
        case .serverFailure(let name): "the DNS server failed to answer for \(name) (SERVFAIL)"
        case .timeout(let name): "no answer for \(name) in time"
        case .malformedAnswer(let name): "a malformed answer for \(name)"
        case .resolverUnavailable(let reason): "no DNS resolver: \(reason)"
        }
    }
}

final class DNSResolver: Sendable {
    init(server: DNSServer? = nil, timeout: Double = 3, attempts: Int = 2) {}
    func mx(_ domain: String) throws(DNSFailure) -> DNSAnswer<[MXRecord]> { throw .resolverUnavailable("not merged yet") }
    func addresses(_ host: String) throws(DNSFailure) -> DNSAnswer<[String]> { throw .resolverUnavailable("not merged yet") }
    func txt(_ name: String) throws(DNSFailure) -> DNSAnswer<[String]> { throw .resolverUnavailable("not merged yet") }
    func ptr(_ address: String) throws(DNSFailure) -> DNSAnswer<[String]> { throw .resolverUnavailable("not merged yet") }
}

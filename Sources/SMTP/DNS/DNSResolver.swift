// Looks up MX, A/AAAA, TXT and PTR records for direct delivery, `subscribers validate --check-mx` and
// doctor: through the system's name servers (/etc/resolv.conf, read by libresolv's res_ninit) or one
// given server. Answers are cached per resolver for their TTL, failures briefly.
internal import CResolv
import Foundation

/// A caching stub resolver; `Sendable`, any thread may call it.
///
/// The look-ups use typed throws: each throws only `DNSFailure`.
public final class DNSResolver: Sendable {
    /// The servers asked, in order (the configured one, or resolv.conf's).
    public let servers: [DNSServer]
    /// Seconds to wait for each server's reply.
    public let timeout: Double
    /// Rounds over all servers before giving up.
    public let attempts: Int
    /// Seconds a SERVFAIL, timeout or malformed answer is remembered (RFC 2308 §7.1 allows up to 5 minutes).
    public let failureTTL: Int
    private let unavailable: String?
    private let cache: DNSCache

    /// A resolver asking `server`, or the system's name servers when nil.
    public init(server: DNSServer? = nil, timeout: Double = 3, attempts: Int = 2, cacheLimit: Int = 10_000, failureTTL: Int = 30) {
        self.timeout = min(max(0.05, timeout), 60)
        self.attempts = min(max(1, attempts), 10)
        self.failureTTL = max(0, failureTTL)
        cache = DNSCache(limit: cacheLimit)
        if let server {
            servers = [server]
            unavailable = nil
        } else {
            let system = Self.systemServers()
            servers = system
            unavailable = system.isEmpty ? "no name server in /etc/resolv.conf (or res_ninit failed)" : nil
        }
    }

    /// Questions sent and answered from the cache so far.
    public var statistics: DNSStatistics { cache.statistics }

    /// The domain's MX records, by preference (then name). Throws noData when there is none (use the
    /// implicit MX then, RFC 5321 §5.1); a null MX (RFC 7505) comes back as a record with exchange "".
    public func mx(_ domain: String) throws(DNSFailure) -> DNSAnswer<[MXRecord]> {
        let answer = try ask(domain, .mx)
        var records: [MXRecord] = []
        for case .mx(let preference, let exchange) in answer.value {
            records.append(MXRecord(preference: preference, exchange: exchange.lowercased()))
        }
        records.sort { ($0.preference, $0.exchange) < ($1.preference, $1.exchange) }
        return DNSAnswer(value: records, ttl: answer.ttl)
    }

    /// The host's IPv4 then IPv6 addresses, textual. Throws noSuchDomain, or noData when it has neither.
    public func addresses(_ host: String) throws(DNSFailure) -> DNSAnswer<[String]> {
        var found: [String] = []
        var ttl = Int.max
        var problem: DNSFailure?
        for type in [DNSRecordType.a, .aaaa] {
            do {
                let answer = try ask(host, type)
                for case .address(let text) in answer.value { found.append(text) }
                ttl = min(ttl, answer.ttl)
            } catch {
                if case .noSuchDomain = error { throw error }
                if case .noData = error { continue }
                problem = problem ?? error
            }
        }
        if found.isEmpty { throw problem ?? .noData(host) }
        return DNSAnswer(value: found, ttl: ttl)
    }

    /// Each TXT record's character-strings joined (RFC 7208 §3.3: SPF records split at 255 bytes).
    public func txt(_ name: String) throws(DNSFailure) -> DNSAnswer<[String]> {
        let answer = try ask(name, .txt)
        var texts: [String] = []
        for case .strings(let parts) in answer.value {
            texts.append(String(decoding: parts.joined(), as: UTF8.self))
        }
        return DNSAnswer(value: texts, ttl: answer.ttl)
    }

    /// The names of an IPv4 or IPv6 address (reverse DNS under in-addr.arpa / ip6.arpa).
    public func ptr(_ address: String) throws(DNSFailure) -> DNSAnswer<[String]> {
        guard let name = DNSQuery.reverseName(of: address) else { throw .noSuchDomain("\(address) (not an IP address)") }
        let answer = try ask(name, .ptr)
        var names: [String] = []
        for case .name(let target) in answer.value { names.append(target) }
        return DNSAnswer(value: names, ttl: answer.ttl)
    }

    // MARK: - Questions

    /// The records of `type` for `name`, from the cache or the servers.
    func ask(_ name: String, _ type: DNSRecordType) throws(DNSFailure) -> DNSAnswer<[DNSMessage.RecordData]> {
        var normalized = name.lowercased()
        if normalized.hasSuffix(".") { normalized.removeLast() }
        let result = cache.value(for: "\(type) \(normalized)", wait: timeout * Double(attempts * max(1, servers.count)) + 1) {
            resolve(normalized, type)
        }
        return try result.get()
    }

    /// Asks each server in turn, `attempts` rounds, until one gives a usable reply; with the seconds
    /// to keep the result: the records' TTL, the SOA's negative TTL (RFC 2308 §5, else 60 s), or `failureTTL`.
    private func resolve(_ name: String, _ type: DNSRecordType) -> (DNSQuestionResult, seconds: Int) {
        if let unavailable { return (.failure(.resolverUnavailable(unavailable)), failureTTL) }
        let query: DNSQuery
        do { query = try DNSQuery(name: name, type: type) } catch { return (.failure(error), 3600) }
        var last: DNSFailure = .timeout("\(type) \(name): no answer")
        var timedOut: [String] = []
        for _ in 0..<attempts {
            for server in servers {
                let reply: [UInt8]
                do {
                    reply = try DNSExchange.ask(query, server: server, timeout: timeout)
                } catch {
                    switch error {
                    case .timedOut: timedOut.append(server.description)
                    case .unreachable(let detail): last = .resolverUnavailable(detail)
                    case .truncated(let detail): last = .malformedAnswer("\(type) \(name): \(detail)")
                    }
                    continue
                }
                let message: DNSMessage
                do { message = try DNSMessage(reply, name: "\(type) \(name) from \(server)") } catch {
                    last = error
                    continue
                }
                switch message.rcode {
                case 0:
                    let records = message.answers.filter { $0.type == type.rawValue }
                    guard !records.isEmpty else { return (.failure(.noData(name)), Self.negative(message)) }
                    let ttl = min(max(0, records.map(\.ttl).min() ?? 0), 86_400)
                    return (.success(DNSAnswer(value: records.map(\.data), ttl: ttl)), ttl)
                case 3:
                    return (.failure(.noSuchDomain(name)), Self.negative(message))
                default:
                    let code = [1: "FORMERR", 2: "SERVFAIL", 4: "NOTIMP", 5: "REFUSED"][message.rcode] ?? "RCODE \(message.rcode)"
                    last = .serverFailure("\(server) answered \(code) for \(type) \(name)")
                }
            }
        }
        if case .timeout = last, !timedOut.isEmpty {
            let servers = Array(Set(timedOut)).sorted().joined(separator: ", ")
            let detail = "\(type) \(name): no reply from \(servers) within \(SMTPError.format(timeout)) s (\(attempts) attempt(s))"
            return (.failure(.timeout(detail)), failureTTL)
        }
        return (.failure(last), failureTTL)
    }

    /// RFC 2308 §5: a negative answer is kept for the SOA's TTL or MINIMUM, whichever is less (at most 3 h).
    private static func negative(_ message: DNSMessage) -> Int { min(max(0, message.negativeTTL ?? 60), 10_800) }

    /// resolv.conf's name servers through libresolv.
    private static func systemServers() -> [DNSServer] {
        var buffer = [CChar](repeating: 0, count: 1024)
        var timeout: Int32 = 0, attempts: Int32 = 0
        let count = gazette_res_system_servers(&buffer, buffer.count, &timeout, &attempts)
        guard count > 0 else { return [] }
        let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return text.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: " ")
            guard parts.count == 2, let port = Int(parts[1]) else { return nil }
            return DNSServer(host: String(parts[0]), port: port)
        }
    }
}

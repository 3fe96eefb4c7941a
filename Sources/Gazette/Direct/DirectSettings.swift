// `direct:` in gazette.yml: how direct delivery (`delivery.via: direct`) reaches recipients' MX hosts.
import SMTP

/// Settings of direct delivery, read from `direct:`; the defaults are what MTAs do.
public struct DirectSettings: Sendable, Equatable {
    /// Port, EHLO name, DNS server, TLS policy, connections per domain, time limits.
    public var configuration = DirectConfiguration()

    public init() {}

    static let knownKeys = ["helo", "dns_server", "port", "plaintext_fallback", "per_domain", "connect_timeout"]

    /// Reads `direct:`; `deliveryHelo` (`delivery.helo`) is the EHLO name when `direct.helo` is not set.
    init(direct: YAMLReader?, deliveryHelo: String?) throws {
        configuration.heloName = deliveryHelo
        guard let direct else { return }
        for key in direct.keys where !Self.knownKeys.contains(key) {
            throw DiagnosticError(.error("setting-unknown", "unknown setting `direct.\(key)`", at: direct.location(ofKey: key),
                                         hint: "known settings: \(Self.knownKeys.joined(separator: ", "))"))
        }
        if let helo = try direct.string("helo") { configuration.heloName = helo }
        if let text = try direct.string("dns_server") {
            do {
                configuration.dnsServer = try DNSServer(parsing: text)
            } catch {
                throw DiagnosticError(.error("setting-invalid", "`direct.dns_server`: \(error)", at: direct.location(ofKey: "dns_server"),
                                             hint: "leave it out to use the system's resolver (/etc/resolv.conf)"))
            }
        }
        if let port = try direct.int("port") {
            guard (1...65535).contains(port) else {
                throw DiagnosticError(.error("setting-invalid", "`direct.port` is \(port); it must be 1 to 65535",
                                             at: direct.location(ofKey: "port"), hint: "MX hosts listen on 25; leave it out"))
            }
            configuration.port = port
        }
        if let fallback = try direct.bool("plaintext_fallback") { configuration.allowsPlaintextAfterTLSFailure = fallback }
        if let perDomain = try direct.int("per_domain") {
            guard (1...64).contains(perDomain) else {
                throw DiagnosticError(.error("setting-invalid", "`direct.per_domain` is \(perDomain); it must be 1 to 64",
                                             at: direct.location(ofKey: "per_domain"), hint: "2 to 4 is polite to small MX hosts"))
            }
            configuration.connectionsPerDomain = perDomain
        }
        if let seconds = try direct.double("connect_timeout") {
            guard seconds > 0 && seconds <= 300 else {
                throw DiagnosticError(.error("setting-invalid", "`direct.connect_timeout` must be more than 0 and at most 300 seconds",
                                             at: direct.location(ofKey: "connect_timeout")))
            }
            configuration.timeouts.connect = seconds
        }
    }
}

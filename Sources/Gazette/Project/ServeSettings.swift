// The `serve:` block of gazette.yml: what `gazette serve` needs beyond its flags. `trusted_proxies` lists the
// reverse proxies whose X-Forwarded-For and Forwarded headers name the client (docs/serve.md, "Behind a reverse
// proxy"); a request from any other peer is its own client, whatever headers it sends.
import Foundation

/// The `serve:` settings.
public struct ServeSettings: Sendable, Equatable {
    /// Peers (addresses or CIDR ranges) trusted to say who their client is.
    public var trustedProxies: [IPRange] = []

    static let known = ["trusted_proxies"]

    public init() {}

    init(reading reader: YAMLReader?) throws {
        guard let reader else { return }
        for key in reader.keys where !Self.known.contains(key) {
            throw DiagnosticError(.error("setting-unknown", "unknown serve setting `serve.\(key)`", at: reader.location(ofKey: key),
                                         hint: "known settings: \(Self.known.joined(separator: ", "))"))
        }
        for text in try reader.strings("trusted_proxies") ?? [] {
            guard let range = IPRange(text.trimmingCharacters(in: .whitespaces)) else {
                throw DiagnosticError(.error("setting-invalid", "`serve.trusted_proxies` has \"\(text)\", which is not an IP address or range",
                                             at: reader.location(ofKey: "trusted_proxies"),
                                             hint: "list the proxies' addresses, like [127.0.0.1, \"::1\", 10.0.0.0/8]"))
            }
            trustedProxies.append(range)
        }
    }
}

// Who the client of a request is: the TCP peer, unless the peer is a trusted proxy (`serve.trusted_proxies`,
// or loopback with --trust-forwarded-for); then the nearest address its Forwarded (RFC 7239) or
// X-Forwarded-For header names that is not itself a trusted proxy, read from the right, since each proxy
// appends. A client's own forged header is never believed: its peer is not trusted, or its entries lie left of
// the one the trusted proxy appended.
import Foundation
import Gazette
import Hummingbird

/// Resolves the client address of requests for the rate limits, the consent record and machine opens.
struct ClientAddress: Sendable {
    let trusted: [IPRange]

    /// 127.0.0.0/8 and ::1: what `--trust-forwarded-for` trusts (a proxy on the same host).
    static let loopback = ["127.0.0.0/8", "::1"].compactMap(IPRange.init)

    func isTrusted(_ address: String) -> Bool { trusted.contains { $0.contains(address) } }

    /// The client of a request from `peer` (nil: not known, e.g. a Unix socket).
    func client(peer: String?, headers: HTTPFields) -> String? {
        guard let peer, isTrusted(peer) else { return peer }
        let named = headers[.init("Forwarded")!].map(Self.forwardedFor) ?? headers[.init("X-Forwarded-For")!].map(Self.forwardedForList) ?? []
        for address in named.reversed() {
            guard IPRange.isAddress(address) else { return peer }  // `unknown`, an obfuscated name: stop at what we know
            if !isTrusted(address) { return address }
        }
        return named.first ?? peer  // every hop trusted: the first one the chain names
    }

    /// The entries of X-Forwarded-For, in order: `203.0.113.7, 10.0.0.2`.
    static func forwardedForList(_ value: String) -> [String] {
        value.split(separator: ",").map { strip(String($0)) }.filter { !$0.isEmpty }
    }

    /// The `for=` of each element of a Forwarded header (RFC 7239 §4), in order: `for=192.0.2.60;proto=https,
    /// for="[2001:db8::17]:4711"` gives 192.0.2.60 and 2001:db8::17.
    static func forwardedFor(_ value: String) -> [String] {
        value.split(separator: ",").compactMap { element in
            for pair in element.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces).lowercased() == "for" else { continue }
                return strip(String(parts[1]))
            }
            return nil
        }
    }

    /// An address without quotes, brackets and port: `"[2001:db8::17]:4711"` → `2001:db8::17`, `192.0.2.1:80` → `192.0.2.1`.
    static func strip(_ raw: String) -> String {
        var text = raw.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("\""), text.hasSuffix("\""), text.count >= 2 { text = String(text.dropFirst().dropLast()) }
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") { return String(text[text.index(after: text.startIndex)..<close]) }
        if text.filter({ $0 == ":" }).count == 1, let colon = text.firstIndex(of: ":") { return String(text[..<colon]) }  // IPv4:port
        return text
    }
}

// A DNS server to ask instead of the system's (`direct.dns_server`, `--dns-server`): an IP address and
// a port. Names are refused: resolving the resolver's own address would need a resolver.
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The address and port of a DNS server.
public struct DNSServer: Sendable, Equatable, CustomStringConvertible {
    /// An IPv4 or IPv6 address, textual (no brackets).
    public var host: String
    /// The UDP and TCP port, 53 unless a test server says otherwise.
    public var port: Int

    /// A server by parts; `host` is expected to be an IP address.
    public init(host: String, port: Int = 53) {
        self.host = host
        self.port = port
    }

    /// Parses `127.0.0.1:5353`, `[::1]:53`, `9.9.9.9` or `::1`. Throws `DNSServer.InvalidServer`.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        var host = Substring(trimmed)
        var portText: Substring?
        if trimmed.hasPrefix("[") {
            guard let close = trimmed.firstIndex(of: "]") else { throw InvalidServer(text: text, problem: "an IPv6 address without \"]\"") }
            host = trimmed[trimmed.index(after: trimmed.startIndex)..<close]
            let after = trimmed[trimmed.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw InvalidServer(text: text, problem: "unexpected text after \"]\"") }
                portText = after.dropFirst()
            }
        } else if trimmed.filter({ $0 == ":" }).count == 1, let colon = trimmed.firstIndex(of: ":") {
            host = trimmed[..<colon]
            portText = trimmed[trimmed.index(after: colon)...]
        }
        guard Self.family(of: String(host)) != nil else {
            throw InvalidServer(text: text, problem: "\"\(host)\" is not an IP address")
        }
        var port = 53
        if let portText {
            guard let value = Int(portText), (1...65535).contains(value) else {
                throw InvalidServer(text: text, problem: "a bad port \"\(portText)\"")
            }
            port = value
        }
        self.init(host: String(host), port: port)
    }

    /// `127.0.0.1:5353`, `[::1]:53`.
    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// AF_INET or AF_INET6 for an address literal, nil for anything else.
    static func family(of host: String) -> Int32? {
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 { return AF_INET }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 { return AF_INET6 }
        return nil
    }

    /// A server address that cannot be used, with what is wrong with it.
    public struct InvalidServer: Error, Sendable, Equatable, CustomStringConvertible {
        public let text: String
        public let problem: String
        public var description: String {
            "the DNS server \"\(text)\" is not usable: \(problem) (write an address, like 127.0.0.1:5353 or [::1]:53)"
        }
    }
}

// An IPv4 or IPv6 address as bytes, for SPF's ip4/ip6/a/mx matching with CIDR prefixes and for reverse names.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IP address: 4 bytes (IPv4) or 16 (IPv6).
struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    let bytes: [UInt8]
    let text: String

    /// 192.0.2.1 (RFC 5737's documentation range), for checking macros without a real address.
    static let documentation = IPAddress(bytes: [192, 0, 2, 1], text: "192.0.2.1")

    private init(bytes: [UInt8], text: String) {
        self.bytes = bytes
        self.text = text
    }

    /// Parses dotted IPv4 or RFC 4291 IPv6 text (inet_pton); nil for anything else.
    init?(_ text: String) {
        var four = in_addr(), sixteen = in6_addr()
        if inet_pton(AF_INET, text, &four) == 1 {
            bytes = withUnsafeBytes(of: &four) { Array($0) }
        } else if inet_pton(AF_INET6, text, &sixteen) == 1 {
            bytes = withUnsafeBytes(of: &sixteen) { Array($0) }
        } else {
            return nil
        }
        self.text = text
    }

    var isIPv4: Bool { bytes.count == 4 }
    var description: String { text }

    /// IPv4 written as an IPv4-mapped IPv6 address (::ffff:a.b.c.d) is the IPv4 address (RFC 7208 §5).
    var unmapped: IPAddress {
        guard bytes.count == 16, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF,
              let four = IPAddress(bytes[12...].map(String.init).joined(separator: ".")) else { return self }
        return four
    }

    /// Whether the first `prefix` bits equal those of `network` (same family only).
    func isIn(_ network: IPAddress, prefix: Int) -> Bool {
        let lhs = unmapped.bytes, rhs = network.unmapped.bytes
        guard lhs.count == rhs.count, prefix >= 0, prefix <= lhs.count * 8 else { return false }
        for index in 0..<(prefix / 8) where lhs[index] != rhs[index] { return false }
        let rest = prefix % 8
        guard rest > 0 else { return true }
        let mask = UInt8(0xFF) << UInt8(8 - rest)
        return lhs[prefix / 8] & mask == rhs[prefix / 8] & mask
    }

    /// Private, loopback, link-local, shared (CGNAT) or unique-local: not what the Internet sees.
    var isPrivate: Bool {
        let address = unmapped
        let ranges = address.isIPv4
            ? [("10.0.0.0", 8), ("172.16.0.0", 12), ("192.168.0.0", 16), ("127.0.0.0", 8), ("169.254.0.0", 16), ("100.64.0.0", 10)]
            : [("::1", 128), ("fc00::", 7), ("fe80::", 10)]
        return ranges.contains { range in IPAddress(range.0).map { address.isIn($0, prefix: range.1) } ?? false }
    }

    /// The name of its PTR record: `4.3.2.1.in-addr.arpa` or the nibbles under `ip6.arpa`.
    var reverseName: String {
        let address = unmapped
        if address.isIPv4 { return address.bytes.reversed().map(String.init).joined(separator: ".") + ".in-addr.arpa" }
        return dottedNibbles.split(separator: ".").reversed().joined(separator: ".") + ".ip6.arpa"
    }

    /// IPv6 as 32 dot-separated nibbles, most significant first (SPF's `%{i}` for IPv6, RFC 7208 §7.3).
    var dottedNibbles: String {
        let digits = Array("0123456789abcdef")
        return bytes.flatMap { [String(digits[Int($0 >> 4)]), String(digits[Int($0 & 0x0F)])] }.joined(separator: ".")
    }
}

// The bytes of one DNS question (RFC 1035 §4.1): a header asking for recursion and the name, type and
// class; and the reverse-lookup names of addresses (RFC 1035 §3.5, RFC 3596 §2.5).
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One query message, ready for UDP (TCP adds a two-byte length in front).
struct DNSQuery {
    let id: UInt16
    let name: String
    let type: DNSRecordType
    let bytes: [UInt8]

    /// Encodes `name` (ASCII labels of 1…63 bytes, 255 in all); throws noSuchDomain for a name DNS cannot hold.
    init(name: String, type: DNSRecordType, id: UInt16 = UInt16.random(in: 0...UInt16.max)) throws(DNSFailure) {
        self.id = id
        self.name = name
        self.type = type
        var bytes: [UInt8] = [UInt8(id >> 8), UInt8(id & 0xFF), 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]  // RD, QDCOUNT 1
        let trimmed = name.hasSuffix(".") ? String(name.dropLast()) : name
        var length = 1
        if !trimmed.isEmpty {
            for label in trimmed.split(separator: ".", omittingEmptySubsequences: false) {
                let utf8 = Array(label.utf8)
                guard (1...63).contains(utf8.count), utf8.allSatisfy({ $0 > 32 && $0 < 127 }) else {
                    throw .noSuchDomain(name)
                }
                bytes.append(UInt8(utf8.count))
                bytes.append(contentsOf: utf8)
                length += utf8.count + 1
            }
        }
        guard length <= 255 else { throw .noSuchDomain(name) }
        bytes.append(0)
        bytes += [UInt8(type.rawValue >> 8), UInt8(type.rawValue & 0xFF), 0, 1]  // QTYPE, QCLASS IN
        self.bytes = bytes
    }

    /// `4.3.2.1.in-addr.arpa` for 1.2.3.4, the nibble form under `ip6.arpa` for IPv6; nil when not an address.
    static func reverseName(of address: String) -> String? {
        var v4 = in_addr()
        if inet_pton(AF_INET, address, &v4) == 1 {
            let value = UInt32(bigEndian: v4.s_addr)
            return [0, 8, 16, 24].map { String((value >> UInt32($0)) & 0xFF) }.joined(separator: ".") + ".in-addr.arpa"
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, address, &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: v6) { Array($0) }
        let digits = "0123456789abcdef".map { String($0) }
        var nibbles: [String] = []
        for byte in bytes.reversed() {
            nibbles.append(digits[Int(byte & 0x0F)])
            nibbles.append(digits[Int(byte >> 4)])
        }
        return nibbles.joined(separator: ".") + ".ip6.arpa"
    }
}

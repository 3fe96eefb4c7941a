// A CIDR range of IP addresses (`17.0.0.0/8`, `2620:149::/32`, or one address): the machine-open ranges of
// tracking and the trusted proxies of `gazette serve` are both lists of these.

/// An IPv4 or IPv6 network and its prefix length.
public struct IPRange: Sendable, Equatable {
    let network: IPAddress
    let prefix: Int

    /// Parses `address/prefix` or a bare address (all its bits); nil for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let address = IPAddress(String(parts[0])) else { return nil }
        let bits = address.isIPv4 ? 32 : 128
        guard parts.count == 2 else {
            self.init(network: address, prefix: bits)
            return
        }
        guard let prefix = Int(parts[1]), (0...bits).contains(prefix) else { return nil }
        self.init(network: address, prefix: prefix)
    }

    init(network: IPAddress, prefix: Int) {
        self.network = network
        self.prefix = prefix
    }

    /// Whether `text` is one IPv4 or IPv6 address (no range, no port).
    public static func isAddress(_ text: String) -> Bool { IPAddress(text) != nil }

    /// Whether the address written as `text` is in the range (IPv4-mapped IPv6 counts as its IPv4 address).
    public func contains(_ text: String) -> Bool {
        IPAddress(text).map(contains) ?? false
    }

    func contains(_ address: IPAddress) -> Bool {
        address.isIn(network, prefix: prefix)
    }
}

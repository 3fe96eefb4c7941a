// Which local address this host sends from toward a destination, as the kernel's routing table picks it:
// a UDP socket is "connected" (no packet leaves) and asked its name. Behind NAT the Internet sees another one.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The source address of the route to a destination.
public enum OutgoingAddress {
    /// The numeric local address used to reach `destination` (an IPv4 or IPv6 address), or nil without a route.
    public static func toward(_ destination: String) -> String? {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_DGRAM.rawValue)
        hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(destination, "53", &hints, &list) == 0, let list else { return nil }
        defer { freeaddrinfo(list) }
        let fd = socket(list.pointee.ai_family, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        let socket = Socket(takingOwnershipOf: fd)
        guard connect(socket.descriptor, list.pointee.ai_addr, list.pointee.ai_addrlen) == 0 else { return nil }
        return socket.localAddress
    }
}

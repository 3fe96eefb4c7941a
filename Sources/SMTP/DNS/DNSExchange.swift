// One question to one server and its reply: over UDP (a connected socket, so only that server's
// datagrams arrive; replies with another id are ignored), then over TCP when the reply is truncated
// (RFC 1035 §4.2.2, RFC 7766). Every wait is bounded by the deadline given.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Sends queries; has no state of its own, so any thread may call it.
enum DNSExchange {
    /// Why one server gave no reply (the resolver tries the next one).
    enum Failure: Error {
        case timedOut
        case unreachable(String)
        /// The UDP reply was truncated and the whole one could not be had over TCP.
        case truncated(String)
    }

    /// The reply bytes to `query` from `server`, trying TCP when the UDP reply has TC set.
    static func ask(_ query: DNSQuery, server: DNSServer, timeout: Double) throws(Failure) -> [UInt8] {
        let reply = try overUDP(query, server: server, deadline: Deadline(seconds: timeout))
        guard let header = DNSMessage.header(reply), header.truncated else { return reply }
        do {
            return try overTCP(query, server: server, deadline: Deadline(seconds: timeout))
        } catch .timedOut {
            throw .truncated("the UDP reply was truncated and TCP gave no reply in time")
        } catch .unreachable(let detail), .truncated(let detail) {
            throw .truncated("the UDP reply was truncated: \(detail)")
        }
    }

    private static func overUDP(_ query: DNSQuery, server: DNSServer, deadline: Deadline) throws(Failure) -> [UInt8] {
        guard let family = DNSServer.family(of: server.host) else { throw .unreachable("\(server) is not an IP address") }
        let descriptor = socket(family, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard descriptor >= 0 else { throw .unreachable("socket: \(String(cString: strerror(errno)))") }
        let socket = Socket(takingOwnershipOf: descriptor)
        guard connect(descriptor, to: server, family: family) else {
            throw .unreachable("connect to \(server): \(String(cString: strerror(errno)))")
        }
        let sent = query.bytes.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == query.bytes.count else { throw .unreachable("send to \(server): \(String(cString: strerror(errno)))") }
        var buffer = [UInt8](repeating: 0, count: 65_535)
        // Each pass reads one datagram or waits (bounded); stray datagrams cannot keep it going past the deadline.
        for _ in 0..<10_000 {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                let reply = Array(buffer[0..<count])
                if let header = DNSMessage.header(reply), header.id == query.id, header.isResponse { return reply }
                continue  // not ours (late reply to an earlier query, or garbage): keep waiting
            }
            switch errno {
            case EAGAIN, EWOULDBLOCK:
                do { try socket.wait(for: Int16(POLLIN), deadline: deadline) } catch { throw .timedOut }
            case EINTR: continue
            case ECONNREFUSED: throw .unreachable("\(server) refused the query (nothing listens on that port)")
            default: throw .unreachable("receive from \(server): \(String(cString: strerror(errno)))")
            }
            if deadline.hasPassed { throw .timedOut }
        }
        throw .timedOut
    }

    private static func overTCP(_ query: DNSQuery, server: DNSServer, deadline: Deadline) throws(Failure) -> [UInt8] {
        let socket: Socket
        do {
            (socket, _) = try Socket.connect(host: server.host, port: server.port, deadline: deadline)
        } catch {
            throw .unreachable("TCP to \(server) for a truncated reply: \(error)")
        }
        defer { socket.shutdown() }
        let length = query.bytes.count
        let framed = [UInt8(length >> 8), UInt8(length & 0xFF)] + query.bytes
        do {
            try framed.withUnsafeBytes { try socket.write($0, idleTimeout: max(0.1, Double(deadline.remainingMilliseconds) / 1000)) }
            let size = try read(2, from: socket, deadline: deadline)
            let reply = try read(Int(size[0]) << 8 | Int(size[1]), from: socket, deadline: deadline)
            guard let header = DNSMessage.header(reply), header.id == query.id, header.isResponse else {
                throw Failure.unreachable("\(server) sent a TCP reply that does not match the query")
            }
            return reply
        } catch let failure as Failure {
            throw failure
        } catch TransportFailure.timedOut {
            throw .timedOut
        } catch {
            throw .unreachable("TCP to \(server): \(error)")
        }
    }

    private static func read(_ count: Int, from socket: Socket, deadline: Deadline) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        // Each pass reads at least one byte or throws (closed, timed out).
        while filled < count {
            filled += try bytes.withUnsafeMutableBytes { buffer in
                try socket.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]), deadline: deadline)
            }
        }
        return bytes
    }

    private static func connect(_ descriptor: Int32, to server: DNSServer, family: Int32) -> Bool {
        func connect<Address>(_ address: inout Address, _ fill: (inout Address) -> Bool) -> Bool {
            guard fill(&address) else { return false }
            return withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<Address>.size)) == 0
                }
            }
        }
        if family == AF_INET {
            var address = sockaddr_in()
            return connect(&address) {
                $0.sin_family = sa_family_t(AF_INET)
                $0.sin_port = UInt16(server.port).bigEndian
                return inet_pton(AF_INET, server.host, &$0.sin_addr) == 1
            }
        }
        var address = sockaddr_in6()
        return connect(&address) {
            $0.sin6_family = sa_family_t(AF_INET6)
            $0.sin6_port = UInt16(server.port).bigEndian
            return inet_pton(AF_INET6, server.host, &$0.sin6_addr) == 1
        }
    }
}

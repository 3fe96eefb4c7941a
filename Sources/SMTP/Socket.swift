// A non-blocking TCP socket (IPv4 or IPv6) whose connect, reads and writes wait with poll(2) and a
// deadline. Writes use MSG_NOSIGNAL, so a closed peer is an error, not a SIGPIPE.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Owns one socket descriptor; closes it in deinit.
final class Socket: ByteStream {
    let descriptor: Int32

    /// Takes ownership of `descriptor`: it is closed when this object goes.
    init(takingOwnershipOf descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// Resolves `host` and connects to the first address that answers before `deadline`.
    /// Returns the socket and the numeric address it reached ("127.0.0.1", "::1").
    static func connect(host: String, port: Int, deadline: Deadline) throws -> (Socket, String) {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_ADDRCONFIG | AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let list else {
            let text = status == EAI_SYSTEM ? String(cString: strerror(errno)) : String(cString: gai_strerror(status))
            throw ResolutionFailure(message: text)
        }
        defer { freeaddrinfo(list) }
        var lastFailure: TransportFailure = .system(ECONNREFUSED)
        var lastAddress = host
        var entry: UnsafeMutablePointer<addrinfo>? = list
        var tried = 0
        while let current = entry, tried < 64 {
            tried += 1
            entry = current.pointee.ai_next
            let address = numericAddress(current.pointee.ai_addr, length: current.pointee.ai_addrlen)
            lastAddress = address
            do {
                let socket = try attempt(current.pointee, deadline: deadline)
                return (socket, address)
            } catch let failure as TransportFailure {
                lastFailure = failure
                if case .timedOut = failure { break }
            }
        }
        throw ConnectFailure(failure: lastFailure, address: lastAddress)
    }

    private static func attempt(_ info: addrinfo, deadline: Deadline) throws -> Socket {
        let fd = socket(info.ai_family, info.ai_socktype | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue),
                        info.ai_protocol)
        guard fd >= 0 else { throw TransportFailure.system(errno) }
        let socket = Socket(takingOwnershipOf: fd)
        var one: Int32 = 1
        // Commands are written whole; Nagle would only delay the next group behind an unacknowledged one.
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        if Glibc.connect(fd, info.ai_addr, info.ai_addrlen) == 0 { return socket }
        guard errno == EINPROGRESS else { throw TransportFailure.system(errno) }
        try socket.wait(for: Int16(POLLOUT), deadline: deadline)
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0 else { throw TransportFailure.system(errno) }
        guard error == 0 else { throw TransportFailure.system(error) }
        return socket
    }

    static func numericAddress(_ address: UnsafeMutablePointer<sockaddr>?, length: socklen_t) -> String {
        guard let address else { return "?" }
        var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        guard getnameinfo(address, length, &host, socklen_t(host.count), nil, 0, NI_NUMERICHOST) == 0 else { return "?" }
        return String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The local address as an RFC 5321 §4.1.3 address literal ("[127.0.0.1]", "[IPv6:::1]"), for EHLO.
    var localAddressLiteral: String {
        guard let text = localAddress else { return "[127.0.0.1]" }
        return text.contains(":") ? "[IPv6:\(text)]" : "[\(text)]"
    }

    /// The local end's numeric address (getsockname), nil when it cannot be read.
    var localAddress: String? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let text = withUnsafeMutablePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address -> String? in
                guard getsockname(descriptor, address, &length) == 0 else { return nil }
                return Self.numericAddress(address, length: length)
            }
        }
        return text == "?" ? nil : text
    }

    /// Waits until the socket is ready for `events` or the deadline passes.
    func wait(for events: Int16, deadline: Deadline) throws {
        var descriptorSet = pollfd(fd: descriptor, events: events, revents: 0)
        for _ in 0..<1_000_000 {
            let result = poll(&descriptorSet, 1, deadline.remainingMilliseconds)
            if result > 0 { return }
            if result == 0 { throw TransportFailure.timedOut(seconds: deadline.seconds) }
            if errno != EINTR { throw TransportFailure.system(errno) }
            if deadline.hasPassed { throw TransportFailure.timedOut(seconds: deadline.seconds) }
        }
        throw TransportFailure.timedOut(seconds: deadline.seconds)
    }

    func read(into buffer: UnsafeMutableRawBufferPointer, deadline: Deadline) throws -> Int {
        for _ in 0..<1_000_000 {
            let count = recv(descriptor, buffer.baseAddress, buffer.count, 0)
            if count > 0 { return count }
            if count == 0 { throw TransportFailure.closed }
            switch errno {
            case EAGAIN, EWOULDBLOCK: try wait(for: Int16(POLLIN), deadline: deadline)
            case EINTR: continue
            case ECONNRESET, EPIPE: throw TransportFailure.closed
            default: throw TransportFailure.system(errno)
            }
        }
        throw TransportFailure.timedOut(seconds: deadline.seconds)
    }

    func write(_ bytes: UnsafeRawBufferPointer, idleTimeout: Double) throws {
        var offset = 0
        var deadline = Deadline(seconds: idleTimeout)
        // Each pass writes something or waits (bounded) for room; a stalled peer hits the deadline.
        while offset < bytes.count {
            let count = send(descriptor, bytes.baseAddress.map { $0 + offset }, bytes.count - offset, Int32(MSG_NOSIGNAL))
            if count > 0 {
                offset += count
                deadline = Deadline(seconds: idleTimeout)
                continue
            }
            switch errno {
            case EAGAIN, EWOULDBLOCK: try wait(for: Int16(POLLOUT), deadline: deadline)
            case EINTR: continue
            case ECONNRESET, EPIPE: throw TransportFailure.closed
            default: throw TransportFailure.system(errno)
            }
        }
    }

    func shutdown() {
        _ = Glibc.shutdown(descriptor, Int32(SHUT_RDWR))
    }
}

/// getaddrinfo failed.
struct ResolutionFailure: Error {
    let message: String
}

/// No address of the host accepted the connection.
struct ConnectFailure: Error {
    let failure: TransportFailure
    let address: String
}

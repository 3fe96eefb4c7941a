// One connection to an SMTP server: TCP, then optionally TLS, with buffered reply reading.
// Turns transport failures into SMTPError values naming the peer and the stage; knows no commands.

/// A connected byte stream plus the reply parser reading from it. Used by one thread at a time.
final class Connection {
    /// "relay.example.org[127.0.0.1]:2525".
    let peer: String
    private let socket: Socket
    private var stream: any ByteStream
    private var parser = ReplyParser()
    private var buffer = [UInt8](repeating: 0, count: 16 * 1024)
    /// The TLS parameters once TLS is on.
    private(set) var tls: TLSSessionInfo?

    private init(socket: Socket, peer: String) {
        self.socket = socket
        self.stream = socket
        self.peer = peer
    }

    /// Connects to `host`:`port` (every address getaddrinfo gives, in order) within `timeout` seconds;
    /// to `address` instead when given (already resolved), still naming the peer `host`.
    static func open(host: String, port: Int, timeout: Double, address dial: String? = nil) throws -> Connection {
        let hostLabel = host.contains(":") ? "[\(host)]" : host
        do {
            let (socket, address) = try Socket.connect(host: dial ?? host, port: port, deadline: Deadline(seconds: timeout))
            return Connection(socket: socket, peer: "\(hostLabel)[\(address)]:\(port)")
        } catch let failure as ResolutionFailure {
            throw SMTPError(.nameResolution(failure.message), peer: "\(hostLabel):\(port)", stage: .connect)
        } catch let failure as ConnectFailure {
            throw convert(failure.failure, peer: "\(hostLabel)[\(failure.address)]:\(port)", stage: .connect)
        }
    }

    /// The local address as an address literal, the EHLO argument when no name is configured.
    var localAddressLiteral: String { socket.localAddressLiteral }

    /// Starts TLS on the connection (implicit TLS right after connecting, or after a 220 to STARTTLS).
    func startTLS(context: TLSContext, serverName: String, timeout: Double) throws {
        // RFC 3207 §4.2: whatever the server sent before the handshake is discarded.
        parser.discardBuffered()
        do {
            let tlsStream = try TLSStream.handshake(over: socket, context: context, serverName: serverName, timeout: timeout)
            stream = tlsStream
            tls = tlsStream.sessionInfo
        } catch let failure as TransportFailure {
            throw Self.convert(failure, peer: peer, stage: .tlsHandshake)
        }
    }

    /// Writes `bytes` whole; `timeout` bounds each wait for the socket to take more.
    func write(_ bytes: [UInt8], stage: Stage, timeout: Double) throws {
        do {
            try bytes.withUnsafeBytes { try stream.write($0, idleTimeout: timeout) }
        } catch let failure as TransportFailure {
            throw Self.convert(failure, peer: peer, stage: stage)
        }
    }

    /// Reads the next complete reply, waiting at most `timeout` seconds for all of it.
    func readReply(stage: Stage, timeout: Double) throws -> Reply {
        let deadline = Deadline(seconds: timeout)
        for _ in 0..<1_000_000 {
            do {
                if let reply = try parser.next() { return reply }
            } catch {
                throw SMTPError(.malformedReply(error.message), peer: peer, stage: stage)
            }
            do {
                let count = try buffer.withUnsafeMutableBytes { try stream.read(into: $0, deadline: deadline) }
                parser.feed(buffer[0..<count])
            } catch let failure as TransportFailure {
                throw Self.convert(failure, peer: peer, stage: stage)
            }
        }
        throw SMTPError(.timedOut(seconds: timeout), peer: peer, stage: stage)
    }

    /// Closes politely (TLS close_notify) without waiting for the peer.
    func close() {
        stream.shutdown()
    }

    static func convert(_ failure: TransportFailure, peer: String, stage: Stage) -> SMTPError {
        switch failure {
        case .timedOut(let seconds): return SMTPError(.timedOut(seconds: seconds), peer: peer, stage: stage)
        case .closed: return SMTPError(.connectionClosed, peer: peer, stage: stage)
        case .system(let code) where code == ECONNREFUSED: return SMTPError(.connectionRefused, peer: peer, stage: stage)
        case .system(let code): return SMTPError(.network(String(cString: strerror(code))), peer: peer, stage: stage)
        case .tls(let error): return SMTPError(.tls(error), peer: peer, stage: stage)
        case .certificate(let text): return SMTPError(.certificateVerification(text), peer: peer, stage: stage)
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

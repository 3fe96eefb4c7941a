// A bare TCP peer on 127.0.0.1 for the cases no real server produces on demand: it accepts, writes
// a greeting (or nothing), then answers each line it reads as a script says, and holds the
// connection until stopped.
import Foundation

final class ScriptedPeer: @unchecked Sendable {
    /// What to do with one line the client sent.
    enum Action {
        /// Write this text (CRLF added to each line).
        case reply([String])
        /// Say nothing.
        case silent
        /// Close the connection.
        case close
    }

    let port: Int
    private let listener: Int32
    private let lock = NSLock()
    private var accepted: [Int32] = []
    private var stopped = false
    private var received: [String] = []

    /// Listens on a free port; each connection gets `greeting`, then `script` answers each line.
    init(greeting: [UInt8], script: @escaping @Sendable (String) -> Action = { _ in .silent }) throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ready = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(listener, raw, length) == 0 && getsockname(listener, raw, &length) == 0 && listen(listener, 8) == 0
            }
        }
        guard ready else {
            close(listener)
            throw CocoaError(.fileReadUnknown)
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in serve(greeting, script) }
        thread.start()
    }

    /// The lines received so far, in order.
    var lines: [String] { lock.withLock { received } }

    private func serve(_ greeting: [UInt8], _ script: (String) -> Action) {
        // One connection at a time; each poll waits at most 100 ms, and a test lasts seconds.
        var connection: Int32 = -1
        var pending: [UInt8] = []
        for _ in 0..<6000 {
            if lock.withLock({ stopped }) { return }
            if connection < 0 {
                var descriptor = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
                guard poll(&descriptor, 1, 100) > 0 else { continue }
                connection = accept(listener, nil, nil)
                guard connection >= 0 else { continue }
                let accepted = connection
                lock.withLock { self.accepted.append(accepted) }
                write(greeting, to: connection)
                continue
            }
            var descriptor = pollfd(fd: connection, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 100) > 0 else { continue }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = recv(connection, &buffer, buffer.count, 0)
            guard count > 0 else {
                connection = -1
                continue
            }
            pending += buffer[0..<count]
            while let end = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[..<end].filter { $0 != 13 }, as: UTF8.self)
                pending.removeSubrange(...end)
                lock.withLock { received.append(line) }
                switch script(line) {
                case .reply(let lines): write(Array(lines.map { $0 + "\r\n" }.joined().utf8), to: connection)
                case .silent: break
                case .close:
                    shutdown(connection, Int32(SHUT_RDWR))
                    connection = -1
                    pending = []
                }
                if connection < 0 { break }
            }
        }
    }

    private func write(_ bytes: [UInt8], to connection: Int32) {
        guard !bytes.isEmpty else { return }
        _ = bytes.withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    func stop() {
        lock.withLock {
            stopped = true
            for connection in accepted { close(connection) }
            accepted = []
        }
        usleep(150_000)  // the serving loop notices within 100 ms
        close(listener)
    }
}

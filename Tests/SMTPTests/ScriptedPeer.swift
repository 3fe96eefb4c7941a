// A bare TCP peer on 127.0.0.1 for the cases no real server produces on demand: it accepts, writes
// fixed bytes (or nothing) and holds the connection until stopped.
import Foundation

final class ScriptedPeer: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private let lock = NSLock()
    private var accepted: [Int32] = []
    private var stopped = false

    /// Listens on a free port; each accepted connection gets `greeting` written to it.
    init(greeting: [UInt8]) throws {
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
        let thread = Thread { [self] in serve(greeting) }
        thread.start()
    }

    private func serve(_ greeting: [UInt8]) {
        // Accepts until stopped; each poll waits at most 100 ms, and a test lasts seconds.
        for _ in 0..<6000 {
            if lock.withLock({ stopped }) { return }
            var descriptor = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 100) > 0 else { continue }
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { continue }
            if !greeting.isEmpty { _ = greeting.withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } }
            lock.withLock { accepted.append(connection) }
        }
    }

    func stop() {
        lock.withLock {
            stopped = true
            for connection in accepted { close(connection) }
            accepted = []
        }
        usleep(150_000)  // the accept loop notices within 100 ms
        close(listener)
    }
}

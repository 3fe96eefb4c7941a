// Recipient domains for direct-delivery tests: a DNS server (dnslib) whose MX and A records point at
// aiosmtpd servers listening on several loopback addresses that share one port — 25 when the test
// runs as root and it is free there, else a free port (the transport's `port` setting). The addresses
// are 127.R.S.2… with random R and S, so runs in parallel do not meet.
import Foundation
import XCTest

/// DNS plus MX servers; stop everything with `stop()` (call it in a teardown block).
public final class MXWorld: @unchecked Sendable {
    /// The port every MX server of this world listens on.
    public let port: Int
    /// 127.R.S. — an address is `prefix + "2"`.
    public let prefix: String
    public private(set) var dns: TestDNSServer?
    private var servers: [TestSMTPServer] = []
    private var records: [TestDNSServer.Record] = []

    public init() throws {
        prefix = "127.\(Int.random(in: 1...250)).\(Int.random(in: 1...250))."
        if geteuid() == 0 && Self.canBind(prefix + "2", port: 25) {
            port = 25
        } else {
            port = try ServerProcess.freePort()
        }
    }

    /// The loopback address `127.R.S.n`.
    public func address(_ n: Int) -> String { prefix + String(n) }

    /// Starts an MX server on address `n` of this world.
    @discardableResult
    public func startMX(_ n: Int, _ configure: (inout TestSMTPServer.Options) -> Void = { _ in }) throws -> TestSMTPServer {
        var options = TestSMTPServer.Options()
        options.host = address(n)
        options.port = port
        options.pipelining = true
        configure(&options)
        let server = try TestSMTPServer.start(options)
        servers.append(server)
        return server
    }

    /// Adds records to the zone (served by `startDNS`).
    public func add(_ more: [TestDNSServer.Record]) { records += more }

    /// `domain` MX `preference` `host`, and `host` A `address(n)` (n nil: the host has no address).
    public func mx(_ domain: String, _ preference: Int, _ host: String, at n: Int?) {
        records.append(.init(domain, "MX", "\(preference) \(host)"))
        if let n { records.append(.init(host, "A", address(n))) }
    }

    /// Starts the DNS server with the records added so far.
    @discardableResult
    public func startDNS(faults: [TestDNSServer.Fault: [String]] = [:]) throws -> TestDNSServer {
        let server = try TestDNSServer.start(records: records, faults: faults)
        dns = server
        return server
    }

    public func stop() {
        for server in servers { server.stop() }
        servers.removeAll()
        dns?.stop()
    }

    private static func canBind(_ host: String, port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var one: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr(host)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}

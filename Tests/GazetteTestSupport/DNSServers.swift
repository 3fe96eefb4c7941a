// A real DNS server for tests: dns_test_server.py (dnslib) on a loopback address and a free port,
// serving a zone the test writes, with faults for given names (SERVFAIL, no reply, truncated,
// malformed). It logs every question, so a test can count what reached the server.
import Foundation
import XCTest

/// The dnslib test server, stopped by `stop()` (call it in a teardown block).
public final class TestDNSServer: @unchecked Sendable {
    /// One resource record of the zone.
    public struct Record: Encodable, Sendable {
        public var name: String
        public var type: String
        /// "10 mx.example.test" for MX, an address for A/AAAA, a name for PTR/CNAME.
        public var value: String
        /// TXT as character-strings (a record split the way long SPF records are).
        public var strings: [String]?
        public var ttl: Int

        public init(_ name: String, _ type: String, _ value: String, ttl: Int = 300) {
            self.name = name
            self.type = type
            self.value = value
            self.ttl = ttl
        }

        /// A TXT record made of several character-strings.
        public static func txt(_ name: String, _ strings: [String], ttl: Int = 300) -> Record {
            var record = Record(name, "TXT", "", ttl: ttl)
            record.strings = strings
            return record
        }

        enum CodingKeys: String, CodingKey { case name, type, value, ttl }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(type, forKey: .type)
            if let strings { try container.encode(strings, forKey: .value) } else { try container.encode(value, forKey: .value) }
            try container.encode(ttl, forKey: .ttl)
        }
    }

    /// Faults for names (every type asked for them).
    public enum Fault: String, Sendable {
        case servfail, refused, timeout, truncate
        /// TC over UDP and no answer over TCP either.
        case truncateAlways = "truncate_always"
        /// The right id, a record cut off after its name.
        case malformed
        /// A reply with another id only (which a client must ignore).
        case wrongID = "wrong_id"
    }

    public let host: String
    public let port: Int
    private let process: Process
    private let stdinPipe: Pipe
    private let directory: URL

    private init(host: String, port: Int, process: Process, stdinPipe: Pipe, directory: URL) {
        self.host = host
        self.port = port
        self.process = process
        self.stdinPipe = stdinPipe
        self.directory = directory
    }

    /// `127.0.0.1:PORT`, for `direct.dns_server` and `--dns-server`.
    public var address: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// Starts the server with `records` and `faults` and waits (at most 20 s) for its port.
    /// Skips without dnslib locally, fails under CI=true.
    public static func start(records: [Record], faults: [Fault: [String]] = [:], soaMinimum: Int = 60,
                             host: String = "127.0.0.1") throws -> TestDNSServer {
        try PythonTools.require(["dnslib"])
        let directory = try TemporaryDirectory("dns-server").url
        struct Zone: Encodable {
            let records: [Record]
            let soa_minimum: Int
            let faults: [String: [String]]
        }
        let zone = Zone(records: records, soa_minimum: soaMinimum,
                        faults: Dictionary(uniqueKeysWithValues: faults.map { ($0.key.rawValue, $0.value) }))
        let zoneFile = directory.appendingPathComponent("zone.json")
        try JSONEncoder().encode(zone).write(to: zoneFile)
        let script = TestPaths.packageRoot.appendingPathComponent("Tests/GazetteTestSupport/dns_test_server.py")
        let arguments = [script.path, "--host", host, "--zone", zoneFile.path,
                         "--log", directory.appendingPathComponent("questions.log").path]
        let (process, stdinPipe, port) = try ServerProcess.launchReportingPort(arguments, label: "dns_test_server.py",
                                                                              directory: directory)
        return TestDNSServer(host: host, port: port, process: process, stdinPipe: stdinPipe, directory: directory)
    }

    /// The questions that reached the server so far, as "name TYPE proto" lines.
    public func questions() -> [String] {
        let text = (try? String(contentsOf: directory.appendingPathComponent("questions.log"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map(String.init)
    }

    /// Stops the server (stdin closed, SIGTERM, then SIGKILL) and removes its files.
    public func stop() {
        try? stdinPipe.fileHandleForWriting.close()
        ServerProcess.terminate(process)
        try? FileManager.default.removeItem(at: directory)
    }
}

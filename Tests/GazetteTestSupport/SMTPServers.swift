// Real SMTP servers for tests, on 127.0.0.1: aiosmtpd with the fault-injecting handler of
// smtp_test_server.py (port read back from its stdout), and Postfix's smtp-sink for volume (a free
// port polled until it answers). Every wait is bounded; call stop() in a teardown block.
import Foundation
import XCTest

/// The aiosmtpd test server, recording what it accepts.
public final class TestSMTPServer: @unchecked Sendable {
    /// What the server offers and which faults it injects.
    public struct Options: Sendable {
        public enum TLS: String, Sendable { case none, starttls, implicit }
        /// The loopback address to listen on: 127.0.0.1 (or another 127.0.0.x) or ::1.
        public var host = "127.0.0.1"
        /// The port; 0 lets the OS choose (several MX hosts of a direct-delivery test share one port).
        public var port = 0
        /// A greeting line instead of 220 (then the server closes): "554 5.7.1 No SMTP service here".
        public var greeting: String?
        /// Offer STARTTLS, answer it with 220, then send no TLS (a failed handshake).
        public var brokenStartTLS = false
        public var tls: TLS = .none
        public var certificates: TestCertificates?
        /// Accepted AUTH user and password.
        public var credentials: (user: String, password: String)?
        /// Offer only these mechanisms ("PLAIN", "LOGIN").
        public var authMechanisms: [String] = []
        public var requireAuth = false
        /// Offer AUTH on a connection without TLS.
        public var authOverPlaintext = false
        /// Announce PIPELINING (and ENHANCEDSTATUSCODES).
        public var pipelining = false
        public var smtpUTF8 = false
        /// Answer EHLO with 502 so the client falls back to HELO.
        public var refuseEHLO = false
        /// 450 for these recipients (the first `tempfailTimes` times each; 0: always).
        public var tempfailRecipients: [String] = []
        public var tempfailTimes = 0
        /// 451 for every Nth RCPT.
        public var tempfailEveryNthRecipient = 0
        /// 550 for these recipients.
        public var rejectRecipients: [String] = []
        /// 451 for the first N messages' content.
        public var tempfailData = 0
        /// Drop the connection after the first N messages' content, before replying.
        public var dropAfterData = 0
        /// Seconds to wait before replying to the content.
        public var delayData: Double = 0
        /// Seconds to wait before each reply to RCPT.
        public var delayRecipient: Double = 0
        /// 421 and close after N messages on one connection.
        public var closeAfter = 0

        public init() {}
    }

    /// One accepted message, as the server recorded it.
    public struct ReceivedMessage: Decodable, Sendable {
        public let mailFrom: String
        public let rcptTos: [String]
        public let mailOptions: [String]
        public let rcptOptions: [String]
        public let pipelined: Bool
        public let tls: Bool
        public let user: String?
        public let helo: String?
        public let content: Data
    }

    /// A line of events.jsonl: "connect", "auth", "mail", "drop", "close".
    public struct Event: Decodable, Sendable {
        public let event: String
        public let user: String?
        public let ok: Bool?
        public let mechanism: String?
        public let pipelined: Bool?
        public let tls: Bool?
    }

    public let host: String
    public let port: Int
    /// Where messages and events.jsonl are written.
    public let recordDirectory: URL
    private let process: Process
    private let stdinPipe: Pipe

    private init(host: String, port: Int, recordDirectory: URL, process: Process, stdinPipe: Pipe) {
        self.host = host
        self.port = port
        self.recordDirectory = recordDirectory
        self.process = process
        self.stdinPipe = stdinPipe
    }

    /// Starts the server and waits (at most 20 s) until it listens. Skips without aiosmtpd locally.
    public static func start(_ options: Options = Options()) throws -> TestSMTPServer {
        try PythonTools.require(["aiosmtpd"])
        let record = try TemporaryDirectory("smtp-server").url
        let script = TestPaths.packageRoot.appendingPathComponent("Tests/GazetteTestSupport/smtp_test_server.py")
        var arguments = [script.path, "--record", record.path, "--host", options.host, "--tls", options.tls.rawValue,
                         "--port", String(options.port)]
        if let greeting = options.greeting { arguments += ["--greet", greeting] }
        if options.brokenStartTLS { arguments.append("--broken-starttls") }
        if let certificates = options.certificates {
            arguments += ["--cert", certificates.serverCertificate, "--key", certificates.serverKey]
        }
        if let credentials = options.credentials { arguments += ["--auth", "\(credentials.user):\(credentials.password)"] }
        if !options.authMechanisms.isEmpty { arguments += ["--auth-mechanisms", options.authMechanisms.joined(separator: ",")] }
        if options.requireAuth { arguments.append("--require-auth") }
        if options.authOverPlaintext { arguments.append("--auth-over-plaintext") }
        if options.pipelining { arguments.append("--pipelining") }
        if options.smtpUTF8 { arguments.append("--smtputf8") }
        if options.refuseEHLO { arguments.append("--no-ehlo") }
        for address in options.tempfailRecipients { arguments += ["--tempfail-rcpt", address] }
        if options.tempfailTimes > 0 { arguments += ["--tempfail-rcpt-times", String(options.tempfailTimes)] }
        for address in options.rejectRecipients { arguments += ["--reject-rcpt", address] }
        if options.tempfailEveryNthRecipient > 0 { arguments += ["--tempfail-rcpt-every", String(options.tempfailEveryNthRecipient)] }
        if options.tempfailData > 0 { arguments += ["--tempfail-data", String(options.tempfailData)] }
        if options.dropAfterData > 0 { arguments += ["--drop-after-data", String(options.dropAfterData)] }
        if options.delayData > 0 { arguments += ["--delay-data", String(options.delayData)] }
        if options.delayRecipient > 0 { arguments += ["--delay-rcpt", String(options.delayRecipient)] }
        if options.closeAfter > 0 { arguments += ["--close-after", String(options.closeAfter)] }

        let (process, stdinPipe, port) = try ServerProcess.launchReportingPort(arguments, label: "smtp_test_server.py",
                                                                              directory: record)
        return TestSMTPServer(host: options.host, port: port, recordDirectory: record, process: process, stdinPipe: stdinPipe)
    }

    /// Stops the server (closing its stdin, then SIGTERM, then SIGKILL) and removes its records.
    public func stop() {
        try? stdinPipe.fileHandleForWriting.close()
        ServerProcess.terminate(process)
        try? FileManager.default.removeItem(at: recordDirectory)
    }

    /// The messages accepted so far, in order.
    public func receivedMessages() throws -> [ReceivedMessage] {
        let names = try FileManager.default.contentsOfDirectory(atPath: recordDirectory.path)
            .filter { $0.hasSuffix(".json") }.sorted()
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try names.map { try decoder.decode(ReceivedMessage.self, from: Data(contentsOf: recordDirectory.appendingPathComponent($0))) }
    }

    /// The events logged so far.
    public func events() throws -> [Event] {
        let text = (try? String(contentsOf: recordDirectory.appendingPathComponent("events.jsonl"), encoding: .utf8)) ?? ""
        return try text.split(separator: "\n").map { try JSONDecoder().decode(Event.self, from: Data($0.utf8)) }
    }

    /// The server's stderr, for failure messages.
    public var log: String {
        (try? String(contentsOf: recordDirectory.appendingPathComponent("server.stderr"), encoding: .utf8)) ?? ""
    }
}

/// Postfix's smtp-sink on 127.0.0.1, for volume and its own faults (-r, -f, -q, -w switches).
public final class SMTPSink: @unchecked Sendable {
    public let host = "127.0.0.1"
    public let port: Int
    private let process: Process
    private let directory: URL

    private init(port: Int, process: Process, directory: URL) {
        self.port = port
        self.process = process
        self.directory = directory
    }

    /// Where `-d` dumps go when `dump` was set.
    public var dumpDirectory: URL { directory.appendingPathComponent("dump") }

    /// Starts `smtp-sink [switches] 127.0.0.1:<free port> 256` and waits (at most 10 s) until it answers.
    /// Without Postfix installed: skips locally, fails under CI=true.
    public static func start(_ switches: [String] = [], dump: Bool = false) throws -> SMTPSink {
        let candidates = ["/usr/sbin/smtp-sink", "/usr/bin/smtp-sink"]
        guard let binary = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            let reason = "Postfix's smtp-sink is not installed (apt-get install postfix)"
            if ProcessInfo.processInfo.environment["CI"] == "true" { throw PythonTools.Failure(description: reason) }
            throw XCTSkip(reason)
        }
        let directory = try TemporaryDirectory("smtp-sink").url
        var arguments: [String] = []
        if geteuid() == 0 {
            // smtp-sink refuses to run as root without a user to switch to.
            arguments += ["-u", "nobody"]
            _ = chmod(directory.path, 0o777)
        }
        if dump { arguments += ["-d", directory.appendingPathComponent("dump").path + "/%M."] }
        let port = try ServerProcess.freePort()
        arguments += switches + ["127.0.0.1:\(port)", "256"]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        let errorLog = directory.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: errorLog.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: errorLog)
        try process.run()
        guard ServerProcess.waitUntilListening(port: port, timeout: 10) else {
            ServerProcess.terminate(process)
            let errors = (try? String(contentsOf: errorLog, encoding: .utf8)) ?? ""
            throw PythonTools.Failure(description: "smtp-sink did not listen on port \(port) within 10 s: \(errors)")
        }
        return SMTPSink(port: port, process: process, directory: directory)
    }

    public func stop() {
        // smtp-sink keeps nothing worth a graceful end: each dump is complete when its "." arrived.
        ServerProcess.terminate(process, grace: 0.3)
        try? FileManager.default.removeItem(at: directory)
    }

    /// The dumped messages' texts (with smtp-sink's X-Mail-Args / X-Rcpt-Args lines first).
    public func dumpedMessages() throws -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dumpDirectory.path)) ?? []
        return try names.sorted().map { try String(contentsOf: dumpDirectory.appendingPathComponent($0), encoding: .utf8) }
    }
}

/// Process helpers shared by the servers.
public enum ServerProcess {
    /// Runs the venv's Python with `arguments` (a test server script that prints "PORT <n>" once it
    /// listens), its stderr in `directory`/server.stderr; waits at most 20 s for the port.
    /// Returns the process, the pipe whose closing tells it to exit, and the port.
    public static func launchReportingPort(_ arguments: [String], label: String, directory: URL) throws -> (Process, Pipe, Int) {
        let process = Process()
        process.executableURL = PythonTools.interpreter
        process.arguments = arguments
        let stdinPipe = Pipe(), stdoutPipe = Pipe()
        process.standardInput = stdinPipe
        process.standardOutput = stdoutPipe
        let errorLog = directory.appendingPathComponent("server.stderr")
        _ = FileManager.default.createFile(atPath: errorLog.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: errorLog)
        try process.run()
        guard let line = firstLine(of: stdoutPipe.fileHandleForReading, timeout: 20),
            line.hasPrefix("PORT "), let port = Int(line.dropFirst(5))
        else {
            terminate(process)
            let errors = (try? String(contentsOf: errorLog, encoding: .utf8)) ?? ""
            throw PythonTools.Failure(description: "\(label) did not report its port within 20 s: \(errors)")
        }
        return (process, stdinPipe, port)
    }

    /// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, then released).
    public static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw PythonTools.Failure(description: "socket() failed") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw -> Bool in
                bind(descriptor, raw, length) == 0 && getsockname(descriptor, raw, &length) == 0
            }
        }
        guard bound else { throw PythonTools.Failure(description: "cannot bind a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// True once something accepts connections on 127.0.0.1:`port`; polls every 20 ms up to `timeout`.
    public static func waitUntilListening(port: Int, timeout: TimeInterval) -> Bool {
        let end = Date(timeIntervalSinceNow: timeout)
        while Date() < end {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = UInt16(port).bigEndian
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                }
            }
            close(descriptor)
            if connected { return true }
            usleep(20_000)
        }
        return false
    }

    /// The first line a process writes to `handle`, waiting at most `timeout` seconds.
    public static func firstLine(of handle: FileHandle, timeout: TimeInterval) -> String? {
        let box = LineBox()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            var data = Data()
            while !data.contains(UInt8(ascii: "\n")), data.count < 4096 {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                data.append(chunk)
            }
            box.set(String(decoding: data, as: UTF8.self).split(separator: "\n").first.map(String.init))
            done.signal()
        }
        guard done.wait(timeout: .now() + timeout) == .success else { return nil }
        return box.value
    }

    /// SIGTERM, up to `grace` seconds to exit, then SIGKILL. (A process started from an async test
    /// may inherit a signal mask blocking SIGTERM, as smtp-sink does: the SIGKILL makes it end anyway.)
    public static func terminate(_ process: Process, grace: TimeInterval = 2) {
        guard process.isRunning else { return }
        process.terminate()
        let end = Date(timeIntervalSinceNow: grace)
        while process.isRunning && Date() < end { usleep(20_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    private final class LineBox: @unchecked Sendable {
        private let lock = NSLock()
        private var line: String?
        var value: String? { lock.withLock { line } }
        func set(_ value: String?) { lock.withLock { line = value } }
    }
}

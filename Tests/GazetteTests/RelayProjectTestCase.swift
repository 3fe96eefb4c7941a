// A copy of the minimal fixture project in a temporary folder, aiosmtpd test servers stopped in teardown,
// and `gazette publish 1` run in the project, for the tests of publishing through SMTP relays.
import Foundation
import GazetteTestSupport
import XCTest
@testable import Gazette

class RelayProjectTestCase: XCTestCase {
    var directory: TemporaryDirectory!

    override func setUpWithError() throws {
        directory = try TemporaryDirectory("relay")
        addTeardownBlock { [directory] in directory?.remove() }
        try directory.copy(from: TestPaths.fixtures.appendingPathComponent("projects/minimal"))
    }

    /// Writes subscribers/main.csv with these addresses (all named Reader).
    func subscribers(_ addresses: [String]) throws {
        try directory.write("email,name\n" + addresses.map { "\($0),Reader" }.joined(separator: "\n") + "\n", to: "subscribers/main.csv")
    }

    /// Starts the aiosmtpd test server (with PIPELINING) and stops it in teardown.
    func startServer(_ configure: (inout TestSMTPServer.Options) -> Void = { _ in }) throws -> TestSMTPServer {
        var options = TestSMTPServer.Options()
        options.pipelining = true
        configure(&options)
        let server = try TestSMTPServer.start(options)
        addTeardownBlock { server.stop() }
        return server
    }

    /// `gazette publish 1 arguments…` with an unsubscribe secret, as in CI.
    func publish(_ arguments: [String], environment: [String: String] = [:]) throws -> GazetteBinary.Run {
        try GazetteBinary.run(["publish", "1"] + arguments, in: directory.url,
                              environment: ["GAZETTE_UNSUBSCRIBE_SECRET": "s", "CI": "true"].merging(environment) { $1 },
                              timeout: 120)
    }

    /// Starts `gazette publish 1 arguments…` in the background, for the signal tests.
    func startPublish(_ arguments: [String], environment: [String: String] = [:]) throws -> Process {
        try startGazette(["publish", "1"] + arguments, environment: environment)
    }

    /// Starts `gazette arguments…` in the project in the background (with an unsubscribe secret, as in CI), for
    /// the signal tests.
    func startGazette(_ arguments: [String], environment: [String: String] = [:]) throws -> Process {
        let process = Process()
        process.executableURL = TestPaths.gazetteBinary
        process.arguments = arguments
        process.currentDirectoryURL = directory.url
        process.environment = ProcessInfo.processInfo.environment
            .merging(["GAZETTE_UNSUBSCRIBE_SECRET": "s", "CI": "true"]) { $1 }.merging(environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    func waitForExit(_ process: Process, seconds: Double = 60) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        return !process.isRunning
    }

    /// How many messages each recipient got.
    func deliveries(_ server: TestSMTPServer) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for message in try server.receivedMessages() { for rcpt in message.rcptTos { counts[rcpt.lowercased(), default: 0] += 1 } }
        return counts
    }

    /// Every line of the log, in order.
    func records() throws -> [LogRecord] {
        try directory.read("logs/hello.jsonl").split(separator: "\n")
            .map { try JSONDecoder().decode(LogRecord.self, from: Data($0.utf8)) }
    }

    func logState() throws -> PublishLogState {
        try PublishLogState(reading: directory.url.appendingPathComponent("logs/hello.jsonl"))
    }
}

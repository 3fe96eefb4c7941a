// `gazette serve` and `gazette subscribers sync` as users run them: the server prints its URL, a one-click POST
// is in the events file even when the server is killed (SIGKILL) right after its 200, and sync folds the file
// into suppressed.csv once — a second run changes nothing.
import Foundation
import GazetteTestSupport
import XCTest
@testable import Gazette

final class ServeCommandTests: XCTestCase {
    let secret = "cli-secret"

    func startServe(in directory: URL, _ arguments: [String] = []) throws -> (Process, Int) {
        let process = Process()
        process.executableURL = TestPaths.gazetteBinary
        process.arguments = ["serve", "--port", "0"] + arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment["GAZETTE_UNSUBSCRIBE_SECRET"] = secret
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        addTeardownBlock { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        let line = try LineReader(output.fileHandleForReading).next(timeout: 30)
        let url = try XCTUnwrap(URL(string: String(line.dropFirst("Serving: ".count))), line)
        XCTAssertTrue(line.hasPrefix("Serving: http://127.0.0.1:"), line)
        XCTAssertEqual(url.path, "/unsubscribe", "the path of unsubscribe.url in gazette.yml")
        return (process, try XCTUnwrap(url.port))
    }

    /// The whole double opt-in through the binaries: the confirmation lands in the project's outbox (the
    /// delivery of gazette.yml), its link's POST is recorded, and `subscribers sync` adds the subscriber.
    func testDoubleOptInThroughTheOutboxAndSync() throws {
        let directory = try TemporaryDirectory("serve-optin")
        addTeardownBlock { directory.remove() }
        try directory.copy(from: TestPaths.fixtures.appendingPathComponent("projects/minimal"))
        let (process, port) = try startServe(in: directory.url)
        func post(_ target: String, _ body: String) throws -> RawHTTPClient.Response {
            let request = "POST \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
            return try RawHTTPClient.send(Data(request.utf8), port: port)
        }
        XCTAssertEqual(try post("/subscribe", "email=grace%40example.net&name=Grace").status, 200)
        let outbox = directory.url.appendingPathComponent("outbox/new")
        let names = try FileManager.default.contentsOfDirectory(atPath: outbox.path)
        XCTAssertEqual(names.count, 1)
        let message = try String(contentsOf: outbox.appendingPathComponent(names[0]), encoding: .utf8)
            .replacingOccurrences(of: "=\r\n", with: "").replacingOccurrences(of: "=\n", with: "")
        let range = try XCTUnwrap(message.range(of: "https://fixture.example.org/confirm/"), message)
        let token = String(message[range.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        XCTAssertEqual(try post("/confirm/\(token)", "confirm=yes").status, 200)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let sync = try GazetteBinary.run(["subscribers", "sync"], in: directory.url, timeout: 60)
        XCTAssertEqual(sync.status, 0, sync.stderr)
        XCTAssertTrue(sync.stdout.contains("added grace@example.net to main (double-opt-in "), sync.stdout)
        XCTAssertTrue(try directory.read("subscribers/main.csv").contains("grace@example.net,Grace,"))
    }

    func testAnEventAcknowledgedBeforeSIGKILLIsInTheFileAndSyncFoldsItOnce() throws {
        let directory = try TemporaryDirectory("serve-cli")
        addTeardownBlock { directory.remove() }
        try directory.copy(from: TestPaths.fixtures.appendingPathComponent("projects/minimal"))
        let (process, port) = try startServe(in: directory.url)
        let link = UnsubscribeLink(baseURL: nil, mailto: nil, secret: secret)
        let token = try link.sealedToken(address: "ada@example.org", list: "main")
        let body = "List-Unsubscribe=One-Click"
        let request = "POST /unsubscribe?token=\(token) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
        let response = try RawHTTPClient.send(Data(request.utf8), port: port)
        kill(process.processIdentifier, SIGKILL)  // at once: nothing may be left in a buffer
        XCTAssertEqual(response.status, 200)
        process.waitUntilExit()

        let files = try FileManager.default.contentsOfDirectory(atPath: directory.url.appendingPathComponent("events").path)
        XCTAssertEqual(files.count, 1)
        let reader = try EventsReader(url: directory.url.appendingPathComponent("events/\(files[0])"), path: files[0])
        XCTAssertEqual(reader.entries.map(\.event.email), ["ada@example.org"])

        let first = try GazetteBinary.run(["subscribers", "sync"], in: directory.url, timeout: 60)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stdout.contains("added ada@example.org (unsubscribed, "), first.stdout)
        XCTAssertTrue(first.stdout.contains("suppressed.csv: added 1, 0 already suppressed"), first.stdout)
        let csv = try directory.read("subscribers/suppressed.csv")
        let second = try GazetteBinary.run(["subscribers", "sync", "--format", "json"], in: directory.url, timeout: 60)
        XCTAssertEqual(second.status, 0, second.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(second.stdout.utf8)) as? [String: Any])
        XCTAssertEqual((json["added"] as? [Any])?.count, 0)
        XCTAssertEqual(json["unchanged"] as? Int, 1)
        XCTAssertEqual(try directory.read("subscribers/suppressed.csv"), csv, "running it twice changes nothing")
    }

    func testServeNeedsTheSecretAndStopsOnSIGTERM() throws {
        let directory = try TemporaryDirectory("serve-cli")
        addTeardownBlock { directory.remove() }
        try directory.copy(from: TestPaths.fixtures.appendingPathComponent("projects/minimal"))
        let missing = try GazetteBinary.run(["serve", "--port", "0"], in: directory.url, environment: ["GAZETTE_UNSUBSCRIBE_SECRET": ""], timeout: 30)
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("GAZETTE_UNSUBSCRIBE_SECRET is not set"), missing.stderr)

        let (process, port) = try startServe(in: directory.url)
        XCTAssertEqual(try RawHTTPClient.get("/_gazette/health", port: port).text, "ok\n")
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date(timeIntervalSinceNow: 10)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        XCTAssertFalse(process.isRunning, "serve did not stop on SIGTERM")
        XCTAssertEqual(process.terminationStatus, 0)
    }
}

// `gazette preview` as users run it: it prints the URL (the port it bound, with --port 0), opens on the issue
// named, serves it, says what to do when the port is taken, and stops with exit 0 on Ctrl-C.
import Foundation
import GazetteTestSupport
import XCTest

final class PreviewCommandTests: XCTestCase {
    /// Starts `gazette preview arguments…` on a copy of the minimal fixture and returns it with its first line.
    func startPreview(_ arguments: [String], in directory: URL) throws -> (Process, Pipe, String) {
        let process = Process()
        process.executableURL = TestPaths.gazetteBinary
        process.arguments = ["preview"] + arguments
        process.currentDirectoryURL = directory
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let reader = LineReader(output.fileHandleForReading)
        let line = (try? reader.next(timeout: 30)) ?? ""
        addTeardownBlock { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        return (process, errors, line)
    }

    func testPrintsTheURLServesTheIssueAndStopsOnInterrupt() throws {
        let directory = try TemporaryDirectory("preview-cli")
        addTeardownBlock { directory.remove() }
        try directory.copy(from: TestPaths.fixtures.appendingPathComponent("projects/minimal"))
        let (process, _, line) = try startPreview(["1", "--port", "0"], in: directory.url)
        let match = try XCTUnwrap(line.range(of: #"^Preview: http://127\.0\.0\.1:(\d+)/preview/001-hello/$"#, options: .regularExpression),
                                  "first line: \(line)")
        XCTAssertFalse(line[match].isEmpty)
        let port = try XCTUnwrap(URL(string: String(line.dropFirst("Preview: ".count)))?.port)
        XCTAssertNotEqual(port, 0)
        let page = try RawHTTPClient.get("/preview/001-hello/", port: port)
        XCTAssertEqual(page.status, 200)
        XCTAssertTrue(page.text.contains("frame-mobile"))

        // A second preview on the same port: an error that says what to do, exit 1.
        let second = try GazetteBinary.run(["preview", "--port", String(port)], in: directory.url, timeout: 30)
        XCTAssertEqual(second.status, 1)
        XCTAssertTrue(second.stderr.contains("cannot listen on 127.0.0.1:\(port)"), second.stderr)
        XCTAssertTrue(second.stderr.contains("--port 0"))

        kill(process.processIdentifier, SIGINT)
        let deadline = Date(timeIntervalSinceNow: 10)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        XCTAssertFalse(process.isRunning, "preview did not stop on SIGINT")
        XCTAssertEqual(process.terminationStatus, 0)
    }

    func testUnknownIssueAndBadPortAreErrors() throws {
        let directory = try TemporaryDirectory("preview-cli")
        addTeardownBlock { directory.remove() }
        try directory.copy(from: TestPaths.fixtures.appendingPathComponent("projects/minimal"))
        let unknown = try GazetteBinary.run(["preview", "42", "--port", "0"], in: directory.url, timeout: 30)
        XCTAssertEqual(unknown.status, 1)
        XCTAssertTrue(unknown.stderr.contains("no issue matches \"42\""), unknown.stderr)
        let badPort = try GazetteBinary.run(["preview", "--port", "70000"], in: directory.url, timeout: 30)
        XCTAssertEqual(badPort.status, 2, badPort.stderr)
    }
}

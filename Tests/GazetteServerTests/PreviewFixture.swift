// A preview server on a free loopback port, serving a throwaway copy of the example newsletter, for tests that
// talk to it over HTTP as a browser would.
import Foundation
import GazetteTestSupport
import XCTest
@testable import Gazette
@testable import GazetteServer

final class PreviewFixture: @unchecked Sendable {
    let directory: TemporaryDirectory
    let server: PreviewServer
    let base: URL
    var port: Int { base.port ?? 0 }

    /// The example newsletter of the repository root, copied, served with a fast watcher.
    static func start(_ test: XCTestCase, pollInterval: TimeInterval = 0.05,
                      prepare: (TemporaryDirectory) throws -> Void = { _ in }) async throws -> PreviewFixture {
        let directory = try TemporaryDirectory("preview")
        try directory.copy(from: TestPaths.packageRoot, skipping: [".build", ".git", ".venv", "public", "logs", "outbox",
                                                                   "Sources", "Tests", "scripts", "docs", ".ci", "Benchmarks"])
        try prepare(directory)
        let server = PreviewServer(session: PreviewSession(root: directory.url, environment: [:]),
                                   options: .init(host: "127.0.0.1", port: 0, pollInterval: pollInterval))
        let base = try await server.start()
        let fixture = PreviewFixture(directory: directory, server: server, base: base)
        test.addTeardownBlock {
            await server.stop()
            directory.remove()
        }
        return fixture
    }

    private init(directory: TemporaryDirectory, server: PreviewServer, base: URL) {
        self.directory = directory
        self.server = server
        self.base = base
    }

    func get(_ target: String, extraHeaders: String = "") throws -> RawHTTPClient.Response {
        try RawHTTPClient.get(target, port: port, extraHeaders: extraHeaders)
    }

    /// Writes a project file the way an editor saves it (a new file renamed over the old one).
    func save(_ text: String, to path: String) throws {
        let target = directory.url.appendingPathComponent(path)
        let temporary = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).tmp")
        try Data(text.utf8).write(to: temporary)
        _ = rename(temporary.path, target.path)
    }

    /// Polls `condition` every 50 ms until it holds or `timeout` passes; returns whether it held.
    func eventually(timeout: TimeInterval = 5, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while Date() < deadline {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return try condition()
    }

    static let firstIssue = "001-lighthouse-2-0"
}

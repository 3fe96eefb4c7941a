// A copy of the minimal fixture project in a temporary folder, and the `gazette` binary run in it, for the
// tests of `gazette subscribers …`.
import Foundation
import GazetteTestSupport
import XCTest

class ListProjectTestCase: XCTestCase {
    var directory: TemporaryDirectory!

    override func setUpWithError() throws {
        directory = try TemporaryDirectory("subscribers")
        addTeardownBlock { [directory] in directory?.remove() }
        try directory.copy(from: TestPaths.fixtures.appendingPathComponent("projects/minimal"))
    }

    /// Runs `gazette arguments…` in the project and fails the test if it crashed.
    func gazette(_ arguments: String..., file: StaticString = #filePath, line: UInt = #line) throws -> GazetteBinary.Run {
        let run = try GazetteBinary.run(arguments, in: directory.url)
        for marker in ["Fatal error", "Stack dump", "Backtrace", "Segmentation"] {
            XCTAssertFalse(run.stderr.contains(marker), "crashed: \(run.stderr)", file: file, line: line)
        }
        XCTAssertFalse([132, 133, 134, 139].contains(run.status), "killed by a signal: \(run.status)", file: file, line: line)
        return run
    }

    /// The bytes of a project file.
    func bytes(_ path: String) throws -> Data { try Data(contentsOf: directory.url.appendingPathComponent(path)) }

    /// Today in UTC as YYYY-MM-DD, as `subscribed_at` gets it.
    var today: String {
        ISO8601DateFormatter.string(from: Date(), timeZone: TimeZone(identifier: "UTC") ?? .current, formatOptions: [.withFullDate])
    }
}

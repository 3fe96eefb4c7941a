// Which issues `gazette ci publish` sends: the rules of PublishReadiness on real logs, written by real
// publishes of the minimal fixture to an outbox, then cut off or split into shards by hand.
import Foundation
import GazetteTestSupport
import XCTest
@testable import Gazette

final class PublishReadinessTests: XCTestCase {
    var directory: TemporaryDirectory!

    override func setUpWithError() throws {
        directory = try TemporaryDirectory("ready")
        addTeardownBlock { [directory] in directory?.remove() }
        try directory.copy(from: TestPaths.fixtures.appendingPathComponent("projects/minimal"))
    }

    /// Issue `number` as a copy of the fixture's first issue with extra front matter.
    func addIssue(_ number: Int, frontMatter: String) throws {
        let text = try directory.read("content/issues/001-hello.md")
            .replacingOccurrences(of: "title: \"Hello from the fixture\"", with: "title: \"Issue \(number)\"\n\(frontMatter)")
        try directory.write(text, to: String(format: "content/issues/%03d-issue-%d.md", number, number))
    }

    func readiness(_ shard: Shard? = nil, overview: Bool = false) throws -> PublishReadiness {
        try PublishReadiness(project: Project(root: directory.url), job: shard, overview: overview)
    }

    func states(_ readiness: PublishReadiness) -> [Int: IssueReadiness.State] {
        Dictionary(uniqueKeysWithValues: readiness.issues.map { ($0.issue.number, $0.state) })
    }

    func publish(_ issue: String, _ arguments: [String] = []) throws {
        let run = try GazetteBinary.run(["publish", issue, "--via", "outbox:outbox"] + arguments, in: directory.url)
        XCTAssertEqual(run.status, 0, run.stderr)
    }

    func testWithoutAnyLogOnlyPublishTrueIsReadyAndDraftsNever() throws {
        try addIssue(2, frontMatter: "draft: true\npublish: true")
        try addIssue(3, frontMatter: "publish: false")
        XCTAssertEqual(states(try readiness()), [1: .waiting, 2: .draft, 3: .held],
                       "a project that adopts CI does not send its back catalogue")
        try addIssue(4, frontMatter: "publish: true")
        let ready = try readiness()
        XCTAssertEqual(ready.due.map(\.issue.number), [4])
        XCTAssertEqual(ready.due.first?.reason, "publish: true")
    }

    func testANewerIssueThanTheLastPublishedIsReadyAndAFinishedOneIsNot() throws {
        try publish("1")
        try addIssue(2, frontMatter: "")
        try addIssue(3, frontMatter: "draft: true")
        let ready = try readiness()
        XCTAssertEqual(states(ready), [1: .published, 2: .ready, 3: .draft])
        XCTAssertTrue(ready.due.first?.reason.contains("newer than 001-hello") ?? false, "\(ready.due)")
    }

    func testACutOffOrDeferredPublishIsResumed() throws {
        try publish("1")
        let log = directory.url.appendingPathComponent("logs/hello.jsonl")
        let handle = try FileHandle(forWritingTo: log)
        try handle.seekToEnd()
        // A run that began, sent one message and was killed before its run-end line.
        try handle.write(contentsOf: Data(#"""
            {"event":"run-start","time":"2026-11-23T10:00:00.000Z","pid":1}
            {"event":"sending","time":"2026-11-23T10:00:01.000Z","address":"late@example.org","attempt":1}

            """#.utf8))
        try handle.close()
        let ready = try readiness()
        XCTAssertEqual(states(ready)[1], .resume)
        XCTAssertEqual(ready.due.first?.reason, "the last run was cut off before it ended")

        let ended = try FileHandle(forWritingTo: log)
        try ended.seekToEnd()
        try ended.write(contentsOf: Data(#"""
            {"event":"deferred","time":"2026-11-23T10:00:02.000Z","address":"late@example.org","code":451}
            {"event":"run-end","time":"2026-11-23T10:00:03.000Z","summary":{"deferred":1,"not_attempted":0}}

            """#.utf8))
        try ended.close()
        XCTAssertEqual(try readiness().due.first?.reason, "1 deferred left")
    }

    func testShardsAreJudgedPerPartAndAnotherLayoutIsRefused() throws {
        let first = try XCTUnwrap(Shard(index: 1, count: 2)), second = try XCTUnwrap(Shard(index: 2, count: 2))
        try publish("1", ["--shard", "1/2"])
        XCTAssertEqual(states(try readiness(first))[1], .published)
        XCTAssertEqual(try readiness(second).due.first?.reason, "this shard's part is not begun yet")
        XCTAssertEqual(states(try readiness(overview: true))[1], .resume)

        let whole = try readiness(nil)
        XCTAssertEqual(states(whole)[1], .layoutConflict, "a whole-list job would send shard 1's part again")
        XCTAssertEqual(whole.diagnostics.map(\.code), ["ci-shard-layout"])
        XCTAssertNotNil(whole.diagnostics.first?.hint)

        try publish("1", ["--shard", "2/2"])
        XCTAssertEqual(states(try readiness(nil))[1], .published, "once every part is done, any job leaves it alone")
    }

    func testPublishFrontMatterIsAKnownKeyAndMustBeABoolean() throws {
        try addIssue(2, frontMatter: "publish: true")
        let issue = try Project(root: directory.url).loadIssue(at: directory.url.appendingPathComponent("content/issues/002-issue-2.md"))
        XCTAssertEqual(issue.publish, true)
        XCTAssertTrue(issue.warnings.isEmpty, "\(issue.warnings)")
        try addIssue(3, frontMatter: "publish: soon")
        let ready = try readiness()
        XCTAssertTrue(ready.diagnostics.contains { $0.location?.path == "content/issues/003-issue-3.md" }, "\(ready.diagnostics)")
    }
}

// Segments: an issue's `audience:` (tags, exclude_tags, where) read from the front matter, applied row by row
// to the lists, checked (an unknown list, tag or column is an error at its line; nobody is a warning), counted
// by build and check, and honoured by publish.
import Foundation
import GazetteTestSupport
import XCTest
@testable import Gazette

final class SegmentTests: XCTestCase {
    var directory: TemporaryDirectory!

    static let subscribers = """
    email,name,tags,country,plan
    ada@example.org,Ada,rust;swift,UK,pro
    zoe@example.org,Zoë,Swift,SE,free
    bob@example.org,Bob,rust; paused,DE,pro
    eve@example.org,Eve,,DE,free
    ADA@example.org,Ada again,go,UK,free

    """

    override func setUpWithError() throws {
        directory = try TemporaryDirectory("segments")
        addTeardownBlock { [directory] in directory?.remove() }
        try directory.copy(from: TestPaths.fixtures.appendingPathComponent("projects/minimal"))
        try directory.write(Self.subscribers, to: "subscribers/main.csv")
    }

    /// Writes issue 1 with `audience` as its front matter's audience block.
    func issue(audience: String) throws -> IssueSource {
        let path = "content/issues/001-hello.md"
        let text = try directory.read(path)
        try directory.write(text.replacingOccurrences(of: "summary: \"A test issue.\"\n", with: "summary: \"A test issue.\"\n" + audience),
                            to: path)
        let project = try Project(root: directory.url)
        return try project.loadIssue(at: project.url(path))
    }

    func recipients(of issue: IssueSource) throws -> [String] {
        var audience = try Audience(project: try Project(root: directory.url), lists: issue.lists)
        audience.segment = issue.segment
        var found: [String] = []
        try audience.forEach { if case .recipient(let subscriber) = $0 { found.append(subscriber.email) } }
        return found
    }

    func testTagsExcludeTagsAndWhere() throws {
        let anyTag = try issue(audience: "audience:\n  tags: [rust, SWIFT]\n")
        XCTAssertTrue(anyTag.errors.isEmpty, "\(anyTag.errors)")
        XCTAssertEqual(try recipients(of: anyTag), ["ada@example.org", "zoe@example.org", "bob@example.org"])

        try setUpWithError()
        let excluded = try issue(audience: "audience: { tags: [rust], exclude_tags: [paused] }\n")
        XCTAssertEqual(try recipients(of: excluded), ["ada@example.org"])

        try setUpWithError()
        let whereSingle = try issue(audience: "audience:\n  where: { country: DE }\n")
        XCTAssertEqual(try recipients(of: whereSingle), ["bob@example.org", "eve@example.org"])

        try setUpWithError()
        let whereMany = try issue(audience: "audience:\n  lists: [main]\n  where:\n    country: [uk, se]\n    plan: free\n")
        XCTAssertEqual(whereMany.lists, ["main"])
        // Ada's first row is not free; her second row (ADA@…, free, UK) is in the segment and counts once.
        XCTAssertEqual(try recipients(of: whereMany), ["zoe@example.org", "ADA@example.org"])
    }

    func testCheckReportsUnknownTagsColumnsAndListsAtTheirLines() throws {
        _ = try issue(audience: "audience:\n  tags: [rust, rusty]\n  where: { continent: Europe }\n")
        let run = try GazetteBinary.run(["check", "1", "--format", "json"], in: directory.url)
        XCTAssertEqual(run.status, 1, run.stdout)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let diagnostics = json["diagnostics"] as? [[String: Any]] ?? []
        let tag = try XCTUnwrap(diagnostics.first { $0["code"] as? String == "audience-tag" })
        XCTAssertEqual(tag["file"] as? String, "content/issues/001-hello.md")
        XCTAssertEqual(tag["line"] as? Int, 7, "the line of `tags:`")
        XCTAssertTrue((tag["message"] as? String)?.contains("\"rusty\"") == true)
        let column = try XCTUnwrap(diagnostics.first { $0["code"] as? String == "audience-attribute" })
        XCTAssertEqual(column["line"] as? Int, 8)
        XCTAssertTrue((column["hint"] as? String)?.contains("country") == true, "the hint names the real columns")

        try setUpWithError()
        _ = try issue(audience: "audience:\n  lists: [main, vip]\n")
        let unknownList = try GazetteBinary.run(["check", "1"], in: directory.url)
        XCTAssertEqual(unknownList.status, 1)
        XCTAssertTrue(unknownList.stderr.contains("content/issues/001-hello.md:7"), unknownList.stderr)
        XCTAssertTrue(unknownList.stderr.contains("there is no subscriber list \"vip\""))
    }

    func testEmptyAudienceIsAWarningAndCountsAreReported() throws {
        _ = try issue(audience: "audience:\n  where: { country: FR }\n")
        let run = try GazetteBinary.run(["check", "1", "--format", "json"], in: directory.url)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let codes = (json["diagnostics"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        XCTAssertTrue(codes.contains("audience-empty"), "\(codes)")
        XCTAssertEqual((json["issues"] as? [[String: Any]])?.first?["audience"] as? Int, 0)

        try setUpWithError()
        _ = try issue(audience: "audience: { tags: [rust] }\n")
        let build = try GazetteBinary.run(["build"], in: directory.url)
        XCTAssertTrue(build.stdout.contains("content/issues/001-hello.md: 2 recipients"), build.stdout)
    }

    func testPublishSendsOnlyTheSegment() throws {
        _ = try issue(audience: "audience: { tags: [swift] }\n")
        var options = PublishOptions(issue: "1")
        options.environment = ["GAZETTE_UNSUBSCRIBE_SECRET": "test-secret"]
        let project = try Project(root: directory.url)
        let summary = try Publisher(project: project, options: options) { via in
            try Transports.make(via: via, configuration: project.configuration, caFile: nil, environment: [:], projectRoot: project.root)
        }.run()
        XCTAssertEqual(summary.sent, 2, "ada and zoe")
        XCTAssertEqual(summary.outsideSegment, 3)
        let outbox = directory.url.appendingPathComponent("outbox/new")
        let messages = try FileManager.default.contentsOfDirectory(atPath: outbox.path)
            .map { try String(contentsOf: outbox.appendingPathComponent($0), encoding: .utf8) }
        XCTAssertEqual(messages.filter { $0.contains("To: Ada <ada@example.org>") }.count, 1)
        XCTAssertFalse(messages.contains { $0.contains("bob@example.org") })
    }
}

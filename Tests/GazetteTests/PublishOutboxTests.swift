// Publishing to the outbox transport in process: who gets a message, what the log says, that a rerun sends
// nobody twice, that every message reads cleanly in Python's email package and verifies with dkimpy.
import Foundation
import GazetteTestSupport
import Mail
import XCTest
@testable import Gazette

final class PublishOutboxTests: XCTestCase {
    var directory: TemporaryDirectory!
    var project: Project!

    static let subscribers = """
    email,name,city
    ada@example.org,Ada Lovelace,London
    "zoe@example.org","Ångström, Zoë",Uppsala
    ADA@example.org,Ada again,London
    not-an-address,Nobody,Nowhere
    eve@example.org,"Eve\r\nBcc: victim@example.net",Evil
    gone@example.org,Gone,Away
    grace@example.org,,Arlington

    """

    override func setUpWithError() throws {
        directory = try TemporaryDirectory("publish")
        addTeardownBlock { [directory] in directory?.remove() }
        try directory.copy(from: TestPaths.fixtures.appendingPathComponent("projects/minimal"))
        try directory.write(Self.subscribers, to: "subscribers/main.csv")
        try directory.write("email,reason,date\ngone@example.org,unsubscribed,2026-01-01\n", to: "subscribers/suppressed.csv")
        project = try Project(root: directory.url)
    }

    func publish(_ configure: (inout PublishOptions) -> Void = { _ in }) throws -> PublishSummary {
        try Publisher.publishInProcess(projectAt: directory.url, configure)
    }

    func outboxFiles() throws -> [URL] {
        let folder = directory.url.appendingPathComponent("outbox/new")
        return try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().map { folder.appendingPathComponent($0) }
    }

    func testAudienceOutcomesAndLog() throws {
        let summary = try publish()
        XCTAssertEqual(summary.sent, 3, "ada, zoe, grace")
        XCTAssertEqual(summary.invalid, 2, "the bad address and the header injection")
        XCTAssertEqual(summary.duplicates, 1)
        XCTAssertEqual(summary.suppressed, 1)
        XCTAssertEqual(summary.exitStatus, 0)
        XCTAssertEqual(try outboxFiles().count, 3)

        let state = try PublishLogState(reading: directory.url.appendingPathComponent("logs/hello.jsonl"))
        XCTAssertNotNil(state.header?.contentHash)
        XCTAssertEqual(state.counts[.sent], 3)
        XCTAssertEqual(state.counts[.invalid], 2)
        let log = try directory.read("logs/hello.jsonl")
        XCTAssertTrue(log.contains("\"source\":\"subscribers/main.csv:6\""), "the injection row is named by file and line:\n\(log)")
        XCTAssertFalse(log.contains("victim@example.net\",\"event\":\"sent"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory.url.appendingPathComponent("logs/hello.lists/main.csv").path))
    }

    func testRerunSendsNobodyTwice() throws {
        _ = try publish()
        let second = try publish()
        XCTAssertEqual(second.sent, 0)
        XCTAssertEqual(second.alreadyDone, 5, "3 sent + 2 invalid")
        XCTAssertEqual(try outboxFiles().count, 3)
    }

    func testRerunAfterContentChangeRefusesUnlessForced() throws {
        _ = try publish { $0.limit = 1 }
        let issue = "content/issues/001-hello.md"
        try directory.write(try directory.read(issue) + "\nOne more paragraph.\n", to: issue)
        XCTAssertThrowsError(try publish()) { error in
            XCTAssertEqual((error as? DiagnosticError)?.diagnostics.first?.code, "content-changed")
        }
        let forced = try publish { $0.force = true }
        XCTAssertEqual(forced.sent, 2)
    }

    func testFrozenAudienceIgnoresLaterSubscribersButHonoursNewSuppressions() throws {
        let first = try publish { $0.limit = 1 }
        XCTAssertEqual(first.sent, 1)
        XCTAssertEqual(first.exitStatus, 75, "the rest was not attempted")
        try directory.write(Self.subscribers + "late@example.org,Late,Later\n", to: "subscribers/main.csv")
        try directory.write("email,reason,date\ngone@example.org,unsubscribed,2026-01-01\ngrace@example.org,unsubscribed,2026-01-02\n",
                            to: "subscribers/suppressed.csv")
        let second = try publish()
        XCTAssertEqual(second.sent, 1, "zoe only: late joined after the first run, grace unsubscribed since")
        XCTAssertEqual(second.suppressed, 2)
    }

    func testDryRunSendsAndLogsNothing() throws {
        let summary = try publish { $0.dryRun = true }
        XCTAssertEqual(summary.composed, 3)
        XCTAssertEqual(summary.invalid, 2)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.url.appendingPathComponent("logs/hello.jsonl").path))
        XCTAssertEqual((try? outboxFiles())?.count ?? 0, 0)
    }

    func testShardsSplitTheAudienceExactly() throws {
        var rows = "email,name\n"
        for index in 0..<60 { rows += "reader\(index)@example.org,Reader \(index)\n" }
        try directory.write(rows, to: "subscribers/main.csv")
        var total = 0
        for shard in 1...3 {
            let summary = try publish { $0.shard = Shard(index: shard, count: 3) }
            total += summary.sent
            XCTAssertEqual(summary.sent + summary.otherShard, 60)
            XCTAssertTrue(FileManager.default.fileExists(atPath: directory.url.appendingPathComponent("logs/hello.shard-\(shard)-of-3.jsonl").path))
        }
        XCTAssertEqual(total, 60)
        XCTAssertEqual(try outboxFiles().count, 60)
    }

    func testMessagesReadCleanlyAndDKIMVerifies() throws {
        let keys = try TemporaryDirectory("dkim")
        addTeardownBlock { keys.remove() }
        let keyFile = keys.url.appendingPathComponent("ed25519.pem")
        let generated = try PythonTools.runTool("openssl", arguments: ["genpkey", "-algorithm", "ed25519", "-out", keyFile.path])
        XCTAssertEqual(generated.status, 0, generated.stderr)
        let yaml = try directory.read("gazette.yml") + "dkim: { domain: fixture.example.org, selector: gazette }\n"
        try directory.write(yaml, to: "gazette.yml")
        let summary = try publish { $0.environment["GAZETTE_DKIM_KEY_FILE"] = keyFile.path }
        XCTAssertEqual(summary.sent, 3)
        let record = try SigningKey(pem: String(contentsOf: keyFile, encoding: .utf8), source: "test").dnsRecord()
        let reports = try MessageVerifier.verify(try outboxFiles(), dkimRecord: record)
        XCTAssertEqual(reports.count, 3)
        for report in reports {
            XCTAssertEqual(report.defects, [], report.file)
            XCTAssertEqual(report.dkim, true, "\(report.file) DKIM")
            XCTAssertEqual(report.partTypes, ["multipart/alternative", "text/plain", "text/html"])
            XCTAssertEqual(report.listUnsubscribePost, "List-Unsubscribe=One-Click")
            XCTAssertTrue(report.listUnsubscribe.contains("token="), report.listUnsubscribe)
            XCTAssertLessThanOrEqual(report.longestLine, 998)
            XCTAssertFalse(report.html.contains("GZSLOT"), "every slot filled")
        }
        let zoe = try XCTUnwrap(reports.first { $0.to.contains("zoe@example.org") })
        XCTAssertTrue(zoe.to.contains("Ångström, Zoë"), zoe.to)
        XCTAssertTrue(zoe.text.contains("Hi Ångström, Zoë,"), String(zoe.text.prefix(200)))
        let grace = try XCTUnwrap(reports.first { $0.to.contains("grace@example.org") })
        XCTAssertTrue(grace.text.contains("Hi there,"), "the default fills an empty name")
    }

    func testHourlyCapCountsEarlierRunsFromTheLogs() throws {
        try directory.write(try directory.read("gazette.yml") + "delivery: { max_per_hour: 2 }\n", to: "gazette.yml")
        let first = try publish()
        XCTAssertEqual(first.sent, 2, "the cap stops the run")
        XCTAssertEqual(first.exitStatus, 75, "the rest is left for a later run")
        let second = try publish()
        XCTAssertEqual(second.sent, 0, "the next run still sees the two sends of this hour in the log")
        XCTAssertEqual(second.exitStatus, 75)
    }

    func testUnsubscribeTokenVerifiesAndDiffersPerListAndAddress() throws {
        let link = UnsubscribeLink(baseURL: "https://x.example.org/u", mailto: nil, secret: "s")
        let token = try link.token(address: "Ada@Example.org", list: "main")
        XCTAssertTrue(link.verify(token: token, address: "ada@example.org", list: "main"))
        XCTAssertFalse(link.verify(token: token, address: "ada@example.org", list: "beta"))
        XCTAssertFalse(link.verify(token: token, address: "eve@example.org", list: "main"))
        XCTAssertEqual(try link.url(address: "a+b@example.org", list: "main"),
                       "https://x.example.org/u?token=\(try link.sealedToken(address: "a+b@example.org", list: "main"))",
                       "the link is opaque: UnsubscribeTokenTests")
    }
}

// `gazette report` over real logs: written by a real publish to the aiosmtpd test server (with a domain that
// tempfails every recipient, so that it stands out), a bounce ledger and an events file written by their own
// writers; and over crafted logs: shards summed, a rerun's outcome winning, a log cut off mid-line, garbage lines,
// missing files. The HTML page is checked in the browser tests (ReportPageBrowserTests).
import Foundation
import GazetteTestSupport
import XCTest
@testable import Gazette

final class ReportTests: XCTestCase {
    var directory: TemporaryDirectory!

    override func setUpWithError() throws {
        directory = try TemporaryDirectory("report")
        addTeardownBlock { [directory] in directory?.remove() }
        try directory.copy(from: TestPaths.fixtures.appendingPathComponent("projects/minimal"))
    }

    func report(_ arguments: [String]) throws -> GazetteBinary.Run {
        try GazetteBinary.run(["report"] + arguments, in: directory.url, timeout: 60)
    }

    func json(_ run: GazetteBinary.Run) throws -> [String: Any] {
        XCTAssertEqual(run.status, 0, run.stderr)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], run.stdout)
    }

    func testReportOfARealPublishWithABlockedDomainBouncesAndUnsubscribes() throws {
        let server = try TestSMTPServer.start({
            var options = TestSMTPServer.Options()
            options.pipelining = true
            options.tempfailRecipients = (0..<25).map { "reader\($0)@blocked.example" }
            options.rejectRecipients = ["gone@example.org"]
            return options
        }())
        addTeardownBlock { server.stop() }
        let addresses = (0..<30).map { "reader\($0)@gmail.com" } + (0..<30).map { "reader\($0)@example.org" }
            + (0..<25).map { "reader\($0)@blocked.example" } + ["gone@example.org", "not an address"]
        try directory.write("email,name\n" + addresses.map { "\($0),Reader" }.joined(separator: "\n") + "\n", to: "subscribers/main.csv")
        try directory.write(try directory.read("gazette.yml") + "delivery: { retries: 1, retry_delay: 0.05 }\n", to: "gazette.yml")
        let published = try GazetteBinary.run(["publish", "1", "--via", "smtp://127.0.0.1:\(server.port)?tls=none", "--concurrency", "4"],
                                              in: directory.url, environment: ["GAZETTE_UNSUBSCRIBE_SECRET": "s", "CI": "true"], timeout: 120)
        XCTAssertEqual(published.status, 75, "deferred recipients: \(published.stdout)\(published.stderr)")
        let delivered = try server.receivedMessages().reduce(0) { $0 + $1.rcptTos.count }

        // A hard bounce and a complaint imported later, and an unsubscribe from `gazette serve`, by their own writers.
        let later = Date().addingTimeInterval(60)
        let ledger = try SoftBounceLedger(url: directory.url.appendingPathComponent(SoftBounceLedger.path))
        try ledger.append([
            .init(id: "m1", email: "reader3@gmail.com", bounceClass: .hard, status: "5.1.1", reason: "user unknown", date: later, source: "a.eml"),
            .init(id: "m1-again", email: "Reader3@gmail.com", bounceClass: .hard, status: "5.1.1", reason: "user unknown", date: later, source: "b.eml"),
            .init(id: "m2", email: "reader4@example.org", bounceClass: .complaint, status: nil, reason: "abuse", date: later, source: "c.eml"),
            .init(id: "m3", email: "stranger@example.net", bounceClass: .soft, status: "4.2.2", reason: "full", date: later, source: "d.eml"),
        ])
        try EventsFile(directory: directory.url.appendingPathComponent("events"))
            .append(UnsubscribeEvent(target: UnsubscribeTarget(address: "reader5@gmail.com", list: "main", form: .sealed), via: .oneClick, time: later))

        let object = try json(try report(["--format", "json"]))
        let issues = try XCTUnwrap(object["issues"] as? [[String: Any]])
        XCTAssertEqual(issues.count, 1)
        let counts = try XCTUnwrap(issues[0]["counts"] as? [String: Any])
        XCTAssertEqual(counts["sent"] as? Int, delivered, "the log's sent recipients are the server's")
        XCTAssertEqual(counts["sent"] as? Int, 60)
        XCTAssertEqual(counts["deferred"] as? Int, 25)
        XCTAssertEqual(counts["failed"] as? Int, 1)
        XCTAssertEqual(counts["invalid"] as? Int, 1)
        XCTAssertEqual(counts["hard_bounces"] as? Int, 1, "two records of one recipient count once")
        XCTAssertEqual(counts["complaints"] as? Int, 1)
        XCTAssertEqual(counts["unsubscribes"] as? Int, 1)
        let rates = try XCTUnwrap(counts["rates"] as? [String: Double])
        XCTAssertEqual(rates["sent"] ?? 0, 60.0 / 86, accuracy: 1e-9, "of attempted: all but the invalid one")
        XCTAssertEqual(rates["complaints"] ?? 0, 1.0 / 60, accuracy: 1e-9, "of sent")
        let domains = try XCTUnwrap(issues[0]["domains"] as? [[String: Any]])
        XCTAssertEqual(domains.filter { $0["flagged"] as? Bool == true }.map { $0["domain"] as? String }, ["blocked.example"])
        XCTAssertEqual((object["unattributed"] as? [String: Any])?["soft_bounces"] as? Int, 1, "a bounce for an address never sent to")
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory.url.appendingPathComponent("public/report/index.html").path))

        let text = try report(["1", "--no-html"])
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.contains("blocked.example stands out: 100.0% not delivered"), text.stdout)
        XCTAssertTrue(text.stdout.contains("gmail.com"), text.stdout)
        XCTAssertFalse(text.stdout.contains("\u{1B}["), "no colour when not on a terminal")

        let csv = try report(["--format", "csv", "--no-html"])
        XCTAssertEqual(csv.status, 0, csv.stderr)
        let rows = csv.stdout.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        XCTAssertTrue(rows[0].hasPrefix("issue,started,domain,domains,flagged,recipients,attempted,sent,"), rows[0])
        XCTAssertTrue(rows.contains { $0.hasPrefix("hello,") && $0.contains(",blocked.example,1,yes,25,25,0,25,") }, rows.joined(separator: "\n"))
    }

    /// Two issues, the second sharded in two with a rerun, one shard's log torn by a kill mid-line, garbage here
    /// and there: every skipped line is counted and named, no crash, and the numbers are the ones the logs say.
    func testCraftedLogsShardsRerunsTornLinesAndGarbage() throws {
        func line(_ event: String, _ address: String? = nil, time: String) -> String {
            var object = "{\"event\":\"\(event)\",\"time\":\"\(time)\""
            if let address { object += ",\"address\":\"\(address)\"" }
            return object + ",\"via\":\"smtp\",\"future_field\":[1,2]}\n"
        }
        func header(_ slug: String, time: String) -> String {
            "{\"event\":\"header\",\"time\":\"\(time)\",\"version\":1,\"issue\":\"\(slug)\",\"issue_path\":\"content/issues/\(slug).md\"}\n"
                + line("run-start", time: time)
        }
        let octoberDay = "2026-10-01T09:00:00.000Z", novemberDay = "2026-11-01T09:00:00.000Z"
        try directory.write(header("october", time: octoberDay)
                            + line("sending", "a@x.org", time: octoberDay) + line("sent", "a@x.org", time: octoberDay)
                            + line("sending", "b@y.org", time: octoberDay) + line("deferred", "b@y.org", time: octoberDay)
                            + "not json at all\n"
                            + line("run-end", time: octoberDay)
                            // A rerun: b is sent now; its last outcome wins.
                            + line("run-start", time: octoberDay) + line("sending", "b@y.org", time: octoberDay) + line("sent", "B@Y.org", time: octoberDay)
                            + line("run-end", time: octoberDay), to: "logs/october.jsonl")
        try directory.write(header("november", time: novemberDay)
                            + line("sending", "a@x.org", time: novemberDay) + line("sent", "a@x.org", time: novemberDay)
                            + line("sending", "c@y.org", time: novemberDay)  // killed before the reply: uncertain
                            + "{\"event\":\"sent\",\"time\":\"2026-11-01T09:00:01", to: "logs/november.shard-1-of-2.jsonl")
        try directory.write(header("november", time: novemberDay)
                            + "{\"event\": \"invalid\", \"time\": \"\(novemberDay)\", \"address\": \"bad@@z.org\"}\n"  // spaces: decoded
                            + line("queued", "d@x.org", time: novemberDay)  // an event of a later version: passed over
                            + line("run-end", time: novemberDay), to: "logs/november.shard-2-of-2.jsonl")
        try directory.write("{\"id\":\"1\",\"email\":\"a@x.org\",\"class\":\"soft\",\"reason\":\"full\",\"date\":\"2026-10-15T00:00:00Z\",\"source\":\"m\"}\n"
                            + "{\"id\":\"2\",\"email\":\"a@x.org\",\"class\":\"hard\",\"reason\":\"gone\",\"date\":\"2026-11-05T00:00:00Z\",\"source\":\"m\"}\n"
                            + "{\"id\":\"3\",\"email\":\"a@x.org\",\"cl", to: "logs/bounces.jsonl")
        try directory.write("{\"event\":\"unsubscribe\",\"time\":\"2026-10-20T00:00:00.000Z\",\"email\":\"b@y.org\",\"list\":\"main\",\"via\":\"page\"}\n"
                            + "\u{00}\u{01}garbage\n{\"event\":\"unsubscribe\"}\n\n", to: "events/2026-10-20.jsonl")

        let project = try Project(root: directory.url)
        let report = try ReportBuilder(project: project).build()
        XCTAssertEqual(report.issues.map(\.slug), ["october", "november"], "chronological")
        let october = report.issues[0].counts, november = report.issues[1].counts
        XCTAssertEqual([october.sent, october.deferred, october.softBounces, october.unsubscribes, october.hardBounces], [2, 0, 1, 1, 0])
        XCTAssertEqual([november.sent, november.uncertain, november.invalid, november.hardBounces], [1, 1, 1, 1],
                       "shards summed; the bounce after November's send is November's")
        XCTAssertEqual(report.issues[1].logs, ["logs/november.shard-1-of-2.jsonl", "logs/november.shard-2-of-2.jsonl"])
        XCTAssertEqual(report.issues[1].cutOffLogs, ["logs/november.shard-1-of-2.jsonl"], "its run never ended")
        let codes = report.problems.map { "\($0.code) \($0.location?.description ?? "")" }
        XCTAssertTrue(codes.contains("report-log-line-unreadable logs/october.jsonl:7"), "\(codes)")
        XCTAssertTrue(codes.contains("report-log-torn logs/november.shard-1-of-2.jsonl"), "\(codes)")
        XCTAssertEqual(codes.filter { $0.hasPrefix("events-line-unreadable events/2026-10-20.jsonl") }.count, 2, "\(codes)")

        // The command says the same and exits 0; the skipped lines go to standard error.
        let run = try GazetteBinary.run(["report", "--no-html"], in: directory.url, timeout: 60)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stderr.contains("logs/november.shard-1-of-2.jsonl: warning: the last line is cut off"), run.stderr)
        XCTAssertTrue(run.stdout.contains("november (cut off)"), run.stdout)
    }

    func testMissingFilesAndUnknownIssues() throws {
        let empty = try GazetteBinary.run(["report"], in: directory.url, timeout: 60)
        XCTAssertEqual(empty.status, 0, empty.stderr)
        XCTAssertTrue(empty.stdout.contains("No publish logs in logs/"), empty.stdout)
        XCTAssertTrue(try directory.read(ReportPage.defaultPath).contains("No publish logs in logs/ yet."))

        let unpublished = try GazetteBinary.run(["report", "1"], in: directory.url, timeout: 60)
        XCTAssertEqual(unpublished.status, 1)
        XCTAssertTrue(unpublished.stderr.contains("content/issues/001-hello.md has no publish log (logs/hello.jsonl)"), unpublished.stderr)
        let unknown = try GazetteBinary.run(["report", "nope"], in: directory.url, timeout: 60)
        XCTAssertEqual(unknown.status, 1)
        XCTAssertTrue(unknown.stderr.contains("no publish log and no issue matches \"nope\""), unknown.stderr)
        let usage = try GazetteBinary.run(["report", "--domains", "0"], in: directory.url, timeout: 60)
        XCTAssertEqual(usage.status, 2, usage.stderr)
    }

    /// The flag rule at its edges: too small a domain is never flagged; both the margin and the factor must hold.
    func testDomainFlagRuleAndFormats() {
        func counts(sent: Int, deferred: Int) -> OutcomeCounts {
            var counts = OutcomeCounts()
            counts.sent = sent
            counts.deferred = deferred
            return counts
        }
        let issue = counts(sent: 900, deferred: 100)  // 10 %
        XCTAssertTrue(DomainFlag.isFlagged(counts(sent: 16, deferred: 4), in: issue), "20 %: ten points above and twice")
        XCTAssertFalse(DomainFlag.isFlagged(counts(sent: 17, deferred: 3), in: issue), "15 %: not ten points above")
        XCTAssertFalse(DomainFlag.isFlagged(counts(sent: 5, deferred: 14), in: issue), "19 attempted: too few to say")
        let noisy = counts(sent: 600, deferred: 400)  // 40 %
        XCTAssertFalse(DomainFlag.isFlagged(counts(sent: 45, deferred: 55), in: noisy), "55 %: fifteen points above but not twice")
        XCTAssertEqual(Report.percent(0.003), "0.30%")
        XCTAssertEqual(Report.percent(0.25), "25.0%")
        XCTAssertEqual(Report.number(1_234_567), "1,234,567")
        XCTAssertEqual(OutcomeCounts.rate(1, of: 0), 0, "no division by zero")
        XCTAssertEqual(RecipientTable.domain(of: "ann@b@example.org"), "example.org")
        XCTAssertEqual(RecipientTable.domain(of: "ann@"), "(none)")
        // Log times read by hand agree with the formatter, and what is not in Gazette's form goes to the formatter.
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        for text in ["2026-11-23T21:34:29.123Z", "2024-02-29T00:00:00.000Z", "1999-12-31T23:59:59.999Z"] {
            XCTAssertEqual(LogRecord.utcDate(text)?.timeIntervalSince1970 ?? 0, formatter.date(from: text)?.timeIntervalSince1970 ?? 1, accuracy: 0.0005, text)
        }
        XCTAssertEqual(LogRecord.utcDate("2026-11-24T00:00:00Z"), ISO8601DateFormatter().date(from: "2026-11-24T00:00:00Z"))
        XCTAssertNil(LogRecord.utcDate("2026-11-24T00:00:00+01:00"))
        XCTAssertEqual(LogRecord.date("2026-11-24T01:00:00+01:00"), ISO8601DateFormatter().date(from: "2026-11-24T00:00:00Z"))
        XCTAssertNil(LogRecord.utcDate("2026-13-24T00:00:00Z"))

        var report = Report()
        var issue2 = IssueReport(slug: "x")
        issue2.domains = [IssueReport.DomainRow(domain: "=cmd|' /C calc'!A0", counts: counts(sent: 1, deferred: 0))]
        report.issues = [issue2]
        XCTAssertTrue(report.csv().contains(",'=cmd|' /C calc'!A0,"), "a domain a spreadsheet would run is neutralised: \(report.csv())")
    }
}

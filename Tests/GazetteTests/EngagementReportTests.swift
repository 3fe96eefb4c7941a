// `gazette report`'s engagement numbers from a real events file: an issue published (to the outbox) with tracking
// on, clicks and opens appended by EngagementRecorder's writer, then garbage, an incomplete line, an event of an
// issue with no log and a torn last line; unique openers (human and machine apart), clickers, rates of delivered
// and top links in JSON, text and CSV; "tracking off" without events.
import Foundation
import GazetteTestSupport
import XCTest
@testable import Gazette

final class EngagementReportTests: XCTestCase {
    func testOpensAndClicksAreCountedFromTheEventsFileWithGarbageInIt() throws {
        let directory = try TemporaryDirectory("engagement-report")
        defer { directory.remove() }
        try directory.copy(from: TestPaths.fixtures.appendingPathComponent("projects/minimal"))
        try directory.write(try directory.read("gazette.yml") + "tracking: { clicks: true, opens: true, consent: test }\n", to: "gazette.yml")
        try directory.write("email,name\nada@example.org,Ada\nbob@example.org,Bob\ncy@example.org,Cy\ndee@example.org,Dee\n", to: "subscribers/main.csv")
        let published = try GazetteBinary.run(["publish", "1"], in: directory.url, environment: ["GAZETTE_UNSUBSCRIBE_SECRET": "s"], timeout: 120)
        XCTAssertEqual(published.status, 0, published.stdout + published.stderr)

        let off = try GazetteBinary.run(["report", "--no-html"], in: directory.url, timeout: 60)
        XCTAssertEqual(off.status, 0, off.stderr)
        XCTAssertTrue(off.stdout.contains("Engagement: tracking off"), off.stdout)

        let events = EventsFile(directory: directory.url.appendingPathComponent("events"))
        let later = Date().addingTimeInterval(3600)
        func click(_ address: String, _ url: String) -> EngagementEvent {
            EngagementEvent(click: TrackedClick(issue: "hello", address: address, url: url), time: later)
        }
        func open(_ address: String, machine: Bool) -> EngagementEvent {
            EngagementEvent(open: TrackedOpen(issue: "hello", address: address, sent: later), machine: machine, time: later)
        }
        for event in [open("ada@example.org", machine: true), open("ada@example.org", machine: false), open("bob@example.org", machine: true),
                      click("ada@example.org", "https://fixture.example.org/project"), click("ada@example.org", "https://fixture.example.org/project"),
                      click("cy@example.org", "https://docs.example.net/"),
                      EngagementEvent(click: TrackedClick(issue: "never-sent", address: "x@example.org", url: "https://a.example/"), time: later),
                      open("tester@example.org", machine: false)] {
            try events.append(event)
        }
        let file = events.url(day: String(LogRecord.timestamp(later).prefix(10)))
        let handle = try FileHandle(forWritingTo: file)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("garbage {\n{\"event\":\"click\",\"issue\":\"hello\",\"email\":\"dee@example.org\",\"time\":\"2026-12-02T01:30:00.000Z\"}\n{\"event\":\"open\",\"iss".utf8))
        try handle.close()

        let run = try GazetteBinary.run(["report", "--format", "json", "--no-html"], in: directory.url, timeout: 60)
        XCTAssertEqual(run.status, 0, run.stderr)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], run.stdout)
        let issue = try XCTUnwrap((object["issues"] as? [[String: Any]])?.first)
        XCTAssertEqual(issue["tracking"] as? String, "on")
        let engagement = try XCTUnwrap(issue["engagement"] as? [String: Any])
        XCTAssertEqual(engagement["delivered"] as? Int, 4)
        XCTAssertEqual(engagement["openers"] as? Int, 2)
        XCTAssertEqual(engagement["human_openers"] as? Int, 1, "ada: one human open among machine ones")
        XCTAssertEqual(engagement["machine_only_openers"] as? Int, 1, "bob: only Apple's proxy")
        XCTAssertEqual(engagement["opens"] as? Int, 3)
        XCTAssertEqual(engagement["clickers"] as? Int, 2)
        XCTAssertEqual(engagement["clicks"] as? Int, 3)
        let rates = try XCTUnwrap(engagement["rates"] as? [String: Double])
        XCTAssertEqual(rates["open"] ?? 0, 0.5, accuracy: 1e-9)
        XCTAssertEqual(rates["human_open"] ?? 0, 0.25, accuracy: 1e-9)
        XCTAssertEqual(rates["click"] ?? 0, 0.5, accuracy: 1e-9)
        let links = try XCTUnwrap(engagement["links"] as? [[String: Any]])
        XCTAssertEqual(links.map { $0["url"] as? String }, ["https://fixture.example.org/project", "https://docs.example.net/"])
        XCTAssertEqual(links.map { $0["clicks"] as? Int }, [2, 1])
        XCTAssertEqual(object["engagement_events"] as? Int, 8)
        XCTAssertEqual(object["unmatched_engagement_events"] as? Int, 2, "the issue with no log, the address it was not sent to")
        let problems = try XCTUnwrap(object["diagnostics"] as? [[String: Any]])
        XCTAssertEqual(problems.count, 2, "the garbage and the incomplete line; the torn last line is ignored: \(problems)")
        XCTAssertEqual(problems.compactMap { ($0["location"] as? [String: Any])?["line"] as? Int ?? $0["line"] as? Int }, [9, 10], "\(problems)")

        let text = try GazetteBinary.run(["report", "1", "--no-html"], in: directory.url, timeout: 60)
        XCTAssertTrue(text.stdout.contains("top links"), text.stdout)
        let row = try XCTUnwrap(text.stdout.split(separator: "\n").first { $0.hasPrefix("hello ") && $0.contains("50.0%") }, text.stdout)
        XCTAssertEqual(row.split(separator: " ").filter { !$0.isEmpty }, ["hello", "4", "2", "1", "1", "50.0%", "25.0%", "2", "50.0%", "3"])

        let csv = try GazetteBinary.run(["report", "--format", "csv", "--no-html"], in: directory.url, timeout: 60)
        let lines = csv.stdout.components(separatedBy: "\r\n")
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let issueRow = lines[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let column = try XCTUnwrap(header.firstIndex(of: "human_openers"))
        XCTAssertEqual(issueRow[column], "1")
        XCTAssertEqual(issueRow[try XCTUnwrap(header.firstIndex(of: "click_rate"))], "0.500000")
    }
}

// Reading sequences without sending: steps' `after:` and ids, sequence.yml, order checks, the due rule, and
// subscribed_at forms. Every mistake is a diagnostic at its file and line.
import Foundation
import GazetteTestSupport
import XCTest
@testable import Gazette

final class SequenceStepTests: XCTestCase {
    static let day = IssueDate(parsing: "2026-12-01")!
    var directory: TemporaryDirectory!

    override func setUpWithError() throws {
        directory = try TemporaryDirectory("sequence")
        addTeardownBlock { [directory] in directory?.remove() }
        try directory.copy(from: TestPaths.fixtures.appendingPathComponent("projects/minimal"))
    }

    func load(_ files: [String: String]) throws -> EmailSequence {
        for (name, text) in files { try directory.write(text, to: "content/sequences/welcome/\(name)") }
        return try EmailSequence(project: Project(root: directory.url), name: "welcome", date: Self.day)
    }

    func messages(_ sequence: EmailSequence) -> [String] {
        sequence.diagnostics.map { "\($0.location?.description ?? "-") \($0.severity.rawValue) \($0.code)" }.sorted()
    }

    func testStepsAreOrderedByNumberKeyedByIdAndNeedNoDate() throws {
        let sequence = try load([
            "02-tips.md": "---\ntitle: Tips\nafter: 2h\n---\nBody\n",
            "01-hello.md": "---\ntitle: Hello\nafter: 0d\nid: first\n---\nBody\n",
            "sequence.yml": "lists: [main]\ncatch_up: 2d\naudience: { tags: [new] }\n",
        ])
        XCTAssertEqual(messages(sequence), [])
        XCTAssertEqual(sequence.steps.map(\.id), ["first", "tips"])
        XCTAssertEqual(sequence.steps.map(\.after), [0, 7200])
        XCTAssertEqual(sequence.steps.first?.source.date, Self.day)
        XCTAssertEqual(sequence.steps.first?.source.sequence, "welcome")
        XCTAssertEqual(sequence.steps.first?.source.lists, ["main"])
        XCTAssertEqual(sequence.steps.first?.source.segment.tags, ["new"])
        XCTAssertEqual(sequence.catchUp, 2 * 86_400)
    }

    func testMistakesAreDiagnosticsAtTheirLines() throws {
        let sequence = try load([
            "01-hello.md": "---\ntitle: Hello\n---\nBody\n",
            "02-tips.md": "---\ntitle: Tips\nafter: soon\n---\nBody\n",
            "03-more.md": "---\ntitle: More\nafter: 1w\n---\nBody\n",
            "04-tips.md": "---\ntitle: Again\nafter: 1d\nid: tips\n---\nBody\n",
            "later.md": "---\ntitle: Later\nafter: 2w\n---\nBody\n",
            "sequence.yml": "lists: [main]\ncatch_up: sometimes\ncolour: red\n",
        ])
        XCTAssertEqual(messages(sequence), [
            "content/sequences/welcome/01-hello.md:1 error sequence-after",
            "content/sequences/welcome/02-tips.md:3:8 error sequence-after",
            "content/sequences/welcome/04-tips.md:1 error sequence-step-id",
            "content/sequences/welcome/04-tips.md:3:8 error sequence-after-order",
            "content/sequences/welcome/later.md:1 error sequence-step-number",
            "content/sequences/welcome/sequence.yml:2:11 error sequence-catch-up",
            "content/sequences/welcome/sequence.yml:3:9 warning sequence-settings-unknown",
        ])
        XCTAssertThrowsError(try EmailSequence(project: Project(root: directory.url), name: "nope", date: Self.day))
    }

    func testTheDueRuleAndSubscribedAtForms() throws {
        let now = try XCTUnwrap(SubscribedAt.date("2026-12-10T12:00:00Z"))
        let schedule = StepSchedule(after: 3 * 86_400, catchUp: 7 * 86_400, now: now)
        XCTAssertEqual(schedule.decide(subscribedAt: "2026-12-08", inLog: false), .waiting)
        XCTAssertEqual(schedule.decide(subscribedAt: "2026-12-07T12:00:00Z", inLog: false), .due, "due at the very moment")
        XCTAssertEqual(schedule.decide(subscribedAt: "2026-11-30T11:59:00Z", inLog: false), .tooLate)
        XCTAssertEqual(schedule.decide(subscribedAt: "2026-11-30T11:59:00Z", inLog: true), .due, "the log's retries go on")
        XCTAssertEqual(schedule.decide(subscribedAt: "", inLog: false), .noDate)
        XCTAssertEqual(schedule.decide(subscribedAt: "yesterday", inLog: false), .noDate)
        XCTAssertEqual(SubscribedAt.date("2026-12-07T14:00:00+02:00"), SubscribedAt.date("2026-12-07T12:00:00Z"))
        XCTAssertEqual(SubscribedAt.date("2026-12-07 12:00"), SubscribedAt.date("2026-12-07T12:00:00Z"))
        XCTAssertNil(SubscribedAt.date("2026-13-07"))
        XCTAssertEqual(TimeSpan("0d", allowingZero: true)?.seconds, 0)
        XCTAssertNil(TimeSpan("0d"), "elsewhere a time span is positive")
    }
}

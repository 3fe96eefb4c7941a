// The A/B subject test without a network: the split (sizes within binomial bounds, independent of shards,
// stable), the front matter's mistakes at their lines, both phases through the outbox with ~1,000 recipients,
// `auto` from events files, the report's arms, and what `gazette ci` makes of a test that waits for its winner.
import Foundation
import GazetteTestSupport
import XCTest
@testable import Gazette

final class ABTestTests: XCTestCase {
    var directory: TemporaryDirectory!

    static let issue = """
    ---
    title: "Hello from the fixture"
    subjects: ["Alpha subject for you", "Bravo subject for you"]
    test_share: 20%
    date: 2026-01-15
    preheader: "The first fixture issue, with a list, a code block and a table."
    ---

    Hi {{subscriber.name}},

    This is an issue of *Fixture Weekly*, a newsletter that exists so that Gazette's tests have something small
    and realistic to send. It has a few paragraphs of prose, because spam filters and our own checks want a
    sensible amount of text around the links, and a reader wants it too. Here is [the project](https://fixture.example.org/project).

    That is all for now. Write back if something looks wrong: replies reach a person, and we read every
    one of them before the next issue goes out.

    """

    override func setUpWithError() throws {
        directory = try TemporaryDirectory("abtest")
        addTeardownBlock { [directory] in directory?.remove() }
        try directory.copy(from: TestPaths.fixtures.appendingPathComponent("projects/minimal"))
        try directory.write(Self.issue, to: "content/issues/001-hello.md")
    }

    func addresses(_ count: Int) -> [String] { (0..<count).map { "reader\($0)@example.org" } }

    func writeSubscribers(_ addresses: [String]) throws {
        try directory.write("email,name\n" + addresses.map { "\($0),Reader" }.joined(separator: "\n") + "\n", to: "subscribers/main.csv")
    }

    func publish(_ configure: (inout PublishOptions) -> Void = { _ in }) throws -> PublishSummary {
        try Publisher.publishInProcess(projectAt: directory.url, configure)
    }

    /// Recipient → subject of every message in the outbox.
    func outbox() throws -> [String: String] {
        let folder = directory.url.appendingPathComponent("outbox/new")
        var result: [String: String] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            var to: String?, subject: String?
            for line in text.components(separatedBy: "\r\n") {
                if line.isEmpty { break }
                if line.hasPrefix("To: ") { to = String(line.dropFirst(4)) }
                if line.hasPrefix("Subject: ") { subject = String(line.dropFirst(9)) }
            }
            guard let to, let subject else { XCTFail("no To or Subject in \(name)"); continue }
            let address = to.split(separator: "<").last.map { String($0.dropLast()) } ?? to
            XCTAssertNil(result[address], "\(address) has two messages")
            result[address] = subject
        }
        return result
    }

    func split() -> ABSplit { ABSplit(arms: 2, shareBasisPoints: 2000, issueSlug: "hello") }

    func records() throws -> [LogRecord] {
        try directory.read("logs/hello.jsonl").split(separator: "\n").map { try JSONDecoder().decode(LogRecord.self, from: Data($0.utf8)) }
    }

    // MARK: The split

    /// Within 5 standard deviations of n·p, the bound a correct split misses about once in 1.7 million runs.
    func assertBinomial(_ count: Int, n: Int, p: Double, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        let mean = Double(n) * p, sd = (Double(n) * p * (1 - p)).squareRoot()
        XCTAssertLessThanOrEqual(abs(Double(count) - mean), 5 * sd, "\(what): \(count), expected \(mean) ± \(5 * sd)", file: file, line: line)
    }

    func testSplitSizesAreBinomialIndependentOfShardsAndStable() {
        let keys = addresses(20_000).map { AddressKey($0) }
        for arms in 2...4 {
            let split = ABSplit(arms: arms, shareBasisPoints: 2000, issueSlug: "hello")
            var sizes = [Int](repeating: 0, count: arms), rest = 0
            var cells: [Int: Int] = [:]
            for key in keys {
                if let arm = split.arm(of: key) {
                    sizes[arm] += 1
                    cells[arm * 10 + Shard.part(of: key.hash64, count: 4), default: 0] += 1
                } else {
                    rest += 1
                }
            }
            for (arm, size) in sizes.enumerated() { assertBinomial(size, n: keys.count, p: 0.2 / Double(arms), "arm \(arm) of \(arms)") }
            assertBinomial(rest, n: keys.count, p: 0.8, "rest")
            // Arm and shard independent: each (arm, shard) cell holds about a quarter of the arm.
            for arm in 0..<arms {
                for shard in 0..<4 {
                    assertBinomial(cells[arm * 10 + shard, default: 0], n: keys.count, p: 0.2 / Double(arms) / 4, "arm \(arm) in shard \(shard + 1)")
                }
            }
        }
        let everyone = ABSplit(arms: 3, shareBasisPoints: 10_000, issueSlug: "hello")
        XCTAssertTrue(keys.allSatisfy { everyone.arm(of: $0) != nil }, "100% leaves no rest")
        // Fixed arithmetic: the same arms on every machine and in every run (these values must never change,
        // or a resumed publish would move recipients between arms).
        let pinned = ["reader0@example.org", "reader1@example.org", "reader2@example.org", "reader3@example.org", "ann@example.net",
                      "Bob@Example.COM", "zoë@example.org", "x@y.z"]
            .map { ABSplit(arms: 4, shareBasisPoints: 10_000, issueSlug: "hello").arm(of: AddressKey($0)).map(String.init) ?? "rest" }
        XCTAssertEqual(pinned, Self.pinnedArms)
        XCTAssertNotEqual(keys.prefix(200).map { split().arm(of: $0) }, keys.prefix(200).map { ABSplit(arms: 2, shareBasisPoints: 2000, issueSlug: "other").arm(of: $0) },
                          "each issue draws its own sample")
    }

    static let pinnedArms = ["3", "2", "3", "1", "2", "0", "1", "2"]

    // MARK: Front matter

    func source(_ frontMatter: String) throws -> IssueSource {
        try IssueSource(file: TextFile(path: "content/issues/001-hello.md", text: "---\ntitle: Hello\ndate: 2026-01-15\n" + frontMatter + "---\nbody\n"))
    }

    func assertError(_ frontMatter: String, _ code: String, line: Int, _ message: String? = nil, file: StaticString = #filePath, at: UInt = #line) throws {
        let issue = try source(frontMatter)
        let found = issue.errors.first { $0.code == code }
        XCTAssertNotNil(found, "\(code) for \(frontMatter): \(issue.errors.map(\.description))", file: file, line: at)
        XCTAssertEqual(found?.location?.line, line, "\(code): \(found?.description ?? "")", file: file, line: at)
        XCTAssertEqual(found?.location?.path, "content/issues/001-hello.md", file: file, line: at)
        if let message { XCTAssertTrue(found?.message.contains(message) ?? false, found?.message ?? "", file: file, line: at) }
        XCTAssertFalse(found?.hint?.isEmpty ?? true, "says what to do", file: file, line: at)
    }

    func testFrontMatterMistakesAreErrorsAtTheirLines() throws {
        let good = try source("subjects: [\"One\", \"Two\", \"Three\"]\ntest_share: 12.5%\nab_winner: b\nab_wait: 4h\n")
        XCTAssertEqual(good.errors.map(\.description), [])
        XCTAssertEqual(good.subjectTest, SubjectTest(subjects: ["One", "Two", "Three"], shareBasisPoints: 1250, winner: .arm(1),
                                                     wait: TimeSpan("4h"), location: good.subjectTest?.location))
        XCTAssertEqual(good.subject, "One")
        XCTAssertEqual(good.title, "Hello", "the title stays the archive title")
        XCTAssertEqual(try source("subjects: [x, y]\n").subjectTest?.shareBasisPoints, 2000, "20 % by default")

        try assertError("subjects: [\"Only one\"]\n", "ab-subjects-count", line: 4, "1 subject")
        try assertError("subjects:\n  - One\n  - \"\"\n", "ab-subject-empty", line: 6, "subject B")
        try assertError("subjects: [a, b, c, d, e]\n", "ab-subjects-count", line: 4, "at most 4")
        try assertError("subjects:\n  - Same\n  - Other\n  - same\n", "ab-subject-duplicate", line: 7, "subject C repeats subject A")
        try assertError("subjects: [a, b]\ntest_share: 0%\n", "ab-test-share", line: 5)
        try assertError("subjects: [a, b]\ntest_share: 120%\n", "ab-test-share", line: 5)
        try assertError("subjects: [a, b]\ntest_share: lots\n", "ab-test-share", line: 5, "not a percentage")
        try assertError("subjects: [a, b]\ntest_share: 20\n", "ab-test-share", line: 5, "not a percentage")
        try assertError("subject: Override\nsubjects: [a, b]\n", "ab-subject-and-subjects", line: 4)
        try assertError("subjects: [a, b]\nab_winner: C\n", "ab-winner", line: 5)
        try assertError("subjects: [a, b]\nab_wait: soon\n", "ab-wait", line: 5)
        try assertError("test_share: 20%\n", "ab-without-subjects", line: 4)
        try assertError("subjects: {a: b}\n", "setting-type", line: 4)
    }

    func testCheckReportsTheMistakesWithFileAndLine() throws {
        try directory.write(Self.issue.replacingOccurrences(of: "test_share: 20%", with: "test_share: 150%"), to: "content/issues/001-hello.md")
        let run = try GazetteBinary.run(["check"], in: directory.url, environment: [:], timeout: 60)
        XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
        XCTAssertTrue((run.stdout + run.stderr).contains("content/issues/001-hello.md:4"), run.stdout + run.stderr)
        XCTAssertTrue((run.stdout + run.stderr).contains("test_share"), run.stdout + run.stderr)
    }

    // MARK: Publishing both phases

    func testThousandRecipientsTestPhaseThenWinnerPhaseSendEachOnceWithTheirSubject() throws {
        let everyone = addresses(1000)
        try writeSubscribers(everyone)
        let split = split()
        let arms = Dictionary(uniqueKeysWithValues: everyone.map { ($0, split.arm(of: AddressKey($0))) })
        let subjects = ["Alpha subject for you", "Bravo subject for you"]

        let first = try publish()
        XCTAssertEqual(first.abPhase, .test)
        XCTAssertEqual(first.exitStatus, 75, "the rest waits for the winner: resumable, nothing wrong")
        let tested = arms.filter { $0.value != nil }
        XCTAssertEqual(first.sent, tested.count)
        XCTAssertEqual(first.abHeld, everyone.count - tested.count)
        assertBinomial(tested.count, n: 1000, p: 0.2, "test arms together")
        for arm in 0..<2 { assertBinomial(tested.filter { $0.value == arm }.count, n: 1000, p: 0.1, "arm \(arm)") }
        var received = try outbox()
        XCTAssertEqual(Set(received.keys), Set(tested.keys), "nobody of the rest in phase one")
        for (address, subject) in received { XCTAssertEqual(subject, arms[address]!.map { subjects[$0] }, address) }
        let lines = try records()
        XCTAssertEqual(lines.first?.subjects, subjects)
        XCTAssertEqual(lines.first?.testShare, "20%")
        for line in lines where line.event == .sent || line.event == .sending {
            XCTAssertEqual(line.arm, (arms[line.address ?? ""] ?? nil).map(SubjectTest.letter(ofArm:)), "the log names the arm")
            XCTAssertEqual(line.phase, .test)
        }

        // A rerun of the test phase sends nobody; a winner before that phase ended would be refused.
        let again = try publish()
        XCTAssertEqual(again.sent, 0)
        XCTAssertEqual(again.exitStatus, 75)
        XCTAssertEqual(try outbox().count, tested.count)

        // The winner phase: exactly the rest, with subject B; a second run sends nobody.
        let winner = try publish { $0.abWinner = "2" }
        XCTAssertEqual(winner.abPhase, .winner)
        XCTAssertEqual(winner.abWinner, "B")
        XCTAssertEqual(winner.sent, everyone.count - tested.count)
        XCTAssertEqual(winner.exitStatus, 0)
        received = try outbox()
        XCTAssertEqual(received.count, everyone.count)
        for (address, subject) in received {
            XCTAssertEqual(subject, subjects[(arms[address] ?? nil) ?? 1], address)
        }
        let done = try publish()
        XCTAssertEqual(done.sent, 0, "the recorded winner goes on; nobody twice")
        XCTAssertEqual(done.abWinner, "B")
        XCTAssertThrowsError(try publish { $0.abWinner = "A" }, "another winner than the recorded one is refused") { error in
            XCTAssertEqual((error as? DiagnosticError)?.diagnostics.first?.code, "ab-winner-conflict")
        }
        let state = try PublishLogState(reading: directory.url.appendingPathComponent("logs/hello.jsonl"))
        XCTAssertNotNil(state.abTestFinishedAt)
        XCTAssertTrue(state.abWinnerFinished)
        XCTAssertEqual(state.counts[.sent], everyone.count)
        XCTAssertNil(PublishLogSet.unfinishedReason(state))
    }

    func testDryRunOfTheTestPhaseComposesTheArmsAndWaitsForNothing() throws {
        try writeSubscribers(addresses(200))
        let dry = try publish { $0.dryRun = true }
        XCTAssertEqual(dry.composed, addresses(200).filter { split().arm(of: AddressKey($0)) != nil }.count)
        XCTAssertEqual(dry.abHeld, 200 - dry.composed)
        XCTAssertEqual(dry.exitStatus, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.url.appendingPathComponent("logs/hello.jsonl").path))
    }

    func testLogsWithoutArmsReadAsBeforeAndArmLinesRoundTrip() throws {
        try directory.write("""
        {"event":"header","time":"2026-11-23T21:00:00.000Z","version":1,"issue":"hello","content_hash":"x"}
        {"event":"run-start","time":"2026-11-23T21:00:00.000Z","pid":1}
        {"event":"sending","time":"2026-11-23T21:00:01.000Z","address":"ada@example.org","attempt":1}
        {"event":"sent","time":"2026-11-23T21:00:01.000Z","address":"ada@example.org","code":250}
        {"event":"run-end","time":"2026-11-23T21:00:02.000Z","summary":{"sent":1,"interrupted":0,"not_attempted":0}}

        """, to: "logs/hello.jsonl")
        let state = try PublishLogState(reading: directory.url.appendingPathComponent("logs/hello.jsonl"))
        XCTAssertEqual(state.counts[.sent], 1)
        XCTAssertNil(state.abTestFinishedAt)
        XCTAssertNil(PublishLogSet.unfinishedReason(state), "a plain log is finished as before")
        XCTAssertFalse(try ABTally(project: Project(root: directory.url), slug: "hello").isABTest)

        var line = LogRecord(event: .sent)
        line.address = "ada@example.org"
        line.arm = "B"
        line.phase = .winner
        var start = LogRecord(event: .runStart)
        start.phase = .winner
        start.winner = "B"
        start.winnerReason = "auto: \"quoted\""
        for record in [line, start] {
            XCTAssertEqual(try JSONDecoder().decode(LogRecord.self, from: Data(record.jsonLine())), record)
            XCTAssertEqual(LogLineReader.record(ArraySlice(record.jsonLine().dropLast()))?.event, record.event)
        }
        XCTAssertEqual(LogLineReader.record(ArraySlice(start.jsonLine().dropLast()))?.winner, "B")
    }

    func testWinnerBeforeTheTestPhaseIsRefusedAndShardsKeepWorking() throws {
        let everyone = addresses(400)
        try writeSubscribers(everyone)
        XCTAssertThrowsError(try publish { $0.abWinner = "A" }) { error in
            XCTAssertEqual((error as? DiagnosticError)?.diagnostics.first?.code, "ab-test-unfinished")
        }
        XCTAssertThrowsError(try publish { $0.abWinner = "E" }) { error in
            XCTAssertEqual((error as? DiagnosticError)?.diagnostics.first?.code, "ab-winner")
        }
        var tested = 0
        for index in 1...2 {
            let summary = try publish { $0.shard = Shard(index: index, count: 2) }
            tested += summary.sent
            XCTAssertEqual(summary.abPhase, .test)
        }
        XCTAssertEqual(tested, everyone.filter { split().arm(of: AddressKey($0)) != nil }.count)
        // The first shard's winner is every shard's winner.
        XCTAssertEqual(try publish { $0.shard = Shard(index: 1, count: 2); $0.abWinner = "A" }.abWinner, "A")
        let second = try publish { $0.shard = Shard(index: 2, count: 2) }
        XCTAssertEqual(second.abWinner, "A", "shard 2 follows the winner shard 1 recorded")
        let received = try outbox()
        XCTAssertEqual(received.count, everyone.count)
    }

    // MARK: auto

    func event(_ kind: String, _ address: String, machine: Bool = false) -> String {
        kind == "click"
            ? "{\"email\":\"\(address)\",\"event\":\"click\",\"issue\":\"hello\",\"time\":\"2026-12-02T01:30:00.000Z\",\"url\":\"https://fixture.example.org/project\"}"
            : "{\"email\":\"\(address)\",\"event\":\"open\",\"issue\":\"hello\",\"machine\":\(machine),\"time\":\"2026-12-02T01:30:00.000Z\"}"
    }

    func testAutoPicksByClicksThenHumanOpensAndRefusesWithoutEvents() throws {
        let everyone = addresses(1000)
        try writeSubscribers(everyone)
        _ = try publish()
        XCTAssertThrowsError(try publish { $0.abWinner = "auto" }, "no events: refused") { error in
            let diagnostic = (error as? DiagnosticError)?.diagnostics.first
            XCTAssertEqual(diagnostic?.code, "ab-winner-undecided")
            XCTAssertTrue(diagnostic?.message.contains("no click or human open") ?? false, diagnostic?.message ?? "")
            XCTAssertTrue(diagnostic?.hint?.contains("--ab-winner") ?? false)
        }
        XCTAssertEqual(try outbox().count, everyone.filter { split().arm(of: AddressKey($0)) != nil }.count, "a refusal sends nothing")

        let armA = everyone.filter { split().arm(of: AddressKey($0)) == 0 }, armB = everyone.filter { split().arm(of: AddressKey($0)) == 1 }
        let rest = everyone.filter { split().arm(of: AddressKey($0)) == nil }
        // A: many machine opens (ignored) and 4 clickers; B: 13 clickers (one clicking three times); the rest's clicks do not count.
        var lines = armA.prefix(60).map { event("open", $0, machine: true) } + armA.prefix(4).map { event("click", $0) }
        lines += armB.prefix(12).map { event("click", $0) } + [event("click", armB[0]), event("click", armB[0])]
        // Written by another tool, with spaces and keys in another order: decoded instead of scanned, counted the same.
        lines.append("{ \"url\": \"https://fixture.example.org/\", \"event\": \"click\", \"issue\": \"hello\", \"email\": \"\(armB[12])\", \"time\": \"2026-12-02T01:30:00Z\" }")
        lines += rest.prefix(50).map { event("click", $0) } + ["not json at all", "{\"event\":\"unsubscribe\",\"email\":\"x@example.org\",\"list\":\"main\",\"time\":\"2026-12-02T01:00:00Z\",\"via\":\"page\"}",
                  "{\"event\":\"click\",\"issue\":\"hello\",\"email\":\"\(armB[13])\"}"]
        try directory.write(lines.joined(separator: "\n") + "\n{\"email\":\"torn", to: "events/2026-12-02.jsonl")

        let project = try Project(root: directory.url)
        let tally = try ABTally(project: project, slug: "hello")
        XCTAssertEqual(tally.arms.map(\.clickers), [4, 13])
        XCTAssertEqual(tally.arms.map(\.humanOpeners), [0, 0], "machine opens are not human opens")
        XCTAssertEqual(tally.arms[0].machineOnlyOpeners, 60)
        XCTAssertEqual(tally.arms.map(\.delivered), [armA.count, armB.count])
        XCTAssertEqual(tally.problems.map { $0.location?.description }, ["events/2026-12-02.jsonl:\(lines.count - 2)", "events/2026-12-02.jsonl:\(lines.count)"],
                       "the garbage line and the click without its url and time are counted with file:line, not fatal: \(tally.problems)")

        // Before the winner phase, the report says which arm `auto` would choose and why, in every output.
        let before = try ReportBuilder(project: project).build(issue: "hello")
        let standing = try XCTUnwrap(before.issues.first?.abTest?.standing)
        XCTAssertEqual(standing.name, "leading")
        XCTAssertEqual(standing.letter, "B")
        XCTAssertTrue(standing.reason.contains("click rate"), standing.reason)
        XCTAssertTrue(before.text(detailed: true).contains("`auto` would choose B now"), before.text(detailed: true))
        XCTAssertTrue(before.text(detailed: true).contains("B+: Bravo subject for you"), before.text(detailed: true))
        let leadingTest = try XCTUnwrap((before.jsonObject()["issues"] as? [[String: Any]])?.first?["ab_test"] as? [String: Any])
        XCTAssertEqual(leadingTest["standing"] as? String, "leading")
        XCTAssertEqual((leadingTest["arms"] as? [[String: Any]])?.map { $0["leading"] as? Bool }, [false, true])

        let winner = try publish { $0.abWinner = "auto" }
        XCTAssertEqual(winner.abWinner, "B")
        XCTAssertTrue(winner.abWinnerReason?.contains("click") ?? false, winner.abWinnerReason ?? "")
        XCTAssertEqual(winner.sent, rest.count)

        // The report shows both arms with the same numbers, and the winner.
        let report = try ReportBuilder(project: project).build(issue: "hello")
        let ab = try XCTUnwrap(report.issues.first?.abTest)
        XCTAssertEqual(ab.arms.map(\.clickers), [4, 13])
        XCTAssertEqual(ab.restDelivered, rest.count)
        XCTAssertEqual(ab.recordedWinner?.letter, "B")
        let text = report.text(detailed: true)
        XCTAssertTrue(text.contains("A/B subject test, 2 arms"), text)
        XCTAssertTrue(text.contains("B*: Bravo subject for you"), text)
        let page = ReportPage.html(report, name: "Fixture Weekly")
        XCTAssertTrue(page.contains("<tr data-arm=\"B\" class=\"winner\">"), "the page has the arms too")
        let json = report.jsonObject()
        let issues = json["issues"] as? [[String: Any]]
        let test = try XCTUnwrap(issues?.first?["ab_test"] as? [String: Any])
        XCTAssertEqual(test["standing"] as? String, "won")
        XCTAssertEqual(test["standing_arm"] as? String, "B")
        XCTAssertTrue((test["standing_reason"] as? String)?.hasPrefix("auto: highest unique click rate") ?? false, "\(test)")
        let arms = try XCTUnwrap(test["arms"] as? [[String: Any]])
        XCTAssertEqual(arms.map { $0["arm"] as? String }, ["A", "B"])
        XCTAssertEqual(arms.map { $0["clicks"] as? Int }, [4, 13])
        XCTAssertEqual(arms.map { $0["won"] as? Bool }, [false, true])
        XCTAssertEqual(arms.map { $0["subject"] as? String }, ["Alpha subject for you", "Bravo subject for you"])

        // The CSV has a row per arm, named by kind, with the same numbers and the winner's reason.
        let csv = report.csv().components(separatedBy: "\r\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = csv[0]
        let kind = try XCTUnwrap(header.firstIndex(of: "kind"))
        // ab_reason is the last column and quoted (it has commas): a naive split leaves the columns before it in place.
        let armRows = csv.filter { $0.count >= header.count && $0[kind] == "ab-arm" }
        func column(_ name: String) throws -> [String] {
            let index = try XCTUnwrap(header.firstIndex(of: name), name)
            return armRows.map { $0[index] }
        }
        XCTAssertEqual(try column("issue"), ["hello", "hello"])
        XCTAssertEqual(try column("arm"), ["A", "B"])
        XCTAssertEqual(try column("arm_sent"), [String(armA.count), String(armB.count)])
        XCTAssertEqual(try column("arm_clicks"), ["4", "13"])
        XCTAssertEqual(try column("arm_machine_opens_only"), ["60", "0"])
        XCTAssertEqual(try column("ab_standing"), ["", "won"])
        let reasons = try column("ab_reason")
        XCTAssertTrue(reasons[1].hasPrefix("\"auto: highest unique click rate"), "\(reasons)")
        XCTAssertEqual(try column("sent"), ["", ""], "the issue's columns are left empty on arm rows")
    }

    func testPickerRulesTieTooFewAndOpensWhenClicksCannotDecide() throws {
        var tally = ABTally()
        tally.arms = [ABTally.Arm(letter: "A", delivered: 100, clickers: 5, humanOpeners: 30),
                      ABTally.Arm(letter: "B", delivered: 200, clickers: 10, humanOpeners: 40)]
        XCTAssertEqual(try ABWinnerPicker.pick(tally, issue: "1").arm, 0, "clicks tie (5 % each), so human opens decide: A 30 % > B 20 %")
        tally.arms[1].humanOpeners = 60
        XCTAssertThrowsError(try ABWinnerPicker.pick(tally, issue: "1"), "opens tie too (30 % each)") { error in
            XCTAssertTrue((error as? DiagnosticError)?.diagnostics.first?.message.contains("tie") ?? false, "\(error)")
        }
        tally.arms[1].clickers = 11
        XCTAssertEqual(try ABWinnerPicker.pick(tally, issue: "1").arm, 1, "clicks decide first: B 5.5 % > A 5 %")
        tally.arms = [ABTally.Arm(letter: "A", delivered: 100, clickers: 3, humanOpeners: 2),
                      ABTally.Arm(letter: "B", delivered: 100, clickers: 4, humanOpeners: 3)]
        XCTAssertThrowsError(try ABWinnerPicker.pick(tally, issue: "1")) { error in
            XCTAssertTrue((error as? DiagnosticError)?.diagnostics.first?.message.contains("too few") ?? false, "\(error)")
        }
        tally.arms[0].delivered = 5
        XCTAssertThrowsError(try ABWinnerPicker.pick(tally, issue: "1")) { error in
            XCTAssertTrue((error as? DiagnosticError)?.diagnostics.first?.message.contains("arm A has 5 delivered") ?? false, "\(error)")
        }
    }

    // MARK: Preview

    func testPreviewShowsEachSubscriberTheSubjectOfTheirArm() throws {
        let everyone = addresses(60)
        try writeSubscribers(everyone)
        let session = PreviewSession(root: directory.url, environment: [:])
        let subjects = ["Alpha subject for you", "Bravo subject for you"]
        var seen = Set<String>()
        for (index, address) in everyone.enumerated() {
            guard case .success(let preview) = session.preview("001-hello", recipient: index) else { return XCTFail("no preview for \(index)") }
            let arm = split().arm(of: AddressKey(address))
            XCTAssertEqual(preview.personalized.to, address)
            XCTAssertEqual(preview.personalized.subject, subjects[arm ?? 0], "the rest sees subject A until a winner: \(address)")
            XCTAssertTrue(preview.recipients[index].hasSuffix(arm.map { " · A/B arm \(SubjectTest.letter(ofArm: $0))" } ?? " · A/B rest (gets the winner)"),
                          preview.recipients[index])
            XCTAssertTrue(String(decoding: preview.message, as: UTF8.self).contains("Subject: \(subjects[arm ?? 0])"))
            seen.insert(arm.map(String.init) ?? "rest")
        }
        XCTAssertEqual(seen, ["0", "1", "rest"], "60 subscribers at 20 % show both arms and the rest")
    }

    func testAnABWinnerInTheFrontMatterBeforeAnythingWasSentSendsTheTestPhaseFirst() throws {
        try writeSubscribers(addresses(200))
        try directory.write(Self.issue.replacingOccurrences(of: "test_share: 20%", with: "test_share: 20%\nab_winner: B"),
                            to: "content/issues/001-hello.md")
        let first = try publish()
        XCTAssertEqual(first.abPhase, .test)
        XCTAssertEqual(first.exitStatus, 75)
        let second = try publish()
        XCTAssertEqual(second.abWinner, "B")
        XCTAssertEqual(second.sent, first.abHeld)
        XCTAssertEqual(second.exitStatus, 0)
    }

    // MARK: CI

    func testCIWaitsForTheWinnerThenSendsTheRest() throws {
        try writeSubscribers(addresses(300))
        try directory.write(Self.issue.replacingOccurrences(of: "test_share: 20%", with: "test_share: 20%\npublish: true"),
                            to: "content/issues/001-hello.md")
        let project = { try Project(root: self.directory.url) }
        func state() throws -> IssueReadiness { try XCTUnwrap(PublishReadiness(project: project(), job: nil).issues.first) }
        var current = try state()
        XCTAssertEqual(current.state, .ready)
        _ = try publish()
        current = try state()
        XCTAssertEqual(current.state, .abWaiting, current.reason)
        XCTAssertFalse(current.isDue)

        // ab_wait: the winner by events once it is over.
        try directory.write(Self.issue.replacingOccurrences(of: "test_share: 20%", with: "test_share: 20%\npublish: true\nab_wait: 2h"),
                            to: "content/issues/001-hello.md")
        current = try state()
        XCTAssertEqual(current.state, .abWaiting, "not yet: \(current.reason)")
        let later = try XCTUnwrap(PublishReadiness(project: project(), job: nil, now: Date().addingTimeInterval(3 * 3600)).issues.first)
        XCTAssertEqual(later.state, .resume, later.reason)
        XCTAssertEqual(later.abWinner, "auto")

        // ab_winner: a merge decides; `gazette ci publish` sends the rest and the issue is published.
        try directory.write(Self.issue.replacingOccurrences(of: "test_share: 20%", with: "test_share: 20%\npublish: true\nab_winner: A"),
                            to: "content/issues/001-hello.md")
        current = try state()
        XCTAssertEqual(current.state, .resume, current.reason)
        let run = try GazetteBinary.run(["ci", "publish"], in: directory.url, environment: ["GAZETTE_UNSUBSCRIBE_SECRET": "s"], timeout: 120)
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        XCTAssertTrue(run.stdout.contains("A/B winner phase"), run.stdout)
        current = try state()
        XCTAssertEqual(current.state, .published, current.reason)
        XCTAssertEqual(try outbox().count, 300)
    }

    func testCIPublishOfTheTestPhaseStaysGreen() throws {
        try writeSubscribers(addresses(100))
        try directory.write(Self.issue.replacingOccurrences(of: "test_share: 20%", with: "test_share: 20%\npublish: true"),
                            to: "content/issues/001-hello.md")
        let run = try GazetteBinary.run(["ci", "publish"], in: directory.url, environment: ["GAZETTE_UNSUBSCRIBE_SECRET": "s"], timeout: 120)
        XCTAssertEqual(run.status, 0, "waiting for the winner is nothing wrong: \(run.stdout)\(run.stderr)")
        XCTAssertTrue(run.stdout.contains("wait for the winner"), run.stdout)
        let ready = try GazetteBinary.run(["ci", "ready"], in: directory.url, environment: [:], timeout: 60)
        XCTAssertTrue(ready.stdout.contains("ab-waiting"), ready.stdout)
    }
}

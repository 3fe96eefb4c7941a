// `gazette sequences run` against the aiosmtpd test server: due steps sent once with their content, reruns that
// send nothing, later moments that send the next step, new subscribers who get step 1 only, the catch-up window,
// one step per run, suppressed and undated subscribers skipped, a dropped connection resumed without repeats, and
// bad `after:` values reported at their line.
import Foundation
import GazetteTestSupport
import XCTest
@testable import Gazette

final class SequenceRunTests: RelayProjectTestCase {
    /// A step with enough prose for the checks, and a marker to find it in what the server received.
    func writeStep(_ file: String, after: String, title: String, marker: String, sequence: String = "welcome") throws {
        let prose = String(repeating: "This sentence is here so the message reads like a real welcome note. ", count: 8)
        try directory.write("---\ntitle: \"\(title)\"\nafter: \(after)\n---\n\nHi {{subscriber.name}}, \(marker).\n\n\(prose)\n",
                            to: "content/sequences/\(sequence)/\(file)")
    }

    func writeWelcome() throws {
        try writeStep("01-welcome.md", after: "0d", title: "Welcome aboard", marker: "MARKER-WELCOME")
        try writeStep("02-tips.md", after: "3d", title: "Three tips", marker: "MARKER-TIPS")
    }

    /// subscribers/main.csv with `email,name,subscribed_at` rows.
    func members(_ rows: [(String, String)]) throws {
        try directory.write("email,name,subscribed_at\n" + rows.map { "\($0.0),Reader,\($0.1)" }.joined(separator: "\n") + "\n",
                            to: "subscribers/main.csv")
    }

    func sequences(_ arguments: [String], via server: TestSMTPServer? = nil) throws -> GazetteBinary.Run {
        let via = server.map { ["--via", "smtp://127.0.0.1:\($0.port)?tls=none"] } ?? []
        return try GazetteBinary.run(["sequences"] + arguments + via, in: directory.url,
                                     environment: ["GAZETTE_UNSUBSCRIBE_SECRET": "s", "CI": "true"], timeout: 120)
    }

    /// (recipient, step marker) of every message the server accepted.
    func received(_ server: TestSMTPServer) throws -> [String] {
        try server.receivedMessages().flatMap { message -> [String] in
            let content = String(decoding: message.content, as: UTF8.self)
            let step = content.contains("MARKER-WELCOME") ? "welcome" : content.contains("MARKER-TIPS") ? "tips" : "?"
            return message.rcptTos.map { "\($0.lowercased()) \(step)" }
        }.sorted()
    }

    func stepLog(_ step: String, sequence: String = "welcome") throws -> PublishLogState {
        try PublishLogState(reading: directory.url.appendingPathComponent("logs/sequences/\(sequence)/\(step).jsonl"))
    }

    func testDueStepsGoOutOnceLaterMomentsSendTheNextAndNewSubscribersStartAtStepOne() throws {
        let server = try startServer()
        try writeWelcome()
        try members([("ada@example.org", "2026-12-01"), ("bob@example.org", "2026-11-30T08:00:00Z")])

        let first = try sequences(["run", "--now", "2026-12-01T12:00:00Z"], via: server)
        XCTAssertEqual(first.status, 0, first.stdout + first.stderr)
        XCTAssertEqual(try received(server), ["ada@example.org welcome", "bob@example.org welcome"])
        let message = try XCTUnwrap(server.receivedMessages().first)
        let content = String(decoding: message.content, as: UTF8.self)
        XCTAssertTrue(content.contains("Subject: Welcome aboard"), content)
        XCTAssertTrue(content.contains("List-Unsubscribe:"), "the composer's unsubscribe headers, as for an issue")
        XCTAssertTrue(first.stdout.contains("welcome/tips: 0 sent"), first.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.url.appendingPathComponent("logs/sequences/welcome/tips.jsonl").path),
                       "a step due to nobody leaves its log alone")

        let again = try sequences(["run", "--now", "2026-12-01T13:00:00Z"], via: server)
        XCTAssertEqual(again.status, 0, again.stdout + again.stderr)
        XCTAssertEqual(try server.receivedMessages().count, 2, "a rerun sends nothing: \(again.stdout)")
        XCTAssertTrue(again.stdout.contains("welcome/welcome: 0 sent") && again.stdout.contains("2 already done"), again.stdout)

        // Carol subscribes; Bob's tips are due on 12-03 08:00, Ada's on 12-04.
        try members([("ada@example.org", "2026-12-01"), ("bob@example.org", "2026-11-30T08:00:00Z"),
                     ("carol@example.org", "2026-12-03T09:00:00Z")])
        let third = try sequences(["run", "--now", "2026-12-03T12:00:00Z"], via: server)
        XCTAssertEqual(third.status, 0, third.stdout + third.stderr)
        XCTAssertEqual(try received(server), ["ada@example.org welcome", "bob@example.org tips", "bob@example.org welcome",
                                              "carol@example.org welcome"])

        // Renumbering a step and removing another resend nothing; Ada, no longer on the list, is not a problem.
        try FileManager.default.moveItem(at: directory.url.appendingPathComponent("content/sequences/welcome/01-welcome.md"),
                                         to: directory.url.appendingPathComponent("content/sequences/welcome/00-welcome.md"))
        try members([("bob@example.org", "2026-11-30T08:00:00Z"), ("carol@example.org", "2026-12-03T09:00:00Z")])
        let fourth = try sequences(["run", "--now", "2026-12-04T12:00:00Z"], via: server)
        XCTAssertEqual(fourth.status, 0, fourth.stdout + fourth.stderr)
        XCTAssertEqual(try server.receivedMessages().count, 4, fourth.stdout)
        XCTAssertEqual(try stepLog("welcome").counts[.sent], 3, "the log keeps Ada, who left the list")

        try FileManager.default.removeItem(at: directory.url.appendingPathComponent("content/sequences/welcome/00-welcome.md"))
        let fifth = try sequences(["run", "--now", "2026-12-06T10:00:00Z"], via: server)
        XCTAssertEqual(fifth.status, 0, fifth.stdout + fifth.stderr)
        XCTAssertEqual(try received(server).filter { $0.hasSuffix("tips") }, ["bob@example.org tips", "carol@example.org tips"])
        XCTAssertEqual(try server.receivedMessages().count, 5)

        let list = try sequences(["list", "--now", "2026-12-06T10:00:00Z", "--format", "json"])
        XCTAssertEqual(list.status, 0, list.stdout + list.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [String: Any])
        let steps = try XCTUnwrap(json["steps"] as? [[String: Any]])
        XCTAssertEqual(steps.map { $0["step"] as? String }, ["tips"])
        XCTAssertEqual(steps.first?["sent"] as? Int, 2)
        XCTAssertEqual(steps.first?["due"] as? Int, 0)
    }

    func testCatchUpWindowSkipsOldStepsForGoodAndOneStepGoesOutPerRun() throws {
        let server = try startServer()
        try writeWelcome()
        // Old joined long before the sequence; Mid joined four days ago, so both steps are due, within the window.
        try members([("old@example.org", "2026-01-10"), ("mid@example.org", "2026-11-27T12:00:00Z")])
        let list = try sequences(["list", "--now", "2026-12-01T12:00:00Z"])
        XCTAssertTrue(list.stdout.contains("welcome/welcome  after 0d  \"Welcome aboard\"  sent 0, due 1, waiting 0, too late 1"), list.stdout)

        let first = try sequences(["run", "--now", "2026-12-01T12:00:00Z", "--format", "json"], via: server)
        XCTAssertEqual(first.status, 0, first.stdout + first.stderr)
        XCTAssertEqual(try received(server), ["mid@example.org welcome"], "one step per subscriber per run, none for Old")
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any])
        let steps = try XCTUnwrap(json["steps"] as? [[String: Any]])
        XCTAssertEqual((steps[0]["counts"] as? [String: Int])?["too_late"], 1)
        XCTAssertEqual((steps[1]["counts"] as? [String: Int])?["next_run"], 1)
        XCTAssertEqual((steps[1]["counts"] as? [String: Int])?["too_late"], 1)

        let second = try sequences(["run", "--now", "2026-12-01T13:00:00Z"], via: server)
        XCTAssertEqual(second.status, 0, second.stdout + second.stderr)
        XCTAssertEqual(try received(server), ["mid@example.org tips", "mid@example.org welcome"])

        // `catch_up: off` would send Old the steps, one per run.
        try directory.write("lists: [main]\ncatch_up: off\n", to: "content/sequences/welcome/sequence.yml")
        _ = try sequences(["run", "--now", "2026-12-01T14:00:00Z"], via: server)
        XCTAssertEqual(try received(server).filter { $0.hasPrefix("old@") }, ["old@example.org welcome"])
    }

    func testSuppressedAndUndatedSubscribersAreSkippedAndCounted() throws {
        let server = try startServer()
        try writeWelcome()
        try directory.write("email,name,subscribed_at\nada@example.org,Ada,2026-12-01\nnodate@example.org,No Date,\n"
                            + "soon@example.org,Soon,next week\ngone@example.org,Gone,2026-12-01\n", to: "subscribers/main.csv")
        try directory.write("email,reason,date,detail\ngone@example.org,unsubscribed,2026-12-01,\n", to: "subscribers/suppressed.csv")
        let run = try sequences(["run", "--now", "2026-12-01T12:00:00Z"], via: server)
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        XCTAssertEqual(try received(server), ["ada@example.org welcome"])
        XCTAssertTrue(run.stdout.contains("2 without subscribed_at") && run.stdout.contains("1 suppressed"), run.stdout)
        XCTAssertTrue(run.stderr.contains("subscribers/main.csv:3: warning: no usable subscribed_at"), run.stderr)
        XCTAssertTrue(run.stderr.contains("subscribers/main.csv:4: warning"), run.stderr)
        XCTAssertEqual(run.stderr.components(separatedBy: "main.csv:3:").count, 2, "one warning per row, not per step: \(run.stderr)")
    }

    func testADraftStepIsNotSentAndItsMistakesHoldNobodyBack() throws {
        let server = try startServer()
        try writeWelcome()
        try directory.write("---\ntitle: Unfinished\nafter: someday\ndraft: true\n---\nMARKER-DRAFT\n",
                            to: "content/sequences/welcome/03-later.md")
        try members([("ada@example.org", "2026-12-01")])
        let run = try sequences(["run", "--now", "2026-12-09T12:00:00Z"], via: server)
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        XCTAssertEqual(try received(server), ["ada@example.org tips"], "the welcome is too late by now; the draft is not sent")
        XCTAssertTrue(run.stderr.contains("03-later.md:1: warning: the step is a draft"), run.stderr)
        let list = try sequences(["list", "--now", "2026-12-09T12:00:00Z"])
        XCTAssertTrue(list.stdout.contains("welcome/later  after someday  \"Unfinished\" (draft)"), list.stdout)
    }

    func testARelayThatDropsMidRunIsResumedWithoutRepeats() throws {
        let server = try startServer { $0.dropAfterData = 2 }
        try writeWelcome()
        try members((0..<5).map { ("reader\($0)@example.org", "2026-12-01") })
        let first = try sequences(["run", "--now", "2026-12-01T12:00:00Z", "--concurrency", "1"], via: server)
        XCTAssertEqual(first.status, 75, first.stdout + first.stderr)
        let cut = try stepLog("welcome")
        XCTAssertGreaterThanOrEqual(cut.counts[.uncertain, default: 0], 1, first.stdout)
        let uncertain = Set(cut.statuses.filter { $0.value == .uncertain }.keys)

        let second = try sequences(["run", "--now", "2026-12-01T12:30:00Z"], via: server)
        XCTAssertEqual(second.status, 0, second.stdout + second.stderr)
        XCTAssertEqual(try stepLog("welcome").counts[.sent], 5)
        let third = try sequences(["run", "--now", "2026-12-01T13:00:00Z"], via: server)
        XCTAssertEqual(third.status, 0, third.stdout + third.stderr)
        let counts = try deliveries(server)
        XCTAssertEqual(counts.count, 5, "everyone got the step")
        for (address, count) in counts where count > 1 {
            // At least once: only a message whose reply never came may arrive twice (DESIGN.md).
            XCTAssertTrue(uncertain.contains(AddressKey.hash64(AddressKey.normalize(address))), "\(address) got \(count)")
            XCTAssertEqual(count, 2)
        }
    }

    func testBadAfterAndStepsOutOfOrderAreErrorsAtTheirLine() throws {
        try writeStep("01-welcome.md", after: "0d", title: "Welcome aboard", marker: "MARKER-WELCOME")
        try writeStep("02-tips.md", after: "3 days", title: "Three tips", marker: "MARKER-TIPS")
        try writeStep("03-more.md", after: "2d", title: "More", marker: "MARKER-MORE")
        try writeStep("04-last.md", after: "1w", title: "Last", marker: "MARKER-LAST")
        try writeStep("05-early.md", after: "1d", title: "Early", marker: "MARKER-EARLY")
        try members([("ada@example.org", "2026-11-01")])
        let run = try sequences(["run", "--now", "2026-12-01T12:00:00Z", "--via", "outbox:outbox"])
        XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
        XCTAssertTrue(run.stderr.contains("content/sequences/welcome/02-tips.md:3:"), run.stderr)
        XCTAssertTrue(run.stderr.contains("`after:` is not a length of time: \"3 days\""), run.stderr)
        XCTAssertTrue(run.stderr.contains("hint: write a whole number and a unit"), run.stderr)
        XCTAssertTrue(run.stderr.contains("content/sequences/welcome/05-early.md:3:") && run.stderr.contains("before the previous step"),
                      run.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.url.appendingPathComponent("logs/sequences").path),
                       "nothing is sent or logged when a step has an error")

        let check = try GazetteBinary.run(["check"], in: directory.url)
        XCTAssertEqual(check.status, 1, check.stdout + check.stderr)
        XCTAssertTrue(check.stderr.contains("content/sequences/welcome/02-tips.md:3:"), check.stderr)
    }

    func testSIGTERMStopsCleanlyALockKeepsASecondRunOutAndTheRerunSendsNobodyTwice() throws {
        let server = try startServer { $0.delayData = 0.02 }
        try writeWelcome()
        let addresses = (0..<120).map { "reader\($0)@example.org" }
        try members(addresses.map { ($0, "2026-12-01") })
        let via = "smtp://127.0.0.1:\(server.port)?tls=none"
        let process = try startGazette(["sequences", "run", "--now", "2026-12-01T12:00:00Z", "--via", via, "--concurrency", "2"])
        Thread.sleep(forTimeInterval: 1.0)
        XCTAssertTrue(process.isRunning, "the run should still be going after 1 s")
        let second = try sequences(["run", "--now", "2026-12-01T12:00:00Z"], via: server)
        XCTAssertEqual(second.status, 1, second.stdout + second.stderr)
        XCTAssertTrue(second.stderr.contains("logs/sequences/welcome.lock"), second.stderr)
        kill(process.processIdentifier, SIGTERM)
        XCTAssertTrue(waitForExit(process))
        XCTAssertEqual(process.terminationStatus, 75)
        XCTAssertLessThan(try server.receivedMessages().count, addresses.count, "stopped early")
        let rerun = try sequences(["run", "--now", "2026-12-01T12:05:00Z"], via: server)
        XCTAssertEqual(rerun.status, 0, rerun.stdout + rerun.stderr)
        let steps = try received(server)
        XCTAssertEqual(steps.count, addresses.count, "no duplicates after a clean stop")
        XCTAssertEqual(Set(steps), Set(addresses.map { "\($0) welcome" }))
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.url.appendingPathComponent("logs/sequences/welcome.lock").path))
    }

    func testKillNineMidRunLosesNobodyAndRepeatsAtMostTheMessagesInFlight() throws {
        let server = try startServer { $0.delayData = 0.02 }
        try writeWelcome()
        let addresses = (0..<200).map { "reader\($0)@example.org" }
        try members(addresses.map { ($0, "2026-12-01") })
        let via = "smtp://127.0.0.1:\(server.port)?tls=none"
        let process = try startGazette(["sequences", "run", "--now", "2026-12-01T12:00:00Z", "--via", via, "--concurrency", "3"])
        Thread.sleep(forTimeInterval: 0.8)
        let killed = process.isRunning
        if killed { kill(process.processIdentifier, SIGKILL) }
        XCTAssertTrue(waitForExit(process))
        let rerun = try sequences(["run", "--now", "2026-12-01T12:05:00Z", "--concurrency", "3"], via: server)
        XCTAssertEqual(rerun.status, 0, rerun.stdout + rerun.stderr)
        let counts = try deliveries(server)
        XCTAssertEqual(Set(counts.keys), Set(addresses), "nobody lost")
        XCTAssertLessThanOrEqual(counts.values.reduce(0) { $0 + max(0, $1 - 1) }, killed ? 3 : 0, "at most the messages in flight")
        let state = try stepLog("welcome")
        XCTAssertEqual(state.counts[.sent], addresses.count)
        XCTAssertEqual(state.unreadableLines, [], "the log stays readable after the kill")
        let again = try sequences(["run", "--now", "2026-12-01T12:10:00Z"], via: server)
        XCTAssertEqual(again.status, 0)
        XCTAssertEqual(try server.receivedMessages().count, counts.values.reduce(0, +), "and nothing more afterwards")
    }

    // MARK: report

    /// `gazette report` shows each step of a sequence like an issue, labelled `sequence/step`, from the logs a real
    /// run wrote: one recipient sent, one deferred (450), one failed (550), a hard bounce imported for the sent one.
    func testReportShowsEachSequenceStepFromItsLog() throws {
        let server = try startServer {
            $0.tempfailRecipients = ["bob@example.org"]
            $0.rejectRecipients = ["cy@example.org"]
        }
        try writeWelcome()
        try members([("ada@example.org", "2026-12-01"), ("bob@example.org", "2026-12-01"), ("cy@example.org", "2026-12-01")])
        let run = try sequences(["run", "--now", "2026-12-01T12:00:00Z"], via: server)
        XCTAssertEqual(run.status, 75, "a deferred recipient: resumable: " + run.stdout + run.stderr)
        try directory.write("{\"id\":\"1\",\"email\":\"ada@example.org\",\"class\":\"hard\",\"reason\":\"gone\",\"date\":\"2099-01-01T00:00:00Z\",\"source\":\"m\"}\n",
                            to: "logs/bounces.jsonl")

        let json = try GazetteBinary.run(["report", "--format", "json", "--no-html"], in: directory.url, timeout: 60)
        XCTAssertEqual(json.status, 0, json.stdout + json.stderr)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any], json.stdout)
        let issues = try XCTUnwrap(object["issues"] as? [[String: Any]])
        let step = try XCTUnwrap(issues.first { $0["issue"] as? String == "welcome/welcome" }, "\(issues.map { $0["issue"] ?? "" })")
        XCTAssertEqual(step["kind"] as? String, "sequence_step")
        XCTAssertEqual(step["sequence"] as? String, "welcome")
        XCTAssertEqual(step["step"] as? String, "welcome")
        XCTAssertEqual(step["logs"] as? [String], ["logs/sequences/welcome/welcome.jsonl"])
        let counts = try XCTUnwrap(step["counts"] as? [String: Any])
        XCTAssertEqual([counts["sent"], counts["deferred"], counts["failed"], counts["hard_bounces"]].map { $0 as? Int }, [1, 1, 1, 1], "\(counts)")
        XCTAssertNil(issues.first { $0["issue"] as? String == "welcome/tips" }, "a step due to nobody has no log, so no row")

        let text = try GazetteBinary.run(["report", "--no-html"], in: directory.url, timeout: 60)
        XCTAssertEqual(text.status, 0, text.stderr)
        let row = try XCTUnwrap(text.stdout.split(separator: "\n").first { $0.hasPrefix("welcome/welcome ") }, text.stdout)
        let cells = row.split(separator: " ").filter { !$0.isEmpty }
        XCTAssertEqual([cells[0], cells[2]], ["welcome/welcome", "3"], "the step, its recipients: \(row)")

        let csv = try GazetteBinary.run(["report", "--format", "csv", "--no-html"], in: directory.url, timeout: 60)
        let lines = csv.stdout.components(separatedBy: "\r\n")
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let stepRow = try XCTUnwrap(lines.first { $0.hasPrefix("welcome/welcome,") && $0.contains(",*,") }, csv.stdout)
            .split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(stepRow[try XCTUnwrap(header.firstIndex(of: "kind"))], "sequence-step")
        XCTAssertEqual(stepRow[try XCTUnwrap(header.firstIndex(of: "deferred"))], "1")

        let page = try GazetteBinary.run(["report"], in: directory.url, timeout: 60)
        XCTAssertEqual(page.status, 0, page.stderr)
        let html = try directory.read("public/report/index.html")
        XCTAssertTrue(html.contains("<tr data-issue=\"welcome/welcome\">"), "the trend table has the step")
        XCTAssertTrue(html.contains("step welcome of the sequence welcome"), "its section says what it is")
    }
}

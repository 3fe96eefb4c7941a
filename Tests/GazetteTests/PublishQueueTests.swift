// The publish queue with times, through the real aiosmtpd test server: a deferral delays only its recipient,
// --max-wait leaves a slow one deferred for the next run, a "slow down" (421 4.7.28) slows only its pacing
// key, and SIGTERM while a recipient waits for its backoff exits 75 with a log that says where everyone is.
import Foundation
import GazetteTestSupport
import XCTest
@testable import Gazette

final class PublishQueueTests: RelayProjectTestCase {
    func setDelivery(_ yaml: String) throws {
        try directory.write(try directory.read("gazette.yml") + "delivery: \(yaml)\n", to: "gazette.yml")
    }

    func time(_ record: LogRecord) throws -> Date { try XCTUnwrap(LogRecord.date(record.time)) }

    func testADeferralDelaysOnlyItsRecipient() throws {
        // One connection: before, its worker slept through the backoff and everyone behind waited.
        let server = try startServer {
            $0.tempfailRecipients = ["slow@example.org"]
            $0.tempfailTimes = 2
            $0.tempfailRecipientReply = "451 4.3.0 <%s>: Temporary lookup failure"
        }
        let others = (0..<30).map { "reader\($0)@example.org" }
        try subscribers(["slow@example.org"] + others)
        try setDelivery("{ retries: 3, retry_delay: 2 }")
        let run = try publish(["--via", "smtp://127.0.0.1:\(server.port)?tls=none", "--concurrency", "1"])
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        XCTAssertTrue(run.stdout.contains("31 sent"), run.stdout)

        let log = try records()
        let slowTries = log.filter { $0.event == .sending && $0.address == "slow@example.org" }
        XCTAssertEqual(slowTries.map(\.attempt), [1, 2, 3], "tried three times, sent on the third")
        XCTAssertEqual(log.filter { $0.event == .deferred && $0.address == "slow@example.org" }.count, 2)
        let secondTry = try time(slowTries[1])
        let othersSent = log.filter { $0.event == .sent && $0.address != "slow@example.org" }
        XCTAssertEqual(othersSent.count, 30)
        for record in othersSent {
            XCTAssertLessThan(try time(record), secondTry, "\(record.address ?? "") waited for the slow one's backoff")
        }
        XCTAssertEqual(Set(try server.receivedMessages().flatMap(\.rcptTos)), Set(others + ["slow@example.org"]))
    }

    func testMaxWaitLeavesTheSlowOneDeferredAndARerunFinishesIt() throws {
        let server = try startServer {
            $0.tempfailRecipients = ["slow@example.org"]
            $0.tempfailTimes = 1
            $0.tempfailRecipientReply = "451 4.3.0 <%s>: Temporary lookup failure"
        }
        try subscribers(["slow@example.org"] + (0..<5).map { "reader\($0)@example.org" })
        try setDelivery("{ retries: 3, retry_delay: 20 }")
        let via = "smtp://127.0.0.1:\(server.port)?tls=none"
        let started = Date()
        let first = try publish(["--via", via, "--max-wait", "1"])
        XCTAssertLessThan(Date().timeIntervalSince(started), 15, "the run did not wait for a next try 16 s or more away")
        XCTAssertEqual(first.status, 75, first.stdout + first.stderr)
        XCTAssertTrue(first.stdout.contains("5 sent, 1 deferred"), first.stdout)
        XCTAssertEqual(try logState().counts[.deferred], 1)

        let rerun = try publish(["--via", via])
        XCTAssertEqual(rerun.status, 0, rerun.stdout + rerun.stderr)
        XCTAssertTrue(rerun.stdout.contains("1 sent"), rerun.stdout)
        let counts = try server.receivedMessages().flatMap(\.rcptTos).reduce(into: [String: Int]()) { $0[$1, default: 0] += 1 }
        XCTAssertEqual(counts.count, 6)
        XCTAssertEqual(counts.values.max(), 1)
    }

    /// A relay transport whose pacing key is the recipient's domain, as direct delivery's is.
    struct DomainPaced: Transport {
        let base: Transport
        var description: String { base.description }
        func makeSender() throws -> MessageSender { try base.makeSender() }
        func pacingKey(forRecipient recipient: String) -> String { String(recipient.split(separator: "@").last ?? "") }
    }

    func testAThrottleSlowsOnlyItsPacingKey() throws {
        let server = try startServer {
            $0.throttleDomains = ["slow.example"]
            $0.throttleTimes = 2
        }
        let fast = (0..<16).map { "reader\($0)@fast.example" }
        let slow = (0..<4).map { "reader\($0)@slow.example" }
        // Interleaved, slow ones first: the fast ones must not queue behind them.
        try subscribers(fast.indices.flatMap { index in (index < slow.count ? [slow[index]] : []) + [fast[index]] })
        try setDelivery("{ retries: 5, retry_delay: 0.2 }")
        let project = try Project(root: directory.url)
        var options = PublishOptions(issue: "1")
        options.environment = ["GAZETTE_UNSUBSCRIBE_SECRET": "s"]
        options.via = "smtp://127.0.0.1:\(server.port)?tls=none"
        options.concurrency = 2
        let summary = try Publisher(project: project, options: options) { via in
            DomainPaced(base: try Transports.make(via: via, configuration: project.configuration, caFile: nil,
                                                  environment: [:], projectRoot: project.root))
        }.run()
        XCTAssertEqual(summary.sent, 20, "\(summary)")
        XCTAssertEqual(summary.exitStatus, 0)
        XCTAssertEqual(try server.events().filter { $0.event == "throttle" }.count, 2)

        let log = try records()
        let start = try time(try XCTUnwrap(log.first { $0.event == .sending }))
        let fastSent = try log.filter { $0.event == .sent && $0.address?.hasSuffix("@fast.example") == true }.map(time)
        XCTAssertEqual(fastSent.count, 16)
        XCTAssertLessThan(try XCTUnwrap(fastSent.max()).timeIntervalSince(start), 2.5,
                          "the fast domain kept its pace while the slow one was throttled")
        // After its first throttle, the slow domain's sends are at least a pace interval (1 s, then 2 s) apart.
        let slowTries = try log.filter { $0.event == .sending && $0.address?.hasSuffix("@slow.example") == true }.map(time)
        XCTAssertGreaterThanOrEqual(slowTries.count, 6, "4 recipients, 2 of them throttled once")
        for (earlier, later) in zip(slowTries.dropFirst(), slowTries.dropFirst(2)) {
            XCTAssertGreaterThanOrEqual(later.timeIntervalSince(earlier), 0.9, "slow.example paced")
        }
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(slowTries.last).timeIntervalSince(try XCTUnwrap(fastSent.max())), 0.5,
                                    "the slow domain finished after the fast one")
    }

    func testSIGTERMDuringABackoffExits75WithAConsistentLog() throws {
        let server = try startServer {
            $0.tempfailRecipients = ["slow@example.org"]
            $0.tempfailRecipientReply = "451 4.3.0 <%s>: Temporary lookup failure"
        }
        let others = (0..<5).map { "reader\($0)@example.org" }
        try subscribers(["slow@example.org"] + others)
        try setDelivery("{ retries: 3, retry_delay: 30 }")
        let process = Process()
        process.executableURL = TestPaths.gazetteBinary
        process.arguments = ["publish", "1", "--via", "smtp://127.0.0.1:\(server.port)?tls=none"]
        process.currentDirectoryURL = directory.url
        process.environment = ProcessInfo.processInfo.environment.merging(["GAZETTE_UNSUBSCRIBE_SECRET": "s", "CI": "true"]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        addTeardownBlock { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        // Wait (bounded) until the others are sent and the slow one waits for its 30 s backoff.
        let deadline = Date().addingTimeInterval(30)
        var waiting = false
        while !waiting && Date() < deadline && process.isRunning {
            Thread.sleep(forTimeInterval: 0.1)
            let log = (try? records()) ?? []
            waiting = log.filter { $0.event == .sent }.count == 5 && log.contains { $0.event == .deferred }
        }
        XCTAssertTrue(waiting, "the slow one was deferred and the others sent")
        kill(process.processIdentifier, SIGTERM)
        let exitBy = Date().addingTimeInterval(10)
        while process.isRunning && Date() < exitBy { Thread.sleep(forTimeInterval: 0.05) }
        XCTAssertFalse(process.isRunning, "a stop does not wait for the backoff")
        XCTAssertEqual(process.terminationStatus, 75)

        let log = try records()
        XCTAssertEqual(log.last?.event, .runEnd)
        XCTAssertEqual(log.last?.summary?["deferred"], 1)
        XCTAssertEqual(log.last?.summary?["sent"], 5)
        let state = try logState()
        XCTAssertEqual(state.counts[.sent], 5)
        XCTAssertEqual(state.counts[.deferred], 1)
        XCTAssertEqual(state.counts[.uncertain], nil, "no `sending` left without its outcome")
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.url.appendingPathComponent("logs/hello.lock").path))
    }
}

// Both phases of an A/B subject test through a real SMTP server (aiosmtpd) on loopback, as users run them:
// each received message's subject is its recipient's arm's, nobody of the rest gets anything in phase one, and
// a SIGTERM in either phase or a log torn mid-line is resumed without sending anyone twice.
import Foundation
import GazetteTestSupport
import XCTest
@testable import Gazette

final class ABTestRelayTests: RelayProjectTestCase {
    static let subjects = ["Alpha subject for you", "Bravo subject for you"]

    override func setUpWithError() throws {
        try super.setUpWithError()
        try directory.write(ABTestTests.issue.replacingOccurrences(of: "test_share: 20%", with: "test_share: 50%"),
                            to: "content/issues/001-hello.md")
    }

    /// Recipient → the subject of every message the server received for them, in order.
    func received(_ server: TestSMTPServer) throws -> [String: [String]] {
        var result: [String: [String]] = [:]
        for message in try server.receivedMessages() {
            let text = String(decoding: message.content, as: UTF8.self)
            // Messages end lines with CRLF, one Character in Swift: split on that.
            let subject = text.components(separatedBy: "\r\n").first { $0.hasPrefix("Subject: ") }.map { String($0.dropFirst(9)) } ?? "(none)"
            for rcpt in message.rcptTos { result[rcpt.lowercased(), default: []].append(subject) }
        }
        return result
    }

    /// Starts a publish, stops it with SIGTERM after `seconds` if it is still going; returns its exit status.
    func publishStoppedAfter(_ seconds: Double, _ arguments: [String]) throws -> Int32 {
        let process = try startPublish(arguments)
        Thread.sleep(forTimeInterval: seconds)
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        XCTAssertTrue(waitForExit(process), "the publish stops within a minute of SIGTERM")
        return process.terminationStatus
    }

    func testBothPhasesThroughARelayWithInterruptionsSendEachOnceWithTheArmSubject() throws {
        let server = try startServer { $0.delayData = 0.03 }
        let addresses = (0..<240).map { "reader\($0)@example.org" }
        try subscribers(addresses)
        let split = ABSplit(arms: 2, shareBasisPoints: 5000, issueSlug: "hello")
        let arms = Dictionary(uniqueKeysWithValues: addresses.map { ($0, split.arm(of: AddressKey($0))) })
        let tested = Set(arms.filter { $0.value != nil }.keys)
        let via = "smtp://127.0.0.1:\(server.port)?tls=none"

        // Phase one, stopped part-way, then finished by a rerun that says the rest waits.
        let stopped = try publishStoppedAfter(1.0, ["--via", via, "--concurrency", "2"])
        XCTAssertEqual(stopped, 75)
        let partWay = try received(server)
        XCTAssertLessThan(partWay.count, tested.count, "SIGTERM stopped the test phase part-way")
        XCTAssertTrue(Set(partWay.keys).isSubset(of: tested))
        let rerun = try publish(["--via", via])
        XCTAssertEqual(rerun.status, 75, "waiting for the winner: \(rerun.stdout)\(rerun.stderr)")
        XCTAssertTrue(rerun.stdout.contains("wait for the winner"), rerun.stdout)
        var got = try received(server)
        XCTAssertEqual(Set(got.keys), tested, "exactly the test arms, nobody of the rest")
        for (address, subjects) in got {
            XCTAssertEqual(subjects.count, 1, "\(address) got \(subjects.count) messages")
            XCTAssertEqual(subjects.first, (arms[address] ?? nil).map { Self.subjects[$0] }, address)
        }

        // A log torn mid-line, as a kill during a write leaves it: read past, nobody sent again.
        let log = directory.url.appendingPathComponent("logs/hello.jsonl")
        let handle = try FileHandle(forWritingTo: log)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"event\":\"sending\",\"time\":\"2026-12-02T01:00:00.000Z\",\"address\":\"reader".utf8))
        try handle.close()
        XCTAssertEqual(try publish(["--via", via]).status, 75)
        XCTAssertEqual(try received(server).values.map(\.count).reduce(0, +), tested.count, "the torn line sends nobody")

        // Phase two, stopped part-way; the rerun needs no --ab-winner: the log recorded A.
        let stoppedWinner = try publishStoppedAfter(1.0, ["--via", via, "--concurrency", "2", "--ab-winner", "A"])
        XCTAssertEqual(stoppedWinner, 75)
        XCTAssertLessThan(try received(server).count, addresses.count, "SIGTERM stopped the winner phase part-way")
        let finish = try publish(["--via", via])
        XCTAssertEqual(finish.status, 0, finish.stdout + finish.stderr)
        got = try received(server)
        XCTAssertEqual(Set(got.keys), Set(addresses))
        for (address, subjects) in got {
            XCTAssertEqual(subjects.count, 1, "\(address) got \(subjects.count) messages")
            XCTAssertEqual(subjects.first, Self.subjects[(arms[address] ?? nil) ?? 0], address)
        }
        let state = try logState()
        XCTAssertEqual(state.counts[.sent], addresses.count)
        XCTAssertTrue(state.abWinnerFinished)
        XCTAssertEqual(state.abWinner, "A")
    }
}

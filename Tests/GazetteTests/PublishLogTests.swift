// The publish log and lock on their own: records written whole and read back, torn lines ignored,
// a `sending` without outcome read as uncertain, a stale lock taken over, a live one refused.
import Foundation
import GazetteTestSupport
import XCTest
@testable import Gazette

final class PublishLogTests: XCTestCase {
    var directory: TemporaryDirectory!

    override func setUpWithError() throws {
        directory = try TemporaryDirectory("log")
        addTeardownBlock { [directory] in directory?.remove() }
    }

    func record(_ event: LogRecord.Event, _ address: String, reply: String? = nil) -> LogRecord {
        var record = LogRecord(event: event)
        record.address = address
        record.reply = reply
        return record
    }

    func testRecordsRoundTripAndTheLastStatusWins() throws {
        let url = directory.url.appendingPathComponent("logs/x.jsonl")
        let log = try PublishLog(url: url)
        var header = LogRecord(event: .header)
        header.contentHash = "abc"
        header.lists = [ListFingerprint(path: "subscribers/main.csv", sha256: "00", snapshot: "logs/x.lists/main.csv")]
        try log.append(header)
        try log.append(record(.sending, "a@example.org"))
        try log.append(record(.deferred, "a@example.org", reply: "451 4.7.1 \"slow\" down\r\nplease ✓"))
        try log.append(record(.sending, "a@example.org"))
        try log.append(record(.sent, "A@example.org"))
        try log.append(record(.sending, "b@example.org"))
        log.close()
        let state = try PublishLogState(reading: url)
        XCTAssertEqual(state.header?.contentHash, "abc")
        XCTAssertEqual(state.header?.lists?.first?.snapshot, "logs/x.lists/main.csv")
        XCTAssertEqual(state.status(ofKey: AddressKey.hash64(AddressKey.normalize("a@example.org"))), .sent)
        XCTAssertEqual(state.status(ofKey: AddressKey.hash64(AddressKey.normalize("b@example.org"))), .uncertain,
                       "sending without an outcome reads as uncertain")
        XCTAssertEqual(state.unreadableLines, [])
        let text = try String(contentsOf: url, encoding: .utf8)
        XCTAssertTrue(text.contains(#""reply":"451 4.7.1 \"slow\" down\r\nplease ✓""#), text)
    }

    func testTornLastLineIsIgnoredAndTheNextAppendStartsClean() throws {
        let url = directory.url.appendingPathComponent("x.jsonl")
        try Data(String(decoding: record(.sent, "a@example.org").jsonLine(), as: UTF8.self).utf8 + Data("{\"event\":\"sent\",\"addr".utf8))
            .write(to: url)
        XCTAssertEqual(try PublishLogState(reading: url).counts[.sent], 1)
        let log = try PublishLog(url: url)
        try log.append(record(.sent, "b@example.org"))
        log.close()
        let state = try PublishLogState(reading: url)
        XCTAssertEqual(state.counts[.sent], 2)
        XCTAssertEqual(state.unreadableLines, [2], "the torn line, now followed by a newline, is reported, not fatal")
    }

    func testLockRefusesASecondPublishAndTakesOverAStaleOne() throws {
        let url = directory.url.appendingPathComponent("x.lock")
        let lock = try PublishLock(url: url)
        XCTAssertThrowsError(try PublishLock(url: url)) { error in
            XCTAssertEqual((error as? DiagnosticError)?.diagnostics.first?.code, "publish-locked")
        }
        lock.release()
        // A lock left by a process that no longer exists on this host.
        try "2147483000 \(ProcessInfo.processInfo.hostName)\n".write(to: url, atomically: true, encoding: .utf8)
        let taken = try PublishLock(url: url)
        taken.release()
        XCTAssertFalse(FileManager.default.fileExists(atPath: url.path))
    }

    func testRateLimiterSpacesMessagesAndHonoursCapsFromHistory() {
        let now = Date()
        let limiter = SendRateLimiter(perSecond: 10, maxPerHour: nil, maxPerDay: nil, history: [], now: now)
        XCTAssertEqual(limiter.reserve(now: now), 0)
        XCTAssertEqual(limiter.reserve(now: now) ?? -1, 0.1, accuracy: 0.001)
        let history = (0..<5).map { now.addingTimeInterval(Double(-3000 + $0)) }
        let capped = SendRateLimiter(perSecond: nil, maxPerHour: 5, maxPerDay: nil, history: history, now: now)
        XCTAssertEqual(capped.reserve(now: now, maximumWait: 1000) ?? -1, 600, accuracy: 0.01,
                       "the oldest of five sends leaves the hour window in 600 s")
        XCTAssertNil(capped.reserve(now: now, maximumWait: 10), "a long wait ends the run instead")
    }
}

// The publish log and lock on their own: records written whole and read back, torn lines ignored,
// a `sending` without outcome read as uncertain, a stale lock taken over, a live one refused.
import Foundation
import GazetteTestSupport
import Synchronization
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

    /// Workers append without excluding one another (one O_APPEND write per record): every line stays whole,
    /// long ones included, while syncs run beside them.
    func testConcurrentAppendsKeepEveryLineWhole() throws {
        let url = directory.url.appendingPathComponent("logs/many.jsonl")
        let log = try PublishLog(url: url)
        let threads = 8, perThread = 500
        let failures = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: threads + 1) { thread in
            guard thread < threads else {
                for _ in 0..<200 { log.syncIfDirty() }
                return
            }
            for index in 0..<perThread {
                // Some records longer than a page, so a write is not small enough to be atomic by size alone.
                let reply = String(repeating: "x", count: index % 50 == 0 ? 9_000 : 40)
                do {
                    var record = LogRecord(event: .sent)
                    record.address = "t\(thread)-\(index)@example.org"
                    record.reply = reply
                    try log.append(record)
                } catch {
                    failures.add(1, ordering: .relaxed)
                }
            }
        }
        log.close()
        XCTAssertEqual(failures.load(ordering: .relaxed), 0)
        let state = try PublishLogState(reading: url)
        XCTAssertEqual(state.unreadableLines, [])
        XCTAssertEqual(state.counts[.sent], threads * perThread)
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

    func testLockRefusesASecondHolderAndALeftoverFileIsNoLock() throws {
        let url = directory.url.appendingPathComponent("logs/x.lock")
        let lock = try FileLock(url: url, activity: "a publish of logs/x.jsonl", code: "publish-locked")
        XCTAssertThrowsError(try FileLock(url: url, activity: "a second publish", code: "publish-locked")) { error in
            let diagnostic = (error as? DiagnosticError)?.diagnostics.first
            XCTAssertEqual(diagnostic?.code, "publish-locked")
            XCTAssertTrue(diagnostic?.message.hasPrefix("a publish of logs/x.jsonl (pid \(getpid()) on ") ?? false, "\(String(describing: diagnostic))")
        }
        lock.release()
        XCTAssertFalse(FileManager.default.fileExists(atPath: url.path), "released: no lock file left to commit")
        // A file left by a process that died (or by gazette before flock): nobody holds it, so it is taken.
        try "2147483000 \(ProcessInfo.processInfo.hostName)\n".write(to: url, atomically: true, encoding: .utf8)
        let taken = try FileLock(url: url, activity: "a publish")
        taken.release()
        XCTAssertFalse(FileManager.default.fileExists(atPath: url.path))
    }

    func testTheProjectLockIsReentrantOnAThreadAndWaitsForAnotherThread() throws {
        let root = directory.url
        let inner = try ProjectLock.withLock(root: root, activity: "outer") {
            try ProjectLock.withLock(root: root, activity: "inner") { "nested" }
        }
        XCTAssertEqual(inner, "nested", "a sync that appends holds the lock once, it does not wait for itself")
        let held = expectation(description: "another thread holds the lock")
        let release = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            _ = try? ProjectLock.withLock(root: root, activity: "thread") {
                held.fulfill()
                _ = release.wait(timeout: .now() + 10)
            }
        }
        wait(for: [held], timeout: 10)
        XCTAssertThrowsError(try ProjectLock.withLock(root: root, activity: "main", wait: 0.2) {})
        release.signal()
        XCTAssertNoThrow(try ProjectLock.withLock(root: root, activity: "main", wait: 10) {})
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

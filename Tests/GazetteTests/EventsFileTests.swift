// The events file: one line per accepted unsubscribe, every append on disk before it returns, concurrent
// appends all present, a torn last line ignored on reading and closed off before the next append.
import Foundation
import GazetteTestSupport
import XCTest
@testable import Gazette

final class EventsFileTests: XCTestCase {
    func event(_ address: String, list: String = "main", at time: Date = Date(timeIntervalSince1970: 1_764_640_000)) -> UnsubscribeEvent {
        UnsubscribeEvent(target: UnsubscribeTarget(address: address, list: list, form: .sealed), via: .oneClick, time: time)
    }

    func testAppendsOneLinePerEventIntoTheFileOfItsDay() throws {
        let directory = try TemporaryDirectory("events")
        addTeardownBlock { directory.remove() }
        let file = EventsFile(directory: directory.url.appendingPathComponent("events"))
        try file.append(event("ada@example.org"))
        try file.append(event("zoe@example.org", at: Date(timeIntervalSince1970: 1_764_640_000 + 86_400)))
        let first = try directory.read("events/2025-12-02.jsonl")
        XCTAssertEqual(first, #"{"email":"ada@example.org","event":"unsubscribe","form":"sealed","list":"main","time":"2025-12-02T01:46:40.000Z","via":"one-click"}"# + "\n")
        let reader = try EventsReader(url: file.url(day: "2025-12-03"), path: "events/2025-12-03.jsonl")
        XCTAssertEqual(reader.entries.map(\.event.email), ["zoe@example.org"])
        XCTAssertEqual(reader.entries.first?.line, 1)
        XCTAssertTrue(reader.problems.isEmpty)
    }

    func testConcurrentAppendsAreAllThereWhole() throws {
        let directory = try TemporaryDirectory("events")
        addTeardownBlock { directory.remove() }
        let file = EventsFile(directory: directory.url)
        let events = (0..<200).map { event("user\($0)@example.org") }
        let failures = NSLock()
        nonisolated(unsafe) var failed = 0
        DispatchQueue.concurrentPerform(iterations: events.count) { index in
            do { try file.append(events[index]) } catch { failures.withLock { failed += 1 } }
        }
        XCTAssertEqual(failed, 0)
        let reader = try EventsReader(url: file.url(day: "2025-12-02"), path: "events.jsonl")
        XCTAssertEqual(Set(reader.entries.map(\.event.email)).count, 200)
        XCTAssertTrue(reader.problems.isEmpty)
    }

    func testATornLastLineIsIgnoredAndTheNextAppendStartsClean() throws {
        let directory = try TemporaryDirectory("events")
        addTeardownBlock { directory.remove() }
        let torn = #"{"email":"ada@example.org","event":"unsubscribe","form":"sealed","list":"main","time":"2025-12-02T01:46:40.000Z","via":"one-click"}"#
            + "\n" + #"{"email":"half"#
        _ = try directory.write(torn, to: "2025-12-02.jsonl")
        let url = directory.url.appendingPathComponent("2025-12-02.jsonl")
        XCTAssertEqual(try EventsReader(url: url, path: "e").entries.count, 1, "the torn line was never acknowledged")
        try EventsFile(directory: directory.url).append(event("zoe@example.org"))
        let reader = try EventsReader(url: url, path: "e")
        XCTAssertEqual(reader.entries.map(\.event.email), ["ada@example.org", "zoe@example.org"])
        XCTAssertEqual(reader.problems.count, 1, "the torn line, now ended, is reported, not silently dropped")
        XCTAssertEqual(reader.problems.first?.location?.line, 2)
    }
}

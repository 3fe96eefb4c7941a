// The scheduler's rules on their own, with a fixed clock: due recipients before fresh ones, a slowed key's
// recipients parked while other keys go on, the end at --max-wait, what a stop leaves; and AIMD pacing.
import Foundation
import XCTest
@testable import Gazette

final class DeliverySchedulerTests: XCTestCase {
    func recipient(_ address: String) -> Recipient { Recipient(address: address, fields: [:], source: "test", list: "main") }

    func scheduler(maxWait: TimeInterval = 300) -> DeliveryScheduler {
        DeliveryScheduler(readAhead: 8, maxWait: maxWait) { String($0.recipient.address.split(separator: "@").last ?? "") }
    }

    func testADeferredRecipientWaitsForItsTimeAndOthersGoFirst() throws {
        let queue = scheduler()
        let now = Date()
        queue.put(recipient("a@slow.example"))
        queue.put(recipient("b@fast.example"))
        queue.finishReading()
        var first = try XCTUnwrap(queue.next { now })
        XCTAssertEqual(first.recipient.address, "a@slow.example")
        first.attempts = 1
        queue.retry(first, notBefore: now.addingTimeInterval(5))
        XCTAssertEqual(queue.next { now }?.recipient.address, "b@fast.example", "not blocked by the deferred one")
        // b is in flight: when it is done, a is due only in 5 s, which is within max_wait, so the run waits.
        queue.done(ScheduledRecipient(recipient: recipient("b@fast.example")))
        XCTAssertEqual(queue.next { now.addingTimeInterval(5) }?.recipient.address, "a@slow.example")
    }

    func testTheRunEndsWhenOnlyRecipientsDueLaterThanMaxWaitRemain() throws {
        let queue = scheduler(maxWait: 1)
        let now = Date()
        queue.put(recipient("a@example.org"))
        queue.finishReading()
        var job = try XCTUnwrap(queue.next { now })
        job.attempts = 1
        queue.retry(job, notBefore: now.addingTimeInterval(10))
        XCTAssertNil(queue.next { now }, "due in 10 s, max_wait 1 s: the run ends")
        let left = queue.leftovers()
        XCTAssertEqual(left.deferred, 1)
        XCTAssertEqual(left.notAttempted, 0)
    }

    func testNextIfDueNeverWaitsAndAGivenBackRecipientIsNextOrLeftForTheNextRun() throws {
        let queue = scheduler()
        let now = Date()
        XCTAssertNil(queue.nextIfDue(now: now), "nothing read yet: no recipient, and no wait")
        queue.put(recipient("a@example.org"))
        queue.put(recipient("b@example.org"))
        queue.finishReading()
        let a = try XCTUnwrap(queue.next { now })
        let b = try XCTUnwrap(queue.nextIfDue(now: now))
        XCTAssertEqual(b.recipient.address, "b@example.org")
        XCTAssertNil(queue.nextIfDue(now: now))
        queue.giveBack(b)
        XCTAssertEqual(queue.nextIfDue(now: now)?.recipient.address, "b@example.org", "given back: taken again, untouched")
        queue.done(a)
        // A stop with one composed ahead: given back, it is left for the next run as not attempted.
        var again = b
        again.attempts = 0
        queue.stop()
        XCTAssertNil(queue.nextIfDue(now: now), "stopped: nothing more is handed out")
        queue.giveBack(again)
        XCTAssertNil(queue.next { now })
        let left = queue.leftovers()
        XCTAssertEqual(left.notAttempted, 1)
        XCTAssertEqual(left.deferred, 0)
    }

    func testASlowedKeyIsParkedWhileOtherKeysGoOn() throws {
        let queue = scheduler()
        let now = Date()
        for index in 0..<3 { queue.put(recipient("r\(index)@slow.example")) }
        queue.put(recipient("r@fast.example"))
        queue.finishReading()
        let first = try XCTUnwrap(queue.next { now })
        queue.paced(first, slowDown: true, accepted: false, now: now)
        queue.done(first)
        XCTAssertEqual(queue.interval(ofKey: "slow.example"), AdaptivePace.firstInterval)
        XCTAssertEqual(queue.next { now }?.recipient.address, "r@fast.example", "the slowed key's fresh ones are parked")
        XCTAssertEqual(queue.interval(ofKey: "fast.example"), 0, "the other key keeps its pace")
        let stopAt = now.addingTimeInterval(0.5)
        queue.stop()
        XCTAssertNil(queue.next { stopAt })
        let left = queue.leftovers()
        XCTAssertEqual(left.notAttempted, 2, "parked, never tried: not attempted, so a rerun sends them")
        XCTAssertEqual(left.deferred, 0)
    }

    func testPaceHalvesOnSlowDownAndRecoversAdditively() {
        var pace = AdaptivePace()
        let now = Date()
        XCTAssertEqual(pace.earliestStart(now: now), now, "unpaced until told")
        pace.slowDown(now: now)
        XCTAssertEqual(pace.interval, 1)
        pace.slowDown(now: now)
        XCTAssertEqual(pace.interval, 2, "the rate halves")
        XCTAssertEqual(pace.earliestStart(now: now).timeIntervalSince(now), 2, accuracy: 0.001)
        pace.recover()
        XCTAssertEqual(1 / pace.interval, 0.5 + AdaptivePace.recoveryStep, accuracy: 1e-9, "grows back by a step")
        for _ in 0..<200 { pace.recover() }
        XCTAssertEqual(pace.interval, 0, "fast enough: unpaced again")
        for _ in 0..<20 { pace.slowDown(now: now) }
        XCTAssertEqual(pace.interval, AdaptivePace.longestInterval)
    }
}

// Against Postfix's smtp-sink: volume over several connections, DSN parameters and the null
// sender on the wire, and smtp-sink's own faults (-r soft reject, -f hard reject, -q disconnect).
import Foundation
import GazetteTestSupport
import Mail
import XCTest
@testable import SMTP

final class SMTPSinkTests: LiveServerTestCase {
    private func relay(_ sink: SMTPSink, connections: Int, attempts: Int = 1) throws -> Relay {
        let options = Relay.Options(connections: connections,
                                    retry: RetryPolicy(maximumAttempts: attempts, initialDelay: 0.05, maximumDelay: 0.1, jitter: 0))
        let relay = try Relay(configuration: configuration(port: sink.port), options: options)
        addTeardownBlock { await relay.shutdown() }
        return relay
    }

    func testVolumeOverFourConnections() async throws {
        let sink = try startSink()
        let relay = try relay(sink, connections: 4)
        // GAZETTE_SMTP_VOLUME=20000 for a longer run (a release build prints the rate).
        let count = ProcessInfo.processInfo.environment["GAZETTE_SMTP_VOLUME"].flatMap { Int($0) } ?? 2_000
        let body = message(0) + Array(String(repeating: "Lorem ipsum dolor sit amet, consectetur adipiscing.\r\n", count: 40).utf8)
        let envelopes = try (0..<count).map { try envelope(to: ["r\($0)@example.org"]) }
        let start = ContinuousClock.now
        let accepted = try await withThrowingTaskGroup(of: Bool.self) { group in
            var accepted = 0
            var next = 0
            func add() {
                let envelope = envelopes[next]
                group.addTask { try await relay.send(envelope, message: body).disposition == .accepted }
                next += 1
            }
            // Keep 8 messages in flight: two per connection, so a connection never waits for work.
            while next < min(8, count) { add() }
            for try await ok in group {
                if ok { accepted += 1 }
                if next < count { add() }
            }
            return accepted
        }
        let elapsed = ContinuousClock.now - start
        XCTAssertEqual(accepted, count)
        XCTAssertEqual(relay.statistics.connectionsOpened, 4)
        XCTAssertLessThan(elapsed, .seconds(60))
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("smtp-sink volume: \(count) messages of \(body.count) octets over 4 connections in "
              + String(format: "%.2f s (%.0f messages/s)", seconds, Double(count) / seconds))
    }

    func testDSNParametersAndNullSenderOnTheWire() throws {
        let sink = try startSink(dump: true)
        let session = try Session(configuration: configuration(port: sink.port))
        var envelope = Envelope(sender: nil, recipients: [try mailbox("reader+tag@example.org")])
        envelope.deliveryStatusNotification = DSNRequest(returnContent: .headers, envelopeID: "issue-12 reader=1",
                                                         notify: [.failure, .delay], originalRecipient: true)
        let result = try session.send(envelope, message: message())
        session.close()
        XCTAssertEqual(result.disposition, .accepted)
        XCTAssertEqual(session.capabilities, nil, "closed")
        let end = Date(timeIntervalSinceNow: 5)
        var dumps = try sink.dumpedMessages()
        while dumps.isEmpty && Date() < end {
            usleep(50_000)
            dumps = try sink.dumpedMessages()
        }
        let dump = try XCTUnwrap(dumps.first)
        // smtp-sink announces DSN but not SIZE: no SIZE= then.
        XCTAssertTrue(dump.contains("X-Mail-Args: <> RET=HDRS ENVID=issue-12+20reader+3D1"), dump)
        XCTAssertTrue(dump.contains("X-Rcpt-Args: <reader+tag@example.org> NOTIFY=FAILURE,DELAY ORCPT=rfc822;reader+2Btag@example.org"), dump)
        XCTAssertTrue(dump.contains(".A line that starts with a dot."), dump)
    }

    func testSoftRejectIsDeferred() async throws {
        let sink = try startSink(["-r", "RCPT"])
        let relay = try relay(sink, connections: 1, attempts: 2)
        let result = try await relay.send(envelope(to: ["reader@example.org"]), message: message())
        XCTAssertEqual(result.disposition, .deferred)
        XCTAssertEqual(result.attempts, 2)
        XCTAssertEqual(result.reply?.code ?? result.recipients.first?.reply?.code, 450)
    }

    func testHardRejectFails() async throws {
        let sink = try startSink(["-f", "RCPT"])
        let relay = try relay(sink, connections: 1, attempts: 3)
        let result = try await relay.send(envelope(to: ["reader@example.org"]), message: message())
        XCTAssertEqual(result.disposition, .failed)
        XCTAssertEqual(result.attempts, 1)
    }

    func testDisconnectAfterTheFinalDotIsUncertain() throws {
        let sink = try startSink(["-q", "."])
        let session = try Session(configuration: configuration(port: sink.port))
        let result = try session.send(envelope(to: ["reader@example.org"]), message: message())
        XCTAssertEqual(result.disposition, .uncertain)
        XCTAssertFalse(session.isOpen)
    }

    func testDeadReusedConnectionIsReopenedOnce() throws {
        // smtp-sink -t 1 drops a client that says nothing for a second.
        let sink = try startSink(["-t", "1"])
        let log = TranscriptLog()
        let session = try Session(configuration: configuration(port: sink.port), transcript: log.transcript)
        XCTAssertEqual(try session.send(envelope(to: ["a@example.org"]), message: message(1)).disposition, .accepted)
        usleep(1_600_000)
        XCTAssertEqual(try session.send(envelope(to: ["b@example.org"]), message: message(2)).disposition, .accepted, log.text)
        session.close()
        XCTAssertEqual(session.connectionsOpened, 2)
        XCTAssertTrue(log.text.contains("reconnecting once"), log.text)
    }

    func testDisconnectBeforeTheContentThrowsNothingWasSent() throws {
        let sink = try startSink(["-q", "RCPT"])
        let session = try Session(configuration: configuration(port: sink.port))
        assertSMTPError({ _ = try session.send(envelope(to: ["reader@example.org"]), message: message()) }) { error in
            guard case .connectionClosed = error.reason else { return XCTFail("\(error)") }
            XCTAssertTrue(error.isTransient)
        }
    }
}

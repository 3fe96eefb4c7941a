// The relay (connection pool, retries, reconnects) against aiosmtpd injecting faults: 4xx and 5xx
// recipients, a dropped connection after the content, a slow final reply, 421 after N messages.
import Foundation
import GazetteTestSupport
import Mail
import XCTest
@testable import SMTP

final class RelayFaultTests: LiveServerTestCase {
    /// Short retries so the tests stay fast.
    private func options(connections: Int = 1, attempts: Int = 3) -> Relay.Options {
        Relay.Options(connections: connections,
                      retry: RetryPolicy(maximumAttempts: attempts, initialDelay: 0.05, multiplier: 2, maximumDelay: 0.2, jitter: 0))
    }

    private func relay(_ server: TestSMTPServer, options: Relay.Options, timeout: Double = 10) throws -> Relay {
        let relay = try Relay(configuration: configuration(port: server.port, timeout: timeout), options: options)
        addTeardownBlock { await relay.shutdown() }
        return relay
    }

    func testSoftRejectedRecipientIsDeferredAfterTheRetries() async throws {
        let server = try startServer { $0.tempfailRecipients = ["busy@example.org"] }
        let relay = try relay(server, options: options(attempts: 3))
        let result = try await relay.send(envelope(to: ["busy@example.org", "reader@example.org"]), message: message())
        XCTAssertEqual(result.recipients.map(\.disposition), [.deferred, .accepted])
        XCTAssertEqual(result.disposition, .deferred)
        XCTAssertEqual(result.attempts, 3)
        XCTAssertEqual(result.recipients[0].reply?.code, 450)
        XCTAssertEqual(result.recipients[0].reply?.isThrottling, true)
        XCTAssertTrue(result.recipients[0].reason?.contains("in reply to RCPT TO") ?? false, "\(result.recipients[0])")
        // The accepted recipient got the message once; the retries went to the deferred one only.
        let received = try server.receivedMessages()
        XCTAssertEqual(received.map(\.rcptTos), [["reader@example.org"]])
    }

    func testTemporaryFailureThatClearsIsRetriedAndAccepted() async throws {
        let server = try startServer { $0.tempfailRecipients = ["busy@example.org"]; $0.tempfailTimes = 2 }
        let relay = try relay(server, options: options(attempts: 4))
        let result = try await relay.send(envelope(to: ["busy@example.org"]), message: message())
        XCTAssertEqual(result.disposition, .accepted)
        XCTAssertEqual(result.attempts, 3)
        XCTAssertEqual(try server.receivedMessages().count, 1)
    }

    func testHardRejectedRecipientFailsAndTheOthersAreDelivered() async throws {
        let server = try startServer { $0.rejectRecipients = ["gone@example.org"]; $0.pipelining = true }
        let relay = try relay(server, options: options())
        let result = try await relay.send(envelope(to: ["a@example.org", "gone@example.org", "b@example.org"]), message: message())
        XCTAssertEqual(result.recipients.map(\.disposition), [.accepted, .failed, .accepted])
        XCTAssertEqual(result.attempts, 1, "a 5xx is not retried")
        XCTAssertEqual(result.recipients[1].reply?.enhancedStatusCode?.description, "5.1.1")
        XCTAssertEqual(result.disposition, .accepted)
        XCTAssertEqual(try server.receivedMessages().first?.rcptTos, ["a@example.org", "b@example.org"])
    }

    func testAllRecipientsRejectedSendsNoContent() async throws {
        let server = try startServer { $0.rejectRecipients = ["gone@example.org"]; $0.pipelining = true }
        let relay = try relay(server, options: options())
        let result = try await relay.send(envelope(to: ["gone@example.org"]), message: message())
        XCTAssertEqual(result.disposition, .failed)
        // The connection is still in step: the next message goes through (after RSET).
        let next = try await relay.send(envelope(to: ["reader@example.org"]), message: message(2))
        XCTAssertEqual(next.disposition, .accepted)
        XCTAssertEqual(try server.receivedMessages().count, 1)
        XCTAssertEqual(relay.statistics.connectionsOpened, 1)
    }

    func testDataTempfailIsRetried() async throws {
        let server = try startServer { $0.tempfailData = 1 }
        let relay = try relay(server, options: options())
        let result = try await relay.send(envelope(to: ["reader@example.org"]), message: message())
        XCTAssertEqual(result.disposition, .accepted)
        XCTAssertEqual(result.attempts, 2)
        XCTAssertEqual(try server.receivedMessages().count, 1)
    }

    func testDroppedConnectionAfterTheContentIsUncertain() async throws {
        let server = try startServer { $0.dropAfterData = 1 }
        let relay = try relay(server, options: options())
        let result = try await relay.send(envelope(to: ["reader@example.org"]), message: message())
        XCTAssertEqual(result.disposition, .uncertain)
        XCTAssertEqual(result.recipients.map(\.disposition), [.uncertain])
        XCTAssertEqual(result.attempts, 1, "uncertain is never retried within the run")
        let reason = try XCTUnwrap(result.recipients.first?.reason)
        XCTAssertTrue(reason.hasPrefix("lost connection with 127.0.0.1[127.0.0.1]:\(server.port) while waiting for the reply to DATA"), reason)
        // The next message reconnects and goes through.
        let next = try await relay.send(envelope(to: ["reader@example.org"]), message: message(2))
        XCTAssertEqual(next.disposition, .accepted)
        XCTAssertEqual(relay.statistics.connectionsOpened, 2)
    }

    func testSlowFinalReplyBeyondTheTimeoutIsUncertain() throws {
        let server = try startServer { $0.delayData = 3 }
        var settings = configuration(port: server.port)
        settings.timeouts.finalDot = 0.5
        let session = try Session(configuration: settings)
        let start = Date()
        let result = try session.send(envelope(to: ["reader@example.org"]), message: message())
        XCTAssertLessThan(Date().timeIntervalSince(start), 2.5)
        XCTAssertEqual(result.disposition, .uncertain)
        let reason = try XCTUnwrap(result.recipients.first?.reason)
        XCTAssertTrue(reason.hasPrefix("timed out after 0.5 s with 127.0.0.1[127.0.0.1]:\(server.port) while waiting for the reply to DATA"), reason)
        XCTAssertFalse(session.isOpen)
        // The server did take it, after the client gave up: exactly why it is uncertain, not deferred.
        let end = Date(timeIntervalSinceNow: 10)
        while try server.receivedMessages().isEmpty && Date() < end { usleep(50_000) }
        XCTAssertEqual(try server.receivedMessages().count, 1)
    }

    func testSlowRecipientReplyTimesOutAndNothingIsSent() throws {
        let server = try startServer { $0.delayRecipient = 3 }
        var settings = configuration(port: server.port)
        settings.timeouts.rcpt = 0.3
        let session = try Session(configuration: settings)
        let start = Date()
        assertSMTPError({ _ = try session.send(envelope(to: ["reader@example.org"]), message: message()) }) { error in
            guard case .timedOut(let seconds) = error.reason else { return XCTFail("\(error)") }
            XCTAssertEqual(seconds, 0.3)
            XCTAssertEqual(error.stage, .reply(to: "RCPT TO"))
            XCTAssertTrue(error.isTransient)
            XCTAssertEqual(error.description,
                           "timed out after 0.3 s with 127.0.0.1[127.0.0.1]:\(server.port) while waiting for the reply to RCPT TO")
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 2)
        XCTAssertFalse(session.isOpen)
        XCTAssertEqual(try server.receivedMessages().count, 0)
    }

    func testServerClosingWith421IsReconnected() async throws {
        let server = try startServer { $0.closeAfter = 3; $0.pipelining = true }
        let relay = try relay(server, options: options(attempts: 3))
        var dispositions: [Disposition] = []
        for number in 1...8 {
            let result = try await relay.send(envelope(to: ["reader\(number)@example.org"]), message: message(number))
            dispositions.append(result.disposition)
        }
        XCTAssertEqual(dispositions, Array(repeating: .accepted, count: 8))
        XCTAssertEqual(try server.receivedMessages().count, 8)
        XCTAssertGreaterThanOrEqual(relay.statistics.connectionsOpened, 3)
        XCTAssertGreaterThanOrEqual(try server.events().filter { $0.event == "close" }.count, 2)
    }

    func testSeveralConnectionsAtOnce() async throws {
        let server = try startServer { $0.pipelining = true; $0.tempfailEveryNthRecipient = 7 }
        let relay = try relay(server, options: options(connections: 3, attempts: 4))
        let jobs = try (1...30).map { (try envelope(to: ["r\($0)@example.org"]), message($0)) }
        let results = try await withThrowingTaskGroup(of: DeliveryResult.self) { group in
            for (envelope, message) in jobs {
                group.addTask { try await relay.send(envelope, message: message) }
            }
            var all: [DeliveryResult] = []
            for try await result in group { all.append(result) }
            return all
        }
        XCTAssertEqual(results.filter { $0.disposition == .accepted }.count, 30)
        XCTAssertTrue(results.contains { $0.attempts > 1 }, "every 7th RCPT was throttled and retried")
        let received = try server.receivedMessages()
        XCTAssertEqual(received.count, 30)
        XCTAssertEqual(Set(received.flatMap(\.rcptTos)).count, 30, "nobody twice")
        XCTAssertLessThanOrEqual(relay.statistics.connectionsOpened, 3)
    }

    func testConnectionsAreReopenedAfterTheirMessageLimitAndWhenIdle() async throws {
        let server = try startServer { $0.pipelining = true }
        var options = options()
        options.messagesPerConnection = 2
        options.idleConnectionTimeout = 0.2
        let relay = try relay(server, options: options)
        for number in 1...5 {
            _ = try await relay.send(envelope(to: ["r\(number)@example.org"]), message: message(number))
        }
        XCTAssertEqual(relay.statistics.connectionsOpened, 3, "2 + 2 + 1 messages")
        try await Task.sleep(for: .milliseconds(600))
        _ = try await relay.send(envelope(to: ["late@example.org"]), message: message(6))
        XCTAssertEqual(relay.statistics.connectionsOpened, 4, "the idle connection said QUIT; a new one was opened")
        XCTAssertEqual(try server.events().filter { $0.event == "connect" }.count, 4)
        XCTAssertEqual(try server.receivedMessages().count, 6)
    }

    func testRelayDownThrowsAfterTheRetries() async throws {
        let port = try ServerProcess.freePort()
        let relay = try Relay(configuration: configuration(port: port), options: options(attempts: 2))
        addTeardownBlock { await relay.shutdown() }
        do {
            _ = try await relay.send(envelope(to: ["reader@example.org"]), message: message())
            XCTFail("expected an error")
        } catch let error as SMTPError {
            guard case .connectionRefused = error.reason else { return XCTFail("\(error)") }
        }
    }

    func testRateLimiterPacesTheRelay() async throws {
        let server = try startServer { $0.pipelining = true }
        var options = options(connections: 2)
        options.rateLimiter = TokenBucket(messagesPerSecond: 20, burst: 1)
        let relay = try relay(server, options: options)
        let start = ContinuousClock.now
        let jobs = try (1...10).map { (try envelope(to: ["r\($0)@example.org"]), message($0)) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (envelope, message) in jobs {
                group.addTask { _ = try await relay.send(envelope, message: message) }
            }
            try await group.waitForAll()
        }
        XCTAssertGreaterThan(ContinuousClock.now - start, .milliseconds(420), "10 messages at 20/s take at least 450 ms")
        XCTAssertEqual(try server.receivedMessages().count, 10)
    }
}

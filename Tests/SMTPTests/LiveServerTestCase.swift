// Shared set-up for tests against real servers: a temp folder, test certificates, servers stopped
// in teardown, short time limits, and small messages to send.
import Foundation
import GazetteTestSupport
import Mail
import XCTest
@testable import SMTP

class LiveServerTestCase: XCTestCase {
    private(set) var temporary: TemporaryDirectory?
    private var madeCertificates: TestCertificates?

    override func tearDown() {
        temporary?.remove()
        temporary = nil
        madeCertificates = nil
        super.tearDown()
    }

    /// A CA and a server certificate for localhost/127.0.0.1, made once per test.
    func certificates() throws -> TestCertificates {
        if let madeCertificates { return madeCertificates }
        let directory = try TemporaryDirectory("smtp-tls")
        temporary = directory
        let made = try TestCertificates.make(in: directory.url)
        madeCertificates = made
        return made
    }

    /// Starts the aiosmtpd server; it is stopped when the test ends.
    func startServer(_ configure: (inout TestSMTPServer.Options) throws -> Void = { _ in }) throws -> TestSMTPServer {
        var options = TestSMTPServer.Options()
        try configure(&options)
        let server = try TestSMTPServer.start(options)
        addTeardownBlock { server.stop() }
        return server
    }

    /// Starts smtp-sink with `switches`; it is stopped when the test ends.
    func startSink(_ switches: [String] = [], dump: Bool = false) throws -> SMTPSink {
        let sink = try SMTPSink.start(switches, dump: dump)
        addTeardownBlock { sink.stop() }
        return sink
    }

    /// A configuration for a local server with short time limits.
    func configuration(port: Int, security: RelayConfiguration.Security = .none, host: String = "127.0.0.1",
                       username: String? = nil, caFile: String? = nil, timeout: Double = 10) -> RelayConfiguration {
        var configuration = RelayConfiguration(host: host, port: port, security: security, username: username, caFile: caFile,
                                               timeouts: SMTPTimeouts(all: timeout))
        configuration.heloName = "client.gazette.test"
        return configuration
    }

    func mailbox(_ address: String) throws -> Mailbox { try Mailbox(address) }

    func envelope(to recipients: [String], from sender: String = "news@example.org") throws -> Envelope {
        Envelope(sender: try Mailbox(sender), recipients: try recipients.map { try Mailbox($0) })
    }

    /// A small message with CRLF line endings and a line that needs dot-stuffing.
    func message(_ number: Int = 1, to recipient: String = "reader@example.org") -> [UInt8] {
        Array("""
            From: News <news@example.org>\r
            To: \(recipient)\r
            Subject: Test \(number)\r
            Message-ID: <\(number)@gazette.test>\r
            \r
            Hello number \(number).\r
            .A line that starts with a dot.\r
            The end.\r

            """.utf8)
    }

    /// Collects transcript lines from the session's thread.
    final class TranscriptLog: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [TranscriptLine] = []
        var all: [TranscriptLine] { lock.withLock { lines } }
        var text: String { all.map(\.description).joined(separator: "\n") }
        var transcript: Transcript { { [self] line in lock.withLock { lines.append(line) } } }
    }

    /// Asserts that `body` throws an SMTPError and hands it over.
    func assertSMTPError(_ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line,
                         _ check: (SMTPError) -> Void) {
        do {
            try body()
            XCTFail("expected an SMTPError", file: file, line: line)
        } catch let error as SMTPError {
            check(error)
        } catch {
            XCTFail("expected an SMTPError, got \(error)", file: file, line: line)
        }
    }
}

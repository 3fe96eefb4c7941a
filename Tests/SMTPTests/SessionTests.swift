// The client protocol against aiosmtpd: plain, STARTTLS, implicit TLS, AUTH, pipelining, HELO
// fallback, SMTPUTF8, and the errors a user sees when something is wrong.
import Foundation
import GazetteTestSupport
import Mail
import XCTest
@testable import SMTP

final class SessionTests: LiveServerTestCase {
    func testPlainSMTPWhenTLSIsExplicitlyOff() throws {
        let server = try startServer()
        let log = TranscriptLog()
        let session = try Session(configuration: configuration(port: server.port, security: .none), transcript: log.transcript)
        let result = try session.send(envelope(to: ["reader@example.org"]), message: message())
        session.close()
        XCTAssertEqual(result.disposition, .accepted, "\(result)")
        XCTAssertEqual(result.recipients.map(\.disposition), [.accepted])
        XCTAssertEqual(result.reply?.code, 250)
        let received = try server.receivedMessages()
        XCTAssertEqual(received.count, 1)
        XCTAssertEqual(received.first?.mailFrom, "news@example.org")
        XCTAssertEqual(received.first?.rcptTos, ["reader@example.org"])
        XCTAssertEqual(received.first?.helo, "client.gazette.test")
        XCTAssertFalse(received.first?.tls ?? true)
        // The server undid the dot-stuffing: the content arrived exactly as given.
        XCTAssertEqual(received.first.map { Array($0.content) }, message())
        XCTAssertTrue(log.text.contains("C: MAIL FROM:<news@example.org> SIZE="), log.text)
        XCTAssertTrue(log.text.contains("<message content:"), log.text)
        XCTAssertFalse(log.text.contains("Hello number"), "the content stays out of the transcript")
    }

    func testSTARTTLSWithTrustedCA() throws {
        let certificates = try certificates()
        let server = try startServer { $0.tls = .starttls; $0.certificates = certificates }
        let session = try Session(configuration: configuration(port: server.port, security: .startTLS, caFile: certificates.caFile))
        try session.open()
        let tls = try XCTUnwrap(session.tls)
        XCTAssertTrue(["TLSv1.2", "TLSv1.3"].contains(tls.protocolVersion), tls.protocolVersion)
        XCTAssertFalse(tls.cipher.isEmpty)
        XCTAssertEqual(tls.peerCertificate?.subject, "CN=localhost")
        XCTAssertEqual(tls.peerCertificate?.issuer, "CN=Gazette Test CA")
        XCTAssertTrue(tls.peerCertificate?.alternativeNames.contains("IP:127.0.0.1") ?? false)
        XCTAssertGreaterThan(tls.peerCertificate?.notAfter ?? .distantPast, Date())
        // After STARTTLS the server no longer offers it: the capabilities are the second EHLO's.
        XCTAssertEqual(session.capabilities?.startTLS, false)
        let result = try session.send(envelope(to: ["reader@example.org"]), message: message())
        session.close()
        XCTAssertEqual(result.disposition, .accepted)
        XCTAssertEqual(try server.receivedMessages().first?.tls, true)
    }

    func testSTARTTLSByHostNameTriesEveryAddress() throws {
        // "localhost" may resolve to ::1 first, where nothing listens: the next address must be tried.
        let certificates = try certificates()
        let server = try startServer { $0.tls = .starttls; $0.certificates = certificates }
        let session = try Session(configuration: configuration(port: server.port, security: .startTLS, host: "localhost",
                                                                caFile: certificates.caFile))
        let result = try session.send(envelope(to: ["reader@example.org"]), message: message())
        session.close()
        XCTAssertEqual(result.disposition, .accepted)
    }

    func testSTARTTLSWithUntrustedCAFails() throws {
        let certificates = try certificates()
        let server = try startServer { $0.tls = .starttls; $0.certificates = certificates }
        let session = try Session(configuration: configuration(port: server.port, security: .startTLS,
                                                                caFile: certificates.untrustedCAFile))
        assertSMTPError({ try session.open() }) { error in
            guard case .certificateVerification(let text) = error.reason else { return XCTFail("\(error)") }
            XCTAssertTrue(text.contains("unable to get local issuer certificate"), text)
            XCTAssertFalse(error.isTransient)
            XCTAssertTrue(error.description.contains("127.0.0.1[127.0.0.1]:\(server.port)"), error.description)
        }
        XCTAssertFalse(session.isOpen)
        XCTAssertEqual(try server.receivedMessages().count, 0)
    }

    func testSTARTTLSWithWrongHostNameFails() throws {
        let certificates = try certificates()
        let server = try startServer { $0.tls = .starttls; $0.certificates = certificates }
        var settings = configuration(port: server.port, security: .startTLS, caFile: certificates.caFile)
        settings.serverName = "mail.example.org"
        let session = try Session(configuration: settings)
        assertSMTPError({ try session.open() }) { error in
            guard case .certificateVerification(let text) = error.reason else { return XCTFail("\(error)") }
            XCTAssertTrue(text.contains("hostname mismatch"), text)
        }
    }

    func testSTARTTLSRequiredButNotOffered() throws {
        let server = try startServer()
        let session = try Session(configuration: configuration(port: server.port, security: .startTLS))
        assertSMTPError({ try session.open() }) { error in
            guard case .startTLSUnavailable = error.reason else { return XCTFail("\(error)") }
            XCTAssertTrue(error.description.contains("tls=none"), error.description)
        }
    }

    func testImplicitTLSWithAuthPlain() throws {
        let certificates = try certificates()
        let server = try startServer {
            $0.tls = .implicit
            $0.certificates = certificates
            $0.credentials = ("mailer", "s3cret pass")
            $0.requireAuth = true
        }
        let log = TranscriptLog()
        let session = try Session(configuration: configuration(port: server.port, security: .implicitTLS, username: "mailer",
                                                               caFile: certificates.caFile),
                                  password: "s3cret pass", transcript: log.transcript)
        let result = try session.send(envelope(to: ["reader@example.org"]), message: message())
        session.close()
        XCTAssertEqual(result.disposition, .accepted)
        XCTAssertEqual(session.tls, nil, "closed")
        XCTAssertEqual(try server.receivedMessages().first?.user, "mailer")
        XCTAssertEqual(try server.events().first { $0.event == "auth" }?.mechanism, "PLAIN")
        XCTAssertTrue(log.text.contains("C: AUTH PLAIN <redacted>"), log.text)
        XCTAssertFalse(log.text.contains("s3cret"), log.text)
        XCTAssertFalse(log.text.contains(Base64.encode(Array("\0mailer\0s3cret pass".utf8))), log.text)
    }

    func testAuthLoginOverSTARTTLS() throws {
        let certificates = try certificates()
        let server = try startServer {
            $0.tls = .starttls
            $0.certificates = certificates
            $0.credentials = ("mailer", "pa55")
            $0.authMechanisms = ["LOGIN"]
        }
        let log = TranscriptLog()
        let session = try Session(configuration: configuration(port: server.port, security: .startTLS, username: "mailer",
                                                               caFile: certificates.caFile),
                                  password: "pa55", transcript: log.transcript)
        try session.open()
        XCTAssertEqual(session.authenticationMechanism, "LOGIN")
        _ = try session.send(envelope(to: ["reader@example.org"]), message: message())
        session.close()
        XCTAssertEqual(try server.receivedMessages().first?.user, "mailer")
        XCTAssertFalse(log.text.contains(Base64.encode(Array("pa55".utf8))), log.text)
        XCTAssertTrue(log.text.contains("C: <redacted>"), log.text)
    }

    func testWrongPasswordReportsTheServersReply() throws {
        let certificates = try certificates()
        let server = try startServer { $0.tls = .starttls; $0.certificates = certificates; $0.credentials = ("mailer", "right") }
        let session = try Session(configuration: configuration(port: server.port, security: .startTLS, username: "mailer",
                                                               caFile: certificates.caFile), password: "wrong")
        assertSMTPError({ try session.open() }) { error in
            guard case .authenticationFailed(let reply) = error.reason else { return XCTFail("\(error)") }
            XCTAssertEqual(reply.code, 535)
            XCTAssertFalse(error.isTransient)
            XCTAssertTrue(error.description.contains("535"), error.description)
            XCTAssertFalse(error.description.contains("wrong"), error.description)
        }
    }

    func testNoPasswordOverPlaintext() throws {
        let server = try startServer { $0.credentials = ("mailer", "secret"); $0.authOverPlaintext = true }
        let session = try Session(configuration: configuration(port: server.port, security: .none, username: "mailer"),
                                  password: "secret")
        assertSMTPError({ try session.open() }) { error in
            guard case .plaintextAuthenticationRefused = error.reason else { return XCTFail("\(error)") }
        }
        XCTAssertTrue(try server.events().filter { $0.event == "auth" }.isEmpty, "no credentials reached the server")
        // Allowed explicitly, it works.
        var allowed = configuration(port: server.port, security: .none, username: "mailer")
        allowed.allowsPlaintextAuthentication = true
        let explicit = try Session(configuration: allowed, password: "secret")
        try explicit.open()
        XCTAssertEqual(explicit.authenticationMechanism, "PLAIN")
        explicit.close()
    }

    func testPipeliningSendsTheCommandsInOneWrite() throws {
        let server = try startServer { $0.pipelining = true }
        let session = try Session(configuration: configuration(port: server.port))
        try session.open()
        XCTAssertEqual(session.capabilities?.pipelining, true)
        let writesBefore = session.writeCount
        let recipients = ["a@example.org", "b@example.org", "c@example.org"]
        let result = try session.send(envelope(to: recipients), message: message())
        // MAIL + 3 RCPT + DATA in one write, the content in a second.
        XCTAssertEqual(session.writeCount - writesBefore, 2)
        let second = try session.send(envelope(to: ["d@example.org"]), message: message(2))
        session.close()
        XCTAssertEqual(result.recipients(.accepted).count, 3)
        XCTAssertEqual(second.disposition, .accepted)
        let received = try server.receivedMessages()
        XCTAssertEqual(received.count, 2)
        XCTAssertEqual(received.first?.rcptTos, recipients)
        XCTAssertEqual(received.map(\.pipelined), [true, true], "the server found RCPT and DATA behind MAIL")
        XCTAssertEqual(result.reply?.enhancedStatusCode, EnhancedStatusCode(class: 2, subject: 0, detail: 0))
    }

    func testWithoutPipeliningEachCommandWaitsForItsReply() throws {
        let server = try startServer()
        let session = try Session(configuration: configuration(port: server.port))
        try session.open()
        let writesBefore = session.writeCount
        _ = try session.send(envelope(to: ["a@example.org", "b@example.org"]), message: message())
        session.close()
        XCTAssertEqual(session.writeCount - writesBefore, 5, "MAIL, RCPT, RCPT, DATA, content")
        XCTAssertEqual(try server.receivedMessages().first?.pipelined, false)
    }

    func testIPv6Loopback() throws {
        let probe = socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        address.sin6_addr = in6addr_loopback
        let usable = probe >= 0 && withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(probe, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) == 0 }
        }
        close(probe)
        try XCTSkipUnless(usable, "no IPv6 loopback on this machine")
        let certificates = try certificates()
        let server = try startServer { $0.host = "::1"; $0.tls = .starttls; $0.certificates = certificates }
        let session = try Session(configuration: configuration(port: server.port, security: .startTLS, host: "::1",
                                                               caFile: certificates.caFile))
        let result = try session.send(envelope(to: ["reader@example.org"]), message: message())
        XCTAssertEqual(session.peer, "[::1][::1]:\(server.port)")
        session.close()
        XCTAssertEqual(result.disposition, .accepted)
    }

    func testEightBitBodyIsDeclared() throws {
        let server = try startServer()
        let session = try Session(configuration: configuration(port: server.port))
        let body = Array("Subject: Grüße\r\n\r\nSchöne Grüße aus Köln.\r\n".utf8)
        _ = try session.send(envelope(to: ["reader@example.org"]), message: body)
        _ = try session.send(envelope(to: ["reader@example.org"]), message: message())
        session.close()
        let received = try server.receivedMessages()
        XCTAssertEqual(received.first?.mailOptions.contains("BODY=8BITMIME"), true)
        XCTAssertEqual(received.last?.mailOptions.contains("BODY=8BITMIME"), false)
        XCTAssertEqual(received.first.map { Array($0.content) }, body)
    }

    func testLargeMessageOverTLSArrivesIntact() throws {
        let certificates = try certificates()
        let server = try startServer { $0.tls = .starttls; $0.certificates = certificates; $0.pipelining = true }
        let session = try Session(configuration: configuration(port: server.port, security: .startTLS, caFile: certificates.caFile))
        var body = Array("Subject: big\r\n\r\n".utf8)
        for line in 0..<20_000 {
            // Every tenth line starts with a dot, to be stuffed and unstuffed across TLS records.
            body += Array((line % 10 == 0 ? ".line \(line) " : "line \(line) ").utf8) + Array(repeating: UInt8(ascii: "x"), count: 40) + [13, 10]
        }
        let result = try session.send(envelope(to: ["reader@example.org"]), message: body)
        session.close()
        XCTAssertEqual(result.disposition, .accepted)
        XCTAssertGreaterThan(body.count, 1_000_000)
        XCTAssertEqual(try server.receivedMessages().first.map { Array($0.content) } == body, true)
    }

    func testHELOFallback() throws {
        let server = try startServer { $0.refuseEHLO = true }
        let session = try Session(configuration: configuration(port: server.port))
        let result = try session.send(envelope(to: ["reader@example.org"]), message: message())
        XCTAssertEqual(session.capabilities?.isExtended, false)
        session.close()
        XCTAssertEqual(result.disposition, .accepted)
    }

    func testNonASCIILocalPartNeedsSMTPUTF8() throws {
        let plain = try startServer()
        let session = try Session(configuration: configuration(port: plain.port))
        let result = try session.send(envelope(to: ["jörg@example.org", "reader@example.org"]), message: message())
        session.close()
        XCTAssertEqual(result.recipients.map(\.disposition), [.failed, .accepted])
        XCTAssertTrue(result.recipients[0].reason?.contains("SMTPUTF8") ?? false)
        XCTAssertEqual(try plain.receivedMessages().first?.rcptTos, ["reader@example.org"])

        let international = try startServer { $0.smtpUTF8 = true }
        let utf8Session = try Session(configuration: configuration(port: international.port))
        let accepted = try utf8Session.send(envelope(to: ["jörg@example.org"]), message: message())
        utf8Session.close()
        XCTAssertEqual(accepted.disposition, .accepted)
        XCTAssertEqual(try international.receivedMessages().first?.mailOptions.contains("SMTPUTF8"), true)
    }

    func testRefusedConnectionFailsQuickly() throws {
        let port = try ServerProcess.freePort()
        let session = try Session(configuration: configuration(port: port, timeout: 30))
        let start = Date()
        assertSMTPError({ try session.open() }) { error in
            guard case .connectionRefused = error.reason else { return XCTFail("\(error)") }
            XCTAssertTrue(error.isTransient)
            XCTAssertEqual(error.description, "connection refused by 127.0.0.1[127.0.0.1]:\(port)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 2)
    }

    func testUnknownHostIsANameResolutionError() throws {
        let session = try Session(configuration: configuration(port: 25, host: "no-such-host.invalid"))
        assertSMTPError({ try session.open() }) { error in
            guard case .nameResolution = error.reason else { return XCTFail("\(error)") }
            XCTAssertTrue(error.description.contains("no-such-host.invalid"), error.description)
        }
    }

    func testMissingCAFileIsAConfigurationError() {
        XCTAssertThrowsError(try Session(configuration: configuration(port: 25, security: .startTLS, caFile: "/nonexistent/ca.pem"))) {
            XCTAssertTrue("\($0)".contains("/nonexistent/ca.pem"), "\($0)")
        }
    }
}

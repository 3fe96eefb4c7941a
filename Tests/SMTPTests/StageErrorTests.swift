// Errors name the stage: a server that accepts and stays silent times out at the greeting (or the
// TLS handshake), one that talks nonsense gives a malformed-reply error, never a crash or a hang.
import Foundation
import GazetteTestSupport
import XCTest
@testable import SMTP

final class StageErrorTests: LiveServerTestCase {
    private func peer(_ greeting: String) throws -> ScriptedPeer {
        let peer = try ScriptedPeer(greeting: Array(greeting.utf8))
        addTeardownBlock { peer.stop() }
        return peer
    }

    func testSilentServerTimesOutAtTheGreeting() throws {
        let silent = try peer("")
        let session = try Session(configuration: configuration(port: silent.port, timeout: 0.4))
        let start = Date()
        assertSMTPError({ try session.open() }) { error in
            guard case .timedOut = error.reason else { return XCTFail("\(error)") }
            XCTAssertEqual(error.stage, .greeting)
            XCTAssertEqual(error.description,
                           "timed out after 0.4 s with 127.0.0.1[127.0.0.1]:\(silent.port) while waiting for the server greeting")
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 2)
    }

    func testSilentServerTimesOutInTheTLSHandshake() throws {
        let silent = try peer("")
        let certificates = try certificates()
        let session = try Session(configuration: configuration(port: silent.port, security: .implicitTLS,
                                                               caFile: certificates.caFile, timeout: 0.4))
        assertSMTPError({ try session.open() }) { error in
            guard case .timedOut = error.reason else { return XCTFail("\(error)") }
            XCTAssertEqual(error.stage, .tlsHandshake)
        }
    }

    func testPlainServerSpokenToWithTLSIsATLSError() throws {
        // A greeting in clear text where a TLS ServerHello was expected (smtps:// to a port-25 server).
        let plain = try peer("220 plain.example ESMTP\r\n")
        let certificates = try certificates()
        let session = try Session(configuration: configuration(port: plain.port, security: .implicitTLS,
                                                               caFile: certificates.caFile, timeout: 2))
        assertSMTPError({ try session.open() }) { error in
            guard case .tls(let failure) = error.reason else { return XCTFail("\(error)") }
            XCTAssertFalse(failure.entries.isEmpty, "\(failure)")
            XCTAssertEqual(error.stage, .tlsHandshake)
            XCTAssertTrue(error.description.hasPrefix("TLS failure with 127.0.0.1[127.0.0.1]:\(plain.port) during the TLS handshake: error:"),
                          error.description)
        }
    }

    func testGarbageGreetingIsAMalformedReply() throws {
        let noisy = try peer("HTTP/1.1 400 Bad Request\r\n\r\n")
        let session = try Session(configuration: configuration(port: noisy.port, timeout: 2))
        assertSMTPError({ try session.open() }) { error in
            guard case .malformedReply(let text) = error.reason else { return XCTFail("\(error)") }
            XCTAssertTrue(text.contains("HTTP/1.1"), text)
            XCTAssertEqual(error.stage, .greeting)
        }
        XCTAssertFalse(session.isOpen)
    }

    func testRefusingGreetingIsRejected() throws {
        let refusing = try peer("554 5.7.1 No SMTP service here\r\n")
        let session = try Session(configuration: configuration(port: refusing.port, timeout: 2))
        assertSMTPError({ try session.open() }) { error in
            guard case .rejected(let reply) = error.reason else { return XCTFail("\(error)") }
            XCTAssertEqual(reply.code, 554)
            XCTAssertFalse(error.isTransient)
            XCTAssertEqual(error.description, "127.0.0.1[127.0.0.1]:\(refusing.port) said: 554 5.7.1 No SMTP service here (in its greeting)")
        }
    }
}

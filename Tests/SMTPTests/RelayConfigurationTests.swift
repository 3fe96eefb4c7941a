// Relay URLs: smtp:// requires STARTTLS unless tls=none, smtps:// is implicit TLS, no passwords.
import XCTest
@testable import SMTP

final class RelayConfigurationTests: XCTestCase {
    func testSubmissionDefaults() throws {
        let configuration = try RelayConfiguration(url: "smtp://mailer@relay.example.org")
        XCTAssertEqual(configuration.host, "relay.example.org")
        XCTAssertEqual(configuration.port, 587)
        XCTAssertEqual(configuration.security, .startTLS)
        XCTAssertEqual(configuration.username, "mailer")
        XCTAssertEqual(configuration.timeouts, SMTPTimeouts())
        XCTAssertEqual(configuration.timeouts.finalDot, 600)
        XCTAssertEqual(configuration.timeouts.connect, 30)
    }

    func testImplicitTLSAndPort() throws {
        let configuration = try RelayConfiguration(url: "SMTPS://relay.example.org:2465/")
        XCTAssertEqual(configuration.security, .implicitTLS)
        XCTAssertEqual(configuration.port, 2465)
        XCTAssertEqual(try RelayConfiguration(url: "smtps://relay.example.org").port, 465)
    }

    func testPlaintextOnlyWhenExplicit() throws {
        let configuration = try RelayConfiguration(url: "smtp://127.0.0.1:2525?tls=none")
        XCTAssertEqual(configuration.security, .none)
        XCTAssertEqual(configuration.url, "smtp://127.0.0.1:2525?tls=none")
        XCTAssertThrowsError(try RelayConfiguration(url: "smtps://relay.example.org?tls=none"))
    }

    func testOptionsAndIPv6() throws {
        let configuration = try RelayConfiguration(
            url: "smtp://user%40example.org@[::1]:25?ca_file=/etc/relay-ca.pem&server_name=mx.example.org&helo=news.example.org&plaintext_auth=yes")
        XCTAssertEqual(configuration.host, "::1")
        XCTAssertEqual(configuration.port, 25)
        XCTAssertEqual(configuration.username, "user@example.org")
        XCTAssertEqual(configuration.caFile, "/etc/relay-ca.pem")
        XCTAssertEqual(configuration.serverName, "mx.example.org")
        XCTAssertEqual(configuration.heloName, "news.example.org")
        XCTAssertTrue(configuration.allowsPlaintextAuthentication)
    }

    func testBadURLsSayWhy() {
        let cases = [
            "relay.example.org", "http://relay.example.org", "smtp://user:secret@relay.example.org",
            "smtp://relay.example.org:0", "smtp://relay.example.org:70000", "smtp://relay.example.org/path",
            "smtp://relay.example.org?colour=blue", "smtp://", "smtp://[::1", "smtp://bad host",
        ]
        for url in cases {
            XCTAssertThrowsError(try RelayConfiguration(url: url), url) { error in
                guard let error = error as? SMTPError, case .invalidConfiguration = error.reason else {
                    return XCTFail("\(url): \(error)")
                }
            }
        }
        XCTAssertThrowsError(try RelayConfiguration(url: "smtp://user:secret@relay.example.org")) { error in
            XCTAssertTrue("\(error)".contains("password is not allowed"), "\(error)")
            XCTAssertFalse("\(error)".contains("secret"), "\(error)")
        }
    }

    func testRetryDelaysGrowAndAreCapped() {
        let policy = RetryPolicy(maximumAttempts: 6, initialDelay: 1, multiplier: 2, maximumDelay: 5, jitter: 0)
        XCTAssertEqual((1...5).map { policy.delay(afterAttempt: $0) }, [1, 2, 4, 5, 5])
    }

    func testTokenBucketPacesMessages() async throws {
        let bucket = TokenBucket(messagesPerSecond: 50, burst: 2)
        let start = ContinuousClock.now
        for _ in 0..<12 { try await bucket.acquire() }
        let elapsed = ContinuousClock.now - start
        // 2 at once, then 10 more at 20 ms each: about 200 ms.
        XCTAssertGreaterThan(elapsed, .milliseconds(170))
        XCTAssertLessThan(elapsed, .seconds(3))
    }

    func testXtext() {
        XCTAssertEqual(DSNRequest.xtext("a+b=c d@example.org"), "a+2Bb+3Dc+20d@example.org")
    }
}

// The reply parser fed the same bytes all at once, byte by byte and in random chunks must agree
// (NIO's decoder-verifier idea); malformed input gives an error, never a crash.
import XCTest
@testable import SMTP

final class ReplyParserTests: XCTestCase {
    private let corpus: [String] = [
        "220 relay.example.org ESMTP Postfix\r\n",
        "250-relay.example.org\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-STARTTLS\r\n250-AUTH PLAIN LOGIN\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n",
        "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n",
        "550-5.1.1 The email account that you tried to reach does not exist.\r\n550 5.1.1 Please check the address.\r\n",
        "421\r\n",
        "250 bare line feed is tolerated\n221 2.0.0 Bye\n",
        "451 4.7.1 Service unavailable – Ünïcode text\r\n",
    ]

    private func parseAll(_ bytes: [UInt8], chunkSizes: () -> Int) throws -> [Reply] {
        var parser = ReplyParser()
        var replies: [Reply] = []
        var index = 0
        while index < bytes.count {
            let end = min(bytes.count, index + max(1, chunkSizes()))
            parser.feed(bytes[index..<end])
            index = end
            while let reply = try parser.next() { replies.append(reply) }
        }
        XCTAssertFalse(parser.hasBufferedData)
        return replies
    }

    func testByteByByteAgreesWithAllAtOnce() throws {
        var generator = SystemRandomNumberGenerator()
        for text in corpus {
            let bytes = Array(text.utf8)
            let whole = try parseAll(bytes, chunkSizes: { bytes.count })
            let single = try parseAll(bytes, chunkSizes: { 1 })
            let random = try parseAll(bytes, chunkSizes: { Int.random(in: 1...7, using: &generator) })
            XCTAssertEqual(whole, single, text)
            XCTAssertEqual(whole, random, text)
            XCTAssertFalse(whole.isEmpty, text)
        }
    }

    func testMultilineReplyAndEnhancedCode() throws {
        let replies = try parseAll(Array(corpus[3].utf8), chunkSizes: { 5 })
        XCTAssertEqual(replies.count, 1)
        let reply = try XCTUnwrap(replies.first)
        XCTAssertEqual(reply.code, 550)
        XCTAssertEqual(reply.lines.count, 2)
        XCTAssertEqual(reply.enhancedStatusCode, EnhancedStatusCode(class: 5, subject: 1, detail: 1))
        XCTAssertEqual(reply.text, "The email account that you tried to reach does not exist. Please check the address.")
        XCTAssertEqual(reply.disposition, .failed)
    }

    func testEhloCapabilities() throws {
        let reply = try XCTUnwrap(try parseAll(Array(corpus[1].utf8), chunkSizes: { 3 }).first)
        let capabilities = ServerCapabilities(ehloReply: reply)
        XCTAssertTrue(capabilities.pipelining)
        XCTAssertTrue(capabilities.startTLS)
        XCTAssertTrue(capabilities.smtpUTF8)
        XCTAssertEqual(capabilities.maximumMessageSize, 10_240_000)
        XCTAssertEqual(capabilities.authenticationMechanisms, ["PLAIN", "LOGIN"])
        XCTAssertEqual(capabilities.serverGreeting, "relay.example.org")
    }

    func testDispositionIsDecidedInOnePlace() {
        XCTAssertEqual(Reply(code: 250, lines: ["ok"]).disposition, .accepted)
        for code in [421, 450, 451, 452, 454] {
            let reply = Reply(code: code, lines: ["slow down"])
            XCTAssertEqual(reply.disposition, .deferred)
            XCTAssertTrue(reply.isThrottling)
        }
        XCTAssertEqual(Reply(code: 550, lines: ["no"]).disposition, .failed)
        XCTAssertFalse(Reply(code: 550, lines: ["no"]).isThrottling)
        // An enhanced code whose class contradicts the reply code is not taken as one.
        XCTAssertNil(Reply(code: 250, lines: ["5.1.1 odd"]).enhancedStatusCode)
    }

    func testOnlyRepliesThatAskToSlowDownSlowThePace() {
        let slowDown = ["421 4.7.0 Too many connections", "421 Service not available", "450 4.7.28 rate limited",
                        "421 4.7.28 unusual rate", "452 4.5.3 Too many recipients", "451 4.7.0 Try again later"]
        let retryOnly = ["451 4.3.0 Temporary lookup failure", "450 4.2.1 Mailbox busy", "451 4.7.1 Greylisted",
                         "452 4.3.1 Insufficient storage", "451 Try again", "550 5.7.28 blocked", "250 2.0.0 ok"]
        func reply(_ text: String) -> Reply {
            let parts = text.split(separator: " ", maxSplits: 1)
            return Reply(code: Int(parts[0]) ?? 0, lines: [String(parts[1])])
        }
        for text in slowDown { XCTAssertTrue(reply(text).asksToSlowDown, text) }
        for text in retryOnly { XCTAssertFalse(reply(text).asksToSlowDown, text) }
        XCTAssertTrue(SMTPError(.connectionRefused).asksToSlowDown)
        XCTAssertFalse(SMTPError(.timedOut(seconds: 30)).asksToSlowDown)
    }

    func testMalformedRepliesAreErrorsNotCrashes() {
        let bad = [
            "hello\r\n", "25\r\n", "2500 too many digits\r\n", "650 bad class\r\n", "250_underscore\r\n",
            "250-first\r\n251 other code\r\n", "\r\n", "\u{0}\u{0}\u{0}\r\n",
        ]
        for text in bad {
            var parser = ReplyParser()
            parser.feed(Array(text.utf8))
            XCTAssertThrowsError(try parser.next(), text.debugDescription)
        }
    }

    func testOverlongLineIsRefused() {
        var parser = ReplyParser()
        parser.feed(Array(("250 " + String(repeating: "x", count: 10_000)).utf8))
        XCTAssertThrowsError(try parser.next())
        var withEnd = ReplyParser()
        withEnd.feed(Array(("250 " + String(repeating: "x", count: 5_000) + "\r\n").utf8))
        XCTAssertThrowsError(try withEnd.next())
    }

    func testTooManyLinesAreRefused() {
        var parser = ReplyParser()
        parser.feed(Array(String(repeating: "250-x\r\n", count: 300).utf8))
        XCTAssertThrowsError(try { while try parser.next() == nil && parser.hasBufferedData {} }())
    }

    func testIncompleteReplyWaitsForMore() throws {
        var parser = ReplyParser()
        parser.feed(Array("250-first\r\n250 sec".utf8))
        XCTAssertNil(try parser.next())
        parser.feed(Array("ond\r\n".utf8))
        XCTAssertEqual(try parser.next(), Reply(code: 250, lines: ["first", "second"]))
    }
}

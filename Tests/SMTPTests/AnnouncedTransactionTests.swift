// The next message's MAIL, RCPT and DATA written behind the current message's final dot (RFC 2920 §3.1):
// against aiosmtpd, every message arrives whole with its own envelope in one write each; against a scripted
// peer, an announced message that is not sent next, a session closed with one pending, a 421 after the dot
// and a refused announced recipient never send content that was not asked for and never lose a message.
import Foundation
import GazetteTestSupport
import XCTest
@testable import SMTP

final class AnnouncedTransactionTests: LiveServerTestCase {
    private let ehlo = ["250-scripted.example", "250-PIPELINING", "250-ENHANCEDSTATUSCODES", "250 8BITMIME"]

    /// A peer that takes every message; `finalReply` answers each final dot, in order.
    private func peer(rcpt: @escaping @Sendable (String) -> String = { _ in "250 2.1.5 Ok" },
                      finalReplies: [String] = []) throws -> ScriptedPeer {
        let ehlo = self.ehlo
        final class Counter: @unchecked Sendable {
            let lock = NSLock()
            var dots = 0
            func next() -> Int { lock.withLock { dots += 1; return dots } }
        }
        let counter = Counter()
        let peer = try ScriptedPeer(greeting: Array("220 scripted.example ESMTP\r\n".utf8)) { line in
            if line.hasPrefix("EHLO") { return .reply(ehlo) }
            if line == "RSET" { return .reply(["250 2.0.0 Ok"]) }
            if line == "QUIT" { return .reply(["221 2.0.0 Bye"]) }
            if line.hasPrefix("MAIL") { return .reply(["250 2.1.0 Ok"]) }
            if line.hasPrefix("RCPT") { return .reply([rcpt(line)]) }
            if line == "DATA" { return .reply(["354 End data with <CR><LF>.<CR><LF>"]) }
            if line == "." {
                let number = counter.next()
                if number <= finalReplies.count {
                    let reply = finalReplies[number - 1]
                    return .reply([reply])
                }
                return .reply(["250 2.0.0 Ok: queued"])
            }
            return .silent
        }
        addTeardownBlock { peer.stop() }
        return peer
    }

    private func next(_ number: Int, to recipient: String) throws -> NextMessage {
        NextMessage(envelope: try envelope(to: [recipient]), message: message(number, to: recipient))
    }

    /// aiosmtpd receives three messages, each whole and to its own recipient; after the first, a message
    /// costs one write (its content with the next message's commands behind it).
    func testEachMessageAfterTheFirstIsOneWriteAndArrivesWhole() throws {
        let server = try startServer { $0.pipelining = true }
        let session = try Session(configuration: configuration(port: server.port))
        try session.open()
        let recipients = ["a@example.org", "b@example.org", "c@example.org"]
        var writes: [Int] = []
        for (index, recipient) in recipients.enumerated() {
            let before = session.writeCount
            let upcoming = index + 1 < recipients.count ? try next(index + 2, to: recipients[index + 1]) : nil
            let result = try session.send(envelope(to: [recipient]), message: message(index + 1, to: recipient),
                                          preparingNext: { upcoming })
            XCTAssertEqual(result.disposition, .accepted, recipient)
            writes.append(session.writeCount - before)
        }
        session.close()
        XCTAssertEqual(writes, [2, 1, 1])
        let received = try server.receivedMessages()
        XCTAssertEqual(received.map(\.rcptTos), recipients.map { [$0] })
        for (index, message) in received.enumerated() {
            let content = String(decoding: message.content, as: UTF8.self)
            XCTAssertTrue(content.contains("Hello number \(index + 1).\r\n.A line that starts with a dot.\r\nThe end."),
                          "message \(index + 1) arrived whole: \(content)")
        }
    }

    /// The caller sends another message than the one it announced: the server already waits for content for
    /// an accepted recipient, so the connection is dropped (nothing of the announced message goes out), and the
    /// other message is sent on a new connection.
    func testAnAnnouncedMessageNotSentNextIsNeverSent() throws {
        let peer = try peer()
        let session = try Session(configuration: configuration(port: peer.port, timeout: 5))
        let first = try session.send(envelope(to: ["a@example.org"]), message: message(1, to: "a@example.org"),
                                     preparingNext: { try? self.next(2, to: "b@example.org") })
        XCTAssertEqual(first.disposition, .accepted)
        let other = try session.send(envelope(to: ["c@example.org"]), message: message(3, to: "c@example.org"))
        XCTAssertEqual(other.disposition, .accepted)
        session.close()
        let lines = peer.lines
        XCTAssertTrue(lines.contains("RCPT TO:<b@example.org>"), "announced")
        XCTAssertFalse(lines.contains("Hello number 2."), "the announced content was never sent")
        XCTAssertTrue(lines.contains("Hello number 3."))
        XCTAssertEqual(session.connectionsOpened, 2, "the connection holding the server in DATA was dropped")
    }

    /// Closing with a message announced sends no QUIT into the content and no lone dot that would deliver an
    /// empty message.
    func testClosingWithAMessageAnnouncedSendsNothingIntoTheContent() throws {
        let peer = try peer()
        let session = try Session(configuration: configuration(port: peer.port, timeout: 5))
        _ = try session.send(envelope(to: ["a@example.org"]), message: message(1, to: "a@example.org"),
                             preparingNext: { try? self.next(2, to: "b@example.org") })
        session.close()
        XCTAssertFalse(session.isOpen)
        let afterDATA = peer.lines.split(separator: "DATA", omittingEmptySubsequences: false).last ?? []
        XCTAssertFalse(afterDATA.contains("QUIT"), "\(peer.lines)")
        XCTAssertFalse(afterDATA.contains("."), "\(peer.lines)")
    }

    /// A 421 to the final dot closes the connection and voids the announcement: the announced message is then
    /// sent in full on a new connection; the first message's own reply stands.
    func testA421AfterTheDotVoidsTheAnnouncement() throws {
        let peer = try peer(finalReplies: ["421 4.7.0 Too many messages, closing"])
        let session = try Session(configuration: configuration(port: peer.port, timeout: 5))
        let upcoming = try next(2, to: "b@example.org")
        let first = try session.send(envelope(to: ["a@example.org"]), message: message(1, to: "a@example.org"),
                                     preparingNext: { upcoming })
        XCTAssertEqual(first.disposition, .deferred)
        XCTAssertFalse(session.isOpen)
        let second = try session.send(upcoming.envelope, message: upcoming.message)
        XCTAssertEqual(second.disposition, .accepted)
        XCTAssertTrue(peer.lines.contains("Hello number 2."))
        session.close()
    }

    /// The announced recipient is refused: its `send` reports the refusal, ends the unused DATA with the lone
    /// dot RFC 2920 asks for, and the session stays usable.
    func testARefusedAnnouncedRecipientIsReportedAndTheSessionGoesOn() throws {
        let peer = try peer(rcpt: { $0.contains("gone@") ? "550 5.1.1 No such user" : "250 2.1.5 Ok" })
        let session = try Session(configuration: configuration(port: peer.port, timeout: 5))
        let upcoming = try next(2, to: "gone@example.org")
        _ = try session.send(envelope(to: ["a@example.org"]), message: message(1, to: "a@example.org"), preparingNext: { upcoming })
        let refused = try session.send(upcoming.envelope, message: upcoming.message)
        XCTAssertEqual(refused.disposition, .failed)
        XCTAssertEqual(refused.recipients.first?.reply?.code, 550)
        let third = try session.send(envelope(to: ["c@example.org"]), message: message(3, to: "c@example.org"))
        XCTAssertEqual(third.disposition, .accepted)
        session.close()
        XCTAssertFalse(peer.lines.contains("Hello number 2."))
        XCTAssertEqual(session.connectionsOpened, 1)
    }
}

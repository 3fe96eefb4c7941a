// The corners of a pipelined transaction that real servers rarely show on demand, played by a
// scripted peer: 421 in the middle of the group, 354 although no recipient was accepted, and a
// 250 where 354 belongs. The client must stay in step and never count an unsent message as sent.
import Foundation
import GazetteTestSupport
import XCTest
@testable import SMTP

final class PipeliningEdgeTests: LiveServerTestCase {
    private let ehlo = ["250-scripted.example", "250-PIPELINING", "250-ENHANCEDSTATUSCODES", "250 8BITMIME"]

    /// A peer answering EHLO/RSET/QUIT normally and everything else through `answer`.
    private func peer(_ answer: @escaping @Sendable (String) -> ScriptedPeer.Action) throws -> ScriptedPeer {
        let ehlo = self.ehlo
        let peer = try ScriptedPeer(greeting: Array("220 scripted.example ESMTP\r\n".utf8)) { line in
            if line.hasPrefix("EHLO") { return .reply(ehlo) }
            if line == "RSET" { return .reply(["250 2.0.0 Ok"]) }
            if line == "QUIT" { return .reply(["221 2.0.0 Bye"]) }
            return answer(line)
        }
        addTeardownBlock { peer.stop() }
        return peer
    }

    func testServerClosingInTheMiddleOfTheGroupDefersWithoutThrowing() throws {
        let peer = try peer { line in
            if line.hasPrefix("MAIL") { return .reply(["250 2.1.0 Ok"]) }
            if line.hasPrefix("RCPT TO:<a@") { return .reply(["421 4.7.0 Too busy, closing"]) }
            return .silent
        }
        let session = try Session(configuration: configuration(port: peer.port, timeout: 2))
        let result = try session.send(envelope(to: ["a@example.org", "b@example.org"]), message: message())
        XCTAssertEqual(result.recipients.map(\.disposition), [.deferred, .deferred])
        XCTAssertEqual(result.recipients.map { $0.reply?.code }, [421, 421])
        XCTAssertEqual(result.disposition, .deferred)
        XCTAssertFalse(session.isOpen, "421 closes the connection")
    }

    func testDataAcceptedWithoutRecipientsIsEndedWithALoneDot() throws {
        let peer = try peer { line in
            if line.hasPrefix("MAIL") { return .reply(["250 2.1.0 Ok"]) }
            if line.hasPrefix("RCPT") { return .reply(["550 5.1.1 No such user"]) }
            if line == "DATA" { return .reply(["354 go ahead"]) }
            if line == "." { return .reply(["554 5.5.1 No valid recipients"]) }
            return .silent
        }
        let session = try Session(configuration: configuration(port: peer.port, timeout: 2))
        let result = try session.send(envelope(to: ["gone@example.org"]), message: message())
        XCTAssertEqual(result.disposition, .failed)
        XCTAssertEqual(result.recipients.first?.reply?.code, 550)
        XCTAssertTrue(session.isOpen, "still in step")
        session.close()
        XCTAssertFalse(peer.lines.contains { $0.contains("Hello number") }, "the content was never sent")
        XCTAssertTrue(peer.lines.contains("."))
    }

    func testPositiveReplyInsteadOf354IsNotAnAcceptance() throws {
        let peer = try peer { line in
            if line.hasPrefix("MAIL") || line.hasPrefix("RCPT") { return .reply(["250 Ok"]) }
            if line == "DATA" { return .reply(["250 2.0.0 Ok"]) }
            return .silent
        }
        let session = try Session(configuration: configuration(port: peer.port, timeout: 2))
        let result = try session.send(envelope(to: ["reader@example.org"]), message: message())
        XCTAssertEqual(result.disposition, .deferred)
        XCTAssertTrue(result.recipients.first?.reason?.contains("unexpected reply to DATA") ?? false, "\(result.recipients)")
        session.close()
        XCTAssertFalse(peer.lines.contains { $0.contains("Hello number") })
    }

    func testOldStyleAuthAnnouncementAndSizeZero() throws {
        let reply = Reply(code: 250, lines: ["mx.example", "AUTH=LOGIN", "AUTH PLAIN CRAM-MD5", "SIZE 0"])
        let capabilities = ServerCapabilities(ehloReply: reply)
        XCTAssertEqual(capabilities.authenticationMechanisms, ["LOGIN", "PLAIN", "CRAM-MD5"])
        XCTAssertNil(capabilities.maximumMessageSize, "SIZE 0 means no fixed limit")
    }

    /// The hook that signs the next message runs while the server holds back its reply to the final dot: the
    /// peer answers only once the hook has run (waiting at most 5 s), so a hook run after the reply was read
    /// would leave the peer waiting and this test failing. It runs once per message, never on a retry.
    func testTheAwaitingReplyHookRunsBeforeTheFinalReplyIsRead() throws {
        final class Flag: @unchecked Sendable {
            private let lock = NSLock()
            private var runs = 0
            private var seenByPeer: [Bool] = []
            func ran() { lock.withLock { runs += 1 } }
            var count: Int { lock.withLock { runs } }
            func peerAnswers(afterWaiting seconds: Double) {
                let deadline = Date().addingTimeInterval(seconds)
                while count == seenByPeer.count, Date() < deadline { Thread.sleep(forTimeInterval: 0.005) }
                lock.withLock { seenByPeer.append(runs > seenByPeer.count) }
            }
            var peerSawTheHook: [Bool] { lock.withLock { seenByPeer } }
        }
        let flag = Flag()
        let peer = try peer { line in
            if line.hasPrefix("MAIL") || line.hasPrefix("RCPT") { return .reply(["250 2.1.0 Ok"]) }
            if line == "DATA" { return .reply(["354 End data with <CR><LF>.<CR><LF>"]) }
            if line == "." {
                flag.peerAnswers(afterWaiting: 5)
                return .reply(["250 2.0.0 Ok: queued"])
            }
            return .silent
        }
        let session = try Session(configuration: configuration(port: peer.port, timeout: 10))
        for number in 1...2 {
            let result = try session.send(envelope(to: ["a@example.org"]), message: message(number), whileAwaitingReply: flag.ran)
            XCTAssertEqual(result.disposition, .accepted)
        }
        XCTAssertEqual(flag.count, 2, "once per message")
        XCTAssertEqual(flag.peerSawTheHook, [true, true], "the hook ran before the server's final reply was read")
    }
}

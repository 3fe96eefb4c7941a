// Each worker composes and signs its next message while the server answers the last one (the aiosmtpd
// test server holds every final reply back, so the overlap happens on every message). What must still hold:
// every message signed correctly (dkimpy), nobody lost or sent twice, and at a stop the recipients composed
// ahead but not sent stay unlogged and unsent, for the rerun to send once.
import Foundation
import GazetteTestSupport
import Mail
import XCTest
@testable import Gazette

final class PublishOverlapTests: RelayProjectTestCase {
    func testSigningAheadWhileTheServerAnswersKeepsSignaturesAndAStopLeavesTheRestForTheRerun() throws {
        let server = try startServer { $0.delayData = 0.02 }
        let addresses = (0..<120).map { "reader\($0)@example.org" }
        try subscribers(addresses)
        let keyFile = directory.url.appendingPathComponent("dkim.pem")
        let generated = try PythonTools.runTool("openssl", arguments: ["genpkey", "-algorithm", "ed25519", "-out", keyFile.path])
        XCTAssertEqual(generated.status, 0, generated.stderr)
        try directory.write(try directory.read("gazette.yml") + "dkim: { domain: fixture.example.org, selector: gazette }\n",
                            to: "gazette.yml")
        let environment = ["GAZETTE_DKIM_KEY_FILE": keyFile.path]
        let via = "smtp://127.0.0.1:\(server.port)?tls=none"

        let process = try startPublish(["--via", via, "--concurrency", "2"], environment: environment)
        Thread.sleep(forTimeInterval: 1.0)
        XCTAssertTrue(process.isRunning, "the run should still be going after 1 s")
        kill(process.processIdentifier, SIGTERM)
        XCTAssertTrue(waitForExit(process))
        XCTAssertEqual(process.terminationStatus, 75)
        let firstCounts = try deliveries(server)
        XCTAssertGreaterThan(firstCounts.count, 0)
        XCTAssertLessThan(firstCounts.count, addresses.count, "stopped early")
        // A clean stop: whoever the log names was sent, and only they; the ones composed ahead are not in it.
        let logged = try records()
        let sending = logged.filter { $0.event == .sending }.compactMap(\.address)
        let sent = logged.filter { $0.event == .sent }.compactMap(\.address)
        XCTAssertEqual(Set(sending), Set(firstCounts.keys), "a `sending` line for exactly the messages that went out")
        XCTAssertEqual(Set(sent), Set(firstCounts.keys))
        XCTAssertEqual(sending.count, sent.count, "every `sending` line has its outcome")

        let rerun = try publish(["--via", via, "--concurrency", "2"], environment: environment)
        XCTAssertEqual(rerun.status, 0, rerun.stdout + rerun.stderr)
        let counts = try deliveries(server)
        XCTAssertEqual(Set(counts.keys), Set(addresses), "nobody lost")
        XCTAssertEqual(counts.values.max(), 1, "nobody sent twice")
        XCTAssertEqual(try logState().counts[.sent], addresses.count)

        let received = try server.receivedMessages()
        let files = try received.enumerated().map { index, message in
            try directory.write(message.content, to: "received/\(index).eml")
        }
        let record = try SigningKey(pem: String(contentsOf: keyFile, encoding: .utf8), source: "test").dnsRecord()
        let reports = try MessageVerifier.verify(files, dkimRecord: record)
        XCTAssertEqual(reports.count, addresses.count)
        XCTAssertTrue(reports.allSatisfy { $0.defects.isEmpty && $0.dkim == true }, "\(reports.map { ($0.defects, $0.dkim) })")
        // Each message carries its own recipient: a message composed ahead went to the one it was made for.
        for message in received {
            let text = String(decoding: message.content, as: UTF8.self)
            XCTAssertTrue(text.contains("To: \(message.rcptTos[0])") || text.contains("<\(message.rcptTos[0])>"),
                          "the message sent to \(message.rcptTos[0]) was composed for someone else")
        }
    }
}

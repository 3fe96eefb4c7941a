// `gazette publish` through real SMTP servers on loopback, run as users run it: STARTTLS with AUTH and a
// private CA, faults injected by the aiosmtpd test server (4xx, 5xx, a connection dropped after DATA), and
// crash tests: kill -9 at random moments and SIGTERM, then rerun until done, counting what the server got.
import Foundation
import GazetteTestSupport
import Mail
import XCTest
@testable import Gazette

final class PublishRelayTests: RelayProjectTestCase {
    func subscribers(_ count: Int, extra: [String] = []) throws -> [String] {
        let addresses = (0..<count).map { "reader\($0)@example.org" } + extra
        try subscribers(addresses)
        return addresses
    }

    func testStartTLSWithAuthAndAPrivateCA() throws {
        let certificates = try TestCertificates.make(in: directory.url.appendingPathComponent("tls"))
        let server = try startServer {
            $0.tls = .starttls
            $0.certificates = certificates
            $0.credentials = ("news", "correct horse")
            $0.authMechanisms = ["PLAIN", "LOGIN"]
            $0.requireAuth = true
        }
        let addresses = try subscribers(12)
        let keyFile = directory.url.appendingPathComponent("tls/rsa.pem")
        let generated = try PythonTools.runTool("openssl", arguments: ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                                                                      "-out", keyFile.path])
        XCTAssertEqual(generated.status, 0, generated.stderr)
        try directory.write(try directory.read("gazette.yml")
                            + "dkim: { domain: fixture.example.org, selector: gazette }\ndelivery: { return_path: bounces@fixture.example.org, verp: true }\n",
                            to: "gazette.yml")
        let via = "smtp://news@localhost:\(server.port)"
        let refused = try publish(["--via", via, "--ca-file", certificates.untrustedCAFile],
                                  environment: ["GAZETTE_SMTP_PASSWORD": "correct horse", "GAZETTE_DKIM_KEY_FILE": keyFile.path])
        XCTAssertEqual(refused.status, 1, "an untrusted certificate stops the run before anything is sent: \(refused.stderr)")
        XCTAssertTrue(refused.stderr.lowercased().contains("certificate"), refused.stderr)
        let wrong = try publish(["--via", via, "--ca-file", certificates.caFile],
                                environment: ["GAZETTE_SMTP_PASSWORD": "nope", "GAZETTE_DKIM_KEY_FILE": keyFile.path])
        XCTAssertEqual(wrong.status, 1, wrong.stderr)
        XCTAssertEqual(try server.receivedMessages().count, 0)

        let run = try publish(["--via", via, "--ca-file", certificates.caFile],
                              environment: ["GAZETTE_SMTP_PASSWORD": "correct horse", "GAZETTE_DKIM_KEY_FILE": keyFile.path])
        XCTAssertEqual(run.status, 0, run.stderr + run.stdout)
        XCTAssertTrue(run.stdout.contains("Done: 12 sent"), run.stdout)
        let received = try server.receivedMessages()
        XCTAssertEqual(Set(received.flatMap(\.rcptTos)), Set(addresses))
        XCTAssertTrue(received.allSatisfy { $0.tls && $0.user == "news" })
        for message in received {
            let recipient = message.rcptTos[0].replacingOccurrences(of: "@", with: "=")
            XCTAssertEqual(message.mailFrom, "bounces+\(recipient)@fixture.example.org", "VERP names the recipient")
        }
        let record = try SigningKey(pem: String(contentsOf: keyFile, encoding: .utf8), source: "test").dnsRecord()
        let reports = try verifyReceived(received, dkimRecord: record)
        XCTAssertEqual(reports.count, 12)
        XCTAssertTrue(reports.allSatisfy { $0.defects.isEmpty && $0.dkim == true }, "\(reports.map { ($0.defects, $0.dkim) })")

        // The relay check, as a user runs it before a publish.
        let check = try GazetteBinary.run(["smtp", "test", "--via", via, "--ca-file", certificates.caFile, "--to", "me@example.org"],
                                          in: directory.url, environment: ["GAZETTE_SMTP_PASSWORD": "correct horse"])
        XCTAssertEqual(check.status, 0, check.stderr)
        XCTAssertTrue(check.stdout.contains("TLSv1."), check.stdout)
        XCTAssertTrue(check.stdout.contains("Authenticated:  PLAIN") || check.stdout.contains("Authenticated:  LOGIN"), check.stdout)
        XCTAssertTrue(check.stdout.contains("Test message:   accepted"), check.stdout)
        let badCheck = try GazetteBinary.run(["smtp", "test", "--via", via, "--ca-file", certificates.untrustedCAFile],
                                             in: directory.url, environment: ["GAZETTE_SMTP_PASSWORD": "correct horse"])
        XCTAssertEqual(badCheck.status, 1)
        XCTAssertTrue(badCheck.stderr.contains("hint:"), badCheck.stderr)

        // --test-to: one [TEST] message, no log entry.
        let test = try publish(["--via", via, "--ca-file", certificates.caFile, "--test-to", "editor@example.org"],
                               environment: ["GAZETTE_SMTP_PASSWORD": "correct horse", "GAZETTE_DKIM_KEY_FILE": keyFile.path])
        XCTAssertEqual(test.status, 0, test.stderr)
        let testMessage = try XCTUnwrap(try server.receivedMessages().last)
        XCTAssertEqual(testMessage.rcptTos, ["editor@example.org"])
        XCTAssertTrue(String(decoding: testMessage.content, as: UTF8.self).contains("Subject: [TEST] "))
        XCTAssertEqual(try logState().counts[.sent], 12, "the test message is not in the log")
    }

    func testTemporaryAndPermanentRefusalsAndADroppedConnection() throws {
        let server = try startServer {
            $0.tempfailRecipients = ["busy@example.org"]
            $0.tempfailTimes = 1000
            $0.rejectRecipients = ["nobody@example.org"]
        }
        _ = try subscribers(5, extra: ["busy@example.org", "nobody@example.org"])
        try directory.write(try directory.read("gazette.yml") + "delivery: { retries: 2, retry_delay: 0.05 }\n", to: "gazette.yml")
        let via = "smtp://127.0.0.1:\(server.port)?tls=none"
        let first = try publish(["--via", via, "--concurrency", "2"])
        XCTAssertEqual(first.status, 75, "a deferred recipient means run again: \(first.stderr)\(first.stdout)")
        XCTAssertTrue(first.stdout.contains("5 sent, 1 deferred, 1 failed"), first.stdout)
        let suppressed = try directory.read("subscribers/suppressed.csv")
        XCTAssertTrue(suppressed.contains("nobody@example.org"), "a 5xx user-unknown feeds the suppression list: \(suppressed)")
        XCTAssertFalse(suppressed.contains("busy@example.org"))

        let second = try publish(["--via", via])
        XCTAssertEqual(second.status, 75)
        XCTAssertTrue(second.stdout.contains("0 sent, 1 deferred"), "only the deferred one is tried again: \(second.stdout)")
        XCTAssertEqual(try deliveries(server).values.max(), 1, "nobody got two")
    }

    func testAHardBounceThatCannotBeSuppressedIsSaidAndSyncSuppressesItLater() throws {
        let server = try startServer { $0.rejectRecipients = ["nobody@example.org"] }
        _ = try subscribers(2, extra: ["nobody@example.org"])
        // suppressed.csv a link to /dev/null: it reads as empty, and every append fails at its fsync (as on a full
        // disk), for root too.
        try? FileManager.default.removeItem(at: directory.url.appendingPathComponent("subscribers/suppressed.csv"))
        try FileManager.default.createSymbolicLink(atPath: directory.url.appendingPathComponent("subscribers/suppressed.csv").path,
                                                   withDestinationPath: "/dev/null")
        let run = try publish(["--via", "smtp://127.0.0.1:\(server.port)?tls=none"])
        XCTAssertEqual(run.status, 0, "the send itself finished: \(run.stderr)\(run.stdout)")
        XCTAssertTrue(run.stdout.contains("2 sent, 0 deferred, 1 failed"), run.stdout)
        XCTAssertTrue(run.stdout.contains("1 hard bounces could not be added to subscribers/suppressed.csv"), run.stdout)
        XCTAssertTrue(run.stdout.contains("gazette subscribers sync"), run.stdout)

        try FileManager.default.removeItem(at: directory.url.appendingPathComponent("subscribers/suppressed.csv"))
        let sync = try GazetteBinary.run(["subscribers", "sync"], in: directory.url)
        XCTAssertEqual(sync.status, 0, sync.stderr)
        XCTAssertTrue(try directory.read("subscribers/suppressed.csv").contains("nobody@example.org"),
                      "the publish log kept the failure, so sync suppresses it")
    }

    func testARelayThatDiesMidRunIsGivenUpWithinSecondsAndTheRerunFinishes() throws {
        let server = try startServer { $0.delayData = 0.02 }
        let addresses = try subscribers(300)
        let via = "smtp://127.0.0.1:\(server.port)?tls=none"
        let output = directory.url.appendingPathComponent("publish.out")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        let process = Process()
        process.executableURL = TestPaths.gazetteBinary
        process.arguments = ["publish", "1", "--via", via, "--concurrency", "2"]
        process.currentDirectoryURL = directory.url
        process.environment = ProcessInfo.processInfo.environment.merging(["GAZETTE_UNSUBSCRIBE_SECRET": "s", "CI": "true"]) { $1 }
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while try server.receivedMessages().count < 10, process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        server.stop()  // the relay goes away for good: every connection is refused from now on
        let stopped = Date()
        XCTAssertTrue(waitForExit(process, seconds: 120), "the run must give up on a dead relay")
        let seconds = Date().timeIntervalSince(stopped)
        try handle.close()
        let text = try String(contentsOf: output, encoding: .utf8)
        XCTAssertEqual(process.terminationStatus, 75, text)
        // 3 attempts over 30 s at the least, paced 1, 2, 4, 8, 16 s apart: about 31 s (it was 9 minutes).
        XCTAssertLessThan(seconds, 60, "a dead relay is given up on in about 30 s: \(text)")
        XCTAssertTrue(text.contains("stopped: smtp://127.0.0.1:\(server.port)?tls=none stopped answering"), text)

        let first = try logState()
        let sentFirst = addresses.filter { first.status(ofKey: AddressKey($0).hash64) == .sent }
        XCTAssertGreaterThan(sentFirst.count, 0, "some were sent before the relay died (the last few may be uncertain)")
        XCTAssertLessThan(sentFirst.count, addresses.count)
        let revived = try startServer()
        let rerun = try publish(["--via", "smtp://127.0.0.1:\(revived.port)?tls=none"])
        XCTAssertEqual(rerun.status, 0, rerun.stdout + rerun.stderr)
        let second = try deliveries(revived)
        XCTAssertTrue(sentFirst.allSatisfy { second[$0] == nil }, "nobody sent before the relay died is sent again")
        XCTAssertEqual(second.values.max(), 1)
        XCTAssertEqual(try logState().counts[.sent], addresses.count, "everyone ends sent, in one of the two runs")
    }

    func testConnectionDroppedAfterDataIsUncertainAndResentOnce() throws {
        let server = try startServer { $0.dropAfterData = 1 }
        _ = try subscribers(3)
        let via = "smtp://127.0.0.1:\(server.port)?tls=none"
        let first = try publish(["--via", via, "--concurrency", "1"])
        XCTAssertEqual(first.status, 75, first.stdout + first.stderr)
        XCTAssertEqual(try logState().counts[.uncertain], 1)
        let skipping = try publish(["--via", via, "--skip-uncertain"])
        XCTAssertEqual(skipping.status, 0, "with --skip-uncertain the uncertain one is left alone: \(skipping.stdout)")
        let resend = try publish(["--via", via])
        XCTAssertEqual(resend.status, 0, resend.stdout + resend.stderr)
        XCTAssertEqual(try logState().counts[.sent], 3)
    }

    /// Python's email package and dkimpy on what the server received.
    func verifyReceived(_ received: [TestSMTPServer.ReceivedMessage], dkimRecord: String? = nil) throws -> [MessageVerifier.Report] {
        let files = try received.enumerated().map { index, message in
            try directory.write(message.content, to: "received/\(index).eml")
        }
        return try MessageVerifier.verify(files, dkimRecord: dkimRecord)
    }

    func testKillNineAtRandomMomentsLosesNobodyAndDuplicatesAtMostInFlight() throws {
        let server = try startServer { $0.delayData = 0.01 }
        let addresses = try subscribers(150)
        let via = "smtp://127.0.0.1:\(server.port)?tls=none"
        let concurrency = 3
        var generator = SystemRandomNumberGenerator()
        var kills = 0
        for _ in 0..<3 {
            let process = try startPublish(["--via", via, "--concurrency", String(concurrency)])
            Thread.sleep(forTimeInterval: Double.random(in: 0.4...1.6, using: &generator))
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                kills += 1
            }
            XCTAssertTrue(waitForExit(process))
        }
        var finished = false
        for _ in 0..<5 where !finished {
            let run = try publish(["--via", via, "--concurrency", String(concurrency)])
            finished = run.status == 0
        }
        XCTAssertTrue(finished, "reruns complete the issue")
        let counts = try deliveries(server)
        for address in addresses { XCTAssertGreaterThanOrEqual(counts[address] ?? 0, 1, "\(address) was lost") }
        let duplicates = counts.values.reduce(0) { $0 + max(0, $1 - 1) }
        XCTAssertLessThanOrEqual(duplicates, kills * concurrency, "at most the messages in flight at each kill are sent again")
        // Nobody is logged sent without the server having it.
        let state = try logState()
        XCTAssertEqual(state.counts[.sent], addresses.count)
        XCTAssertEqual(state.unreadableLines, [], "the log stays readable after every kill")
        let reports = try verifyReceived(try server.receivedMessages())
        XCTAssertTrue(reports.allSatisfy { $0.defects.isEmpty })
    }

    func testSIGTERMFinishesInFlightExits75AndTheRerunSendsNobodyTwice() throws {
        let server = try startServer { $0.delayData = 0.02 }
        let addresses = try subscribers(120)
        let via = "smtp://127.0.0.1:\(server.port)?tls=none"
        let process = try startPublish(["--via", via, "--concurrency", "2"])
        Thread.sleep(forTimeInterval: 1.0)
        XCTAssertTrue(process.isRunning, "the run should still be going after 1 s")
        kill(process.processIdentifier, SIGTERM)
        XCTAssertTrue(waitForExit(process))
        XCTAssertEqual(process.terminationStatus, 75)
        XCTAssertLessThan(try deliveries(server).count, addresses.count, "stopped early")
        let rerun = try publish(["--via", via])
        XCTAssertEqual(rerun.status, 0, rerun.stdout + rerun.stderr)
        let counts = try deliveries(server)
        XCTAssertEqual(Set(counts.keys), Set(addresses))
        XCTAssertEqual(counts.values.max(), 1, "no duplicates after a clean stop")
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.url.appendingPathComponent("logs/hello.lock").path))
    }

    func testASecondSignalAbortsAtOnceAndTheLogStaysValid() throws {
        let server = try startServer { $0.delayData = 0.05 }
        let addresses = try subscribers(80)
        let via = "smtp://127.0.0.1:\(server.port)?tls=none"
        let process = try startPublish(["--via", via, "--concurrency", "2"])
        Thread.sleep(forTimeInterval: 0.8)
        kill(process.processIdentifier, SIGINT)
        Thread.sleep(forTimeInterval: 0.01)
        kill(process.processIdentifier, SIGINT)
        XCTAssertTrue(waitForExit(process, seconds: 5), "the second signal ends the run at once")
        XCTAssertEqual(process.terminationStatus, 75)
        XCTAssertEqual(try logState().unreadableLines, [])
        var finished = false
        for _ in 0..<3 where !finished {
            // An abort may leave the lock of a dead process: the next run takes it over.
            finished = try publish(["--via", via]).status == 0
        }
        XCTAssertTrue(finished)
        let counts = try deliveries(server)
        XCTAssertEqual(Set(counts.keys), Set(addresses))
        XCTAssertLessThanOrEqual(counts.values.reduce(0) { $0 + $1 - 1 }, 2, "at most the two in flight again")
    }
}

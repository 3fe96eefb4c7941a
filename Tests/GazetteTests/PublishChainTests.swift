// The fallback chain (`delivery.via: [relay-a, relay-b]`) through real aiosmtpd relays: a refusing relay
// (a closed port) and a 4xx-forever relay hand their recipients to the next, a 5xx is final there, and the
// log's `via` says which delivery took each message. Settings mistakes name gazette.yml's line.
import Foundation
import GazetteTestSupport
import XCTest
@testable import Gazette

final class PublishChainTests: RelayProjectTestCase {
    /// `delivery:` with the chain `[first, second]`, both plain-text relays on loopback.
    func configureChain(firstPort: Int, secondPort: Int, extra: String = "") throws {
        try directory.write(try directory.read("gazette.yml") + """
            delivery:
              via: [relay-a, relay-b]
              retries: 1
              retry_delay: 0.05\(extra)
              transports:
                relay-a: "smtp://127.0.0.1:\(firstPort)?tls=none"
                relay-b: { url: "smtp://127.0.0.1:\(secondPort)?tls=none" }

            """, to: "gazette.yml")
    }

    func outcomes() throws -> [LogRecord] { try records().filter { $0.status != nil } }

    func testARefusingRelayHandsEveryoneToTheNext() throws {
        let closed = try ServerProcess.freePort()  // nothing listens there
        let second = try startServer()
        let addresses = (0..<8).map { "reader\($0)@example.org" }
        try subscribers(addresses)
        try configureChain(firstPort: closed, secondPort: second.port)
        let run = try publish(["--concurrency", "2"])
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        XCTAssertTrue(run.stdout.contains("8 sent"), run.stdout)
        XCTAssertEqual(Set(try second.receivedMessages().flatMap(\.rcptTos)), Set(addresses))
        let sent = try outcomes().filter { $0.event == .sent }
        XCTAssertEqual(sent.count, 8)
        XCTAssertTrue(sent.allSatisfy { $0.via == "relay-b" }, "\(sent.map(\.via))")

        // `gazette smtp test` checks a named relay of the chain; by default the first one (here the closed port).
        let named = try GazetteBinary.run(["smtp", "test", "--via", "relay-b"], in: directory.url)
        XCTAssertEqual(named.status, 0, named.stderr)
        XCTAssertTrue(named.stdout.contains("127.0.0.1"), named.stdout)
        let first = try GazetteBinary.run(["smtp", "test"], in: directory.url)
        XCTAssertEqual(first.status, 1, first.stdout)
        XCTAssertTrue(first.stderr.contains("refused"), first.stderr)
    }

    func testAFourXXForeverRelayHandsItsRecipientsToTheNextAfterTheRetries() throws {
        let first = try startServer { $0.faultRecipientRate = 1 }   // 451 4.3.0 to every RCPT
        let second = try startServer()
        let addresses = (0..<5).map { "reader\($0)@example.org" }
        try subscribers(addresses)
        try configureChain(firstPort: first.port, secondPort: second.port)
        let run = try publish([])
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        XCTAssertEqual(try first.receivedMessages().count, 0)
        XCTAssertEqual(Set(try second.receivedMessages().flatMap(\.rcptTos)), Set(addresses))
        let log = try outcomes()
        for address in addresses {
            let mine = log.filter { $0.address == address }
            XCTAssertEqual(mine.map(\.event), [.deferred, .deferred, .sent], "two tries on relay-a (retries: 1), then relay-b")
            XCTAssertEqual(mine.map(\.via), ["relay-a", "relay-a", "relay-b"])
        }
    }

    func testAFiveXXIsFinalAndTheNextRelayNeverSeesThatRecipient() throws {
        let first = try startServer { $0.rejectRecipients = ["nobody@example.org"] }
        let second = try startServer()
        try subscribers(["nobody@example.org", "reader@example.org"])
        try configureChain(firstPort: first.port, secondPort: second.port)
        let run = try publish([])
        XCTAssertEqual(run.status, 0, "a 5xx is a final state: \(run.stdout) \(run.stderr)")
        XCTAssertTrue(run.stdout.contains("1 sent") && run.stdout.contains("1 failed"), run.stdout)
        XCTAssertEqual(try second.receivedMessages().count, 0)
        XCTAssertFalse(try second.events().contains { $0.event == "mail" }, "relay-b was never asked")
        let failed = try XCTUnwrap(try outcomes().first { $0.address == "nobody@example.org" })
        XCTAssertEqual(failed.event, .failed)
        XCTAssertEqual(failed.via, "relay-a")
    }

    func testChainSettingsMistakesNameTheLine() throws {
        let base = "name: N\nbase_url: https://n.example/\nsender: { address: n@n.example }\n"
        func error(_ delivery: String) -> Diagnostic? {
            do {
                _ = try Configuration(yaml: base + delivery)
                return nil
            } catch let error as DiagnosticError {
                return error.diagnostics.first
            } catch {
                return nil
            }
        }
        let unknown = error("delivery:\n  via: [relay-a, relay-x]\n  transports:\n    relay-a: smtp://r.example\n")
        XCTAssertEqual(unknown?.location?.line, 5)
        XCTAssertTrue(unknown?.message.contains("relay-x") == true, "\(String(describing: unknown))")
        XCTAssertTrue(unknown?.hint?.contains("relay-a") == true)
        let empty = error("delivery:\n  via: []\n")
        XCTAssertTrue(empty?.message.contains("empty") == true, "\(String(describing: empty))")
        XCTAssertEqual(empty?.location?.line, 5)
        let twice = error("delivery:\n  via: [relay-a, relay-a]\n  transports:\n    relay-a: smtp://r.example\n")
        XCTAssertTrue(twice?.message.contains("twice") == true, "\(String(describing: twice))")
        let badURL = error("delivery:\n  transports:\n    relay-a: http://r.example\n")
        XCTAssertEqual(badURL?.location?.line, 6)
        let badVariable = error("delivery:\n  transports:\n    relay-a: { url: smtp://r.example, password_env: \"hunter 2\" }\n")
        XCTAssertTrue(badVariable?.message.contains("password_env") == true, "\(String(describing: badVariable))")
        XCTAssertNil(error("delivery:\n  via: [relay-a, direct]\n  transports:\n    relay-a: { url: smtp://u@r.example, password_env: RELAY_A_PASSWORD }\n"))
        XCTAssertNil(error("delivery:\n  via: smtp://r.example\n"), "a single string keeps working")

        // A named relay's password comes from its own variable.
        let configuration = try Configuration(yaml: base + "delivery:\n  via: relay-a\n  transports:\n    relay-a: { url: smtp://u@r.example, password_env: RELAY_A_PASSWORD }\n")
        XCTAssertEqual(configuration.delivery.via, "smtp://u@r.example")
        XCTAssertThrowsError(try Transports.make(via: "relay-a", configuration: configuration, caFile: nil,
                                                 environment: ["GAZETTE_SMTP_PASSWORD": "x"], projectRoot: directory.url)) { error in
            XCTAssertTrue("\(error)".contains("RELAY_A_PASSWORD"), "\(error)")
        }
        XCTAssertNoThrow(try Transports.make(via: "relay-a", configuration: configuration, caFile: nil,
                                             environment: ["RELAY_A_PASSWORD": "x"], projectRoot: directory.url))
        XCTAssertTrue(ProjectChecker(configuration: configuration).check().isEmpty, "naming a variable is no secret in gazette.yml")
    }
}

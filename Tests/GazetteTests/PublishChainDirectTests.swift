// The fallback chain with direct delivery in it, both SendBlaster orders, through real servers: a relay
// that refuses hands its recipients to direct delivery (dnslib DNS, aiosmtpd MX hosts on loopback), and an
// MX that answers 4xx hands its recipients to the relay after the retries. The log's `via` names the
// delivery that took each message, and nobody is delivered twice.
import Foundation
import GazetteTestSupport
import XCTest
@testable import Gazette

final class PublishChainDirectTests: XCTestCase {
    var directory: TemporaryDirectory!
    var world: MXWorld!

    override func setUpWithError() throws {
        directory = try TemporaryDirectory("chain-direct")
        world = try MXWorld()
        addTeardownBlock { [directory, world] in
            world?.stop()
            directory?.remove()
        }
        try directory.copy(from: TestPaths.fixtures.appendingPathComponent("projects/minimal"))
    }

    func publish() throws -> GazetteBinary.Run {
        try GazetteBinary.run(["publish", "1", "--concurrency", "2"], in: directory.url,
                              environment: ["GAZETTE_UNSUBSCRIBE_SECRET": "s", "CI": "true"], timeout: 120)
    }

    /// Every outcome line of the log, in order: (address, event, via).
    func outcomes() throws -> [(address: String, event: String, via: String)] {
        try directory.read("logs/hello.jsonl").split(separator: "\n").compactMap { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let event = object["event"] as? String, let address = object["address"] as? String, event != "sending"
            else { return nil }
            return (address, event, object["via"] as? String ?? "")
        }
    }

    /// gazette.yml with the chain `via` and a relay named `relay` on `relayPort`, direct through the test DNS.
    func configure(via: String, relayPort: Int, dns: TestDNSServer) throws {
        try directory.write(try directory.read("gazette.yml") + """
            delivery:
              via: \(via)
              retries: 1
              retry_delay: 0.05
              helo: news.fixture.test
              transports:
                relay: "smtp://127.0.0.1:\(relayPort)?tls=none"
            direct: { dns_server: "\(dns.address)", port: \(world.port), connect_timeout: 2 }

            """, to: "gazette.yml")
    }

    func testARefusingRelayHandsItsRecipientsToDirectDelivery() throws {
        world.mx("alpha.test", 10, "mx.alpha.test", at: 2)
        world.mx("beta.test", 10, "mx.beta.test", at: 3)
        let alpha = try world.startMX(2)
        let beta = try world.startMX(3)
        let dns = try world.startDNS()
        let closed = try ServerProcess.freePort()  // the relay: nothing listens there
        let recipients = ["ada@alpha.test", "bob@alpha.test", "cy@beta.test", "dee@beta.test"]
        try directory.write("email,name\n" + recipients.map { "\($0),Reader" }.joined(separator: "\n") + "\n",
                            to: "subscribers/main.csv")
        try configure(via: "[relay, direct]", relayPort: closed, dns: dns)

        let run = try publish()
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        let log = try outcomes()
        for address in recipients {
            let final = log.last { $0.address == address }
            XCTAssertEqual(final?.event, "sent", address)
            XCTAssertEqual(final?.via, "direct", "\(address): \(log.filter { $0.address == address })")
        }
        XCTAssertEqual(try alpha.receivedMessages().flatMap(\.rcptTos).sorted(), ["ada@alpha.test", "bob@alpha.test"])
        XCTAssertEqual(try beta.receivedMessages().flatMap(\.rcptTos).sorted(), ["cy@beta.test", "dee@beta.test"])
    }

    func testAnMXThatDefersHandsItsRecipientsToTheRelayAfterTheRetries() throws {
        world.mx("alpha.test", 10, "mx.alpha.test", at: 2)
        world.mx("slow.test", 10, "mx.slow.test", at: 3)
        let alpha = try world.startMX(2)
        let slow = try world.startMX(3) { $0.tempfailRecipients = ["eve@slow.test", "fay@slow.test"] }  // 450, always
        let dns = try world.startDNS()
        let relay = try TestSMTPServer.start()
        addTeardownBlock { relay.stop() }
        try directory.write("email,name\nada@alpha.test,Ada\neve@slow.test,Eve\nfay@slow.test,Fay\n", to: "subscribers/main.csv")
        try configure(via: "[direct, relay]", relayPort: relay.port, dns: dns)

        let run = try publish()
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        let log = try outcomes()
        XCTAssertEqual(log.filter { $0.address == "ada@alpha.test" }.map(\.event), ["sent"])
        XCTAssertEqual(log.last { $0.address == "ada@alpha.test" }?.via, "direct")
        for address in ["eve@slow.test", "fay@slow.test"] {
            let mine = log.filter { $0.address == address }
            XCTAssertEqual(mine.map(\.event), ["deferred", "deferred", "sent"], "two tries direct (retries: 1), then the relay")
            XCTAssertEqual(mine.map(\.via), ["direct", "direct", "relay"])
        }
        XCTAssertEqual(try alpha.receivedMessages().flatMap(\.rcptTos), ["ada@alpha.test"])
        XCTAssertEqual(try slow.receivedMessages().count, 0)
        XCTAssertEqual(try relay.receivedMessages().flatMap(\.rcptTos).sorted(), ["eve@slow.test", "fay@slow.test"])
    }
}

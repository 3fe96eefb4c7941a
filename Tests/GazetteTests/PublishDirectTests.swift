// `gazette publish --via direct:` as users run it: a list spanning several domains, each served by
// its own MX on loopback (dnslib DNS, aiosmtpd MX hosts on 127.R.S.x, port 25 when root), with a
// null MX, a refused recipient and a domain that is down; every recipient ends in one known state,
// and a rerun once the domain is up finishes the rest without sending anyone twice.
import Foundation
import GazetteTestSupport
import XCTest
@testable import Gazette

final class PublishDirectTests: XCTestCase {
    var directory: TemporaryDirectory!
    var world: MXWorld!

    override func setUpWithError() throws {
        directory = try TemporaryDirectory("direct")
        world = try MXWorld()
        addTeardownBlock { [directory, world] in
            world?.stop()
            directory?.remove()
        }
        try directory.copy(from: TestPaths.fixtures.appendingPathComponent("projects/minimal"))
    }

    func publish(_ arguments: [String]) throws -> GazetteBinary.Run {
        try GazetteBinary.run(["publish", "1"] + arguments, in: directory.url,
                              environment: ["GAZETTE_UNSUBSCRIBE_SECRET": "s", "CI": "true"], timeout: 120)
    }

    /// The last outcome of each address in the log.
    func outcomes() throws -> [String: (event: String, server: String, reply: String)] {
        let text = try directory.read("logs/hello.jsonl")
        var result: [String: (String, String, String)] = [:]
        for line in text.split(separator: "\n") {
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let event = object["event"] as? String, let address = object["address"] as? String, event != "sending"
            else { continue }
            result[address] = (event, object["server"] as? String ?? "", object["reply"] as? String ?? "")
        }
        return result
    }

    func testPublishDirectAcrossDomainsThenARerunFinishesTheRest() throws {
        world.mx("alpha.test", 10, "mx.alpha.test", at: 2)
        world.mx("beta.test", 10, "mx1.beta.test", at: 9)   // down: the backup takes it
        world.mx("beta.test", 20, "mx2.beta.test", at: 3)
        world.add([.init("gamma.test", "A", world.address(4)),  // implicit MX
                   .init("void.test", "MX", "0 .")])
        world.mx("later.test", 10, "mx.later.test", at: 5)    // nothing there until the rerun
        let alpha = try world.startMX(2)
        let beta = try world.startMX(3) { $0.rejectRecipients = ["gone@beta.test"] }
        let gamma = try world.startMX(4)
        let dns = try world.startDNS()
        let recipients = ["ada@alpha.test", "bob@alpha.test", "cy@beta.test", "gone@beta.test", "dee@gamma.test",
                          "eve@void.test", "fay@later.test"]
        try directory.write("email,name\n" + recipients.map { "\($0),Reader" }.joined(separator: "\n") + "\n",
                            to: "subscribers/main.csv")
        try directory.write(try directory.read("gazette.yml") + """
            delivery: { via: "outbox:outbox", retries: 0, concurrency: 2, helo: news.fixture.test }
            direct: { dns_server: "\(dns.address)", port: \(world.port), connect_timeout: 2 }

            """, to: "gazette.yml")

        let first = try publish(["--via", "direct:"])
        XCTAssertEqual(first.status, 75, "a deferred recipient makes the run resumable: \(first.stdout)\n\(first.stderr)")
        var log = try outcomes()
        XCTAssertEqual(Set(log.keys), Set(recipients), "every recipient has an outcome")
        XCTAssertEqual(log["ada@alpha.test"]?.event, "sent")
        XCTAssertEqual(log["bob@alpha.test"]?.event, "sent")
        XCTAssertEqual(log["cy@beta.test"]?.event, "sent")
        XCTAssertTrue(log["cy@beta.test"]?.server.hasPrefix("mx2.beta.test[") == true, log["cy@beta.test"]?.server ?? "")
        XCTAssertEqual(log["gone@beta.test"]?.event, "failed")
        XCTAssertEqual(log["dee@gamma.test"]?.event, "sent")
        XCTAssertEqual(log["eve@void.test"]?.event, "failed")
        XCTAssertTrue(log["eve@void.test"]?.reply.contains("null MX") == true, log["eve@void.test"]?.reply ?? "")
        XCTAssertEqual(log["fay@later.test"]?.event, "deferred")
        XCTAssertEqual(try alpha.receivedMessages().flatMap(\.rcptTos).sorted(), ["ada@alpha.test", "bob@alpha.test"])
        XCTAssertEqual(try alpha.receivedMessages().first?.helo, "news.fixture.test")
        XCTAssertEqual(try beta.receivedMessages().flatMap(\.rcptTos), ["cy@beta.test"])
        XCTAssertEqual(try gamma.receivedMessages().flatMap(\.rcptTos), ["dee@gamma.test"])
        XCTAssertEqual(dns.questions().filter { $0.hasPrefix("alpha.test MX") }.count, 1, "one MX look-up per domain")

        let later = try world.startMX(5)
        let second = try publish(["--via", "direct:"])
        XCTAssertEqual(second.status, 0, second.stdout + second.stderr)
        log = try outcomes()
        XCTAssertEqual(log["fay@later.test"]?.event, "sent")
        XCTAssertEqual(try later.receivedMessages().flatMap(\.rcptTos), ["fay@later.test"])
        XCTAssertEqual(try alpha.receivedMessages().count, 2, "nobody sent twice")
        XCTAssertEqual(try beta.receivedMessages().count, 1)
    }

    func testDirectSettingsAreChecked() throws {
        try directory.write(try directory.read("gazette.yml") + "direct: { dns_server: dns.example.org }\n", to: "gazette.yml")
        let run = try publish(["--via", "direct:"])
        XCTAssertEqual(run.status, 1, run.stderr)
        XCTAssertTrue(run.stderr.contains("gazette.yml:") && run.stderr.contains("direct.dns_server"), run.stderr)
    }
}

// Direct delivery against real components: a dnslib DNS server and aiosmtpd MX hosts on several
// loopback addresses sharing one port (25 when root): preference and failover, null and implicit MX,
// NXDOMAIN, an MX pointing nowhere, a 554 greeting, STARTTLS used and failing, partial RCPT refusals,
// one connection for many recipients of a domain.
import Foundation
import GazetteTestSupport
import Mail
import XCTest
@testable import SMTP

final class DirectDeliveryTests: XCTestCase {
    private var world: MXWorld!

    override func setUpWithError() throws {
        world = try MXWorld()
        addTeardownBlock { [world] in world?.stop() }
    }

    private func delivery(plaintextFallback: Bool = true) throws -> DirectDelivery {
        guard let dns = world.dns else { throw XCTSkip("no DNS server") }
        var timeouts = SMTPTimeouts(all: 10)
        timeouts.connect = 2
        let configuration = DirectConfiguration(port: world.port, heloName: "news.sender.test",
                                                allowsPlaintextAfterTLSFailure: plaintextFallback, timeouts: timeouts)
        let resolver = DNSResolver(server: DNSServer(host: dns.host, port: dns.port), timeout: 1, attempts: 1)
        return try DirectDelivery(configuration: configuration, resolver: resolver, gate: DomainGate(limit: 2))
    }

    private func envelope(_ recipient: String) throws -> Envelope {
        Envelope(sender: try Mailbox("news@sender.test"), recipients: [try Mailbox(recipient)])
    }

    private let message = Array("Subject: hi\r\nFrom: news@sender.test\r\n\r\nHello.\r\n".utf8)

    private func send(_ delivery: DirectDelivery, _ recipient: String) throws -> DeliveryResult {
        let domain = String(recipient[recipient.index(after: recipient.lastIndex(of: "@")!)...])
        return try delivery.send(envelope(recipient), domain: domain, message: message)
    }

    func testMXPreferenceAndFailoverWhenTheFirstIsDown() throws {
        world.mx("fail.test", 10, "mx1.fail.test", at: 9)  // nothing listens on .9
        world.mx("fail.test", 20, "mx2.fail.test", at: 3)
        let backup = try world.startMX(3)
        try world.startDNS()
        let result = try send(try delivery(), "ada@fail.test")
        XCTAssertEqual(result.disposition, .accepted)
        XCTAssertTrue(result.server.hasPrefix("mx2.fail.test[\(world.address(3))]"), result.server)
        let received = try backup.receivedMessages()
        XCTAssertEqual(received.map(\.rcptTos), [["ada@fail.test"]])
        XCTAssertEqual(received.first?.helo, "news.sender.test")
    }

    func testThePreferredMXIsUsedWhenUp() throws {
        world.mx("pref.test", 20, "backup.pref.test", at: 3)
        world.mx("pref.test", 10, "primary.pref.test", at: 2)
        let primary = try world.startMX(2)
        let backup = try world.startMX(3)
        try world.startDNS()
        XCTAssertEqual(try send(try delivery(), "bob@pref.test").disposition, .accepted)
        XCTAssertEqual(try primary.receivedMessages().count, 1)
        XCTAssertEqual(try backup.receivedMessages().count, 0)
    }

    func testNullMXFailsPermanentlyWithoutConnecting() throws {
        world.add([.init("nomail.test", "MX", "0 .")])
        try world.startDNS()
        let result = try send(try delivery(), "carol@nomail.test")
        XCTAssertEqual(result.disposition, .failed)
        XCTAssertEqual(result.reply?.code, 556)
        XCTAssertEqual(result.reply?.enhancedStatusCode?.description, "5.1.10")
        XCTAssertTrue(result.recipients[0].reason?.contains("RFC 7505") == true)
        XCTAssertEqual(result.server, "dns")
    }

    func testImplicitMXIsTheDomainsOwnAddress() throws {
        world.add([.init("implicit.test", "A", world.address(4))])
        let server = try world.startMX(4)
        try world.startDNS()
        XCTAssertEqual(try send(try delivery(), "dan@implicit.test").disposition, .accepted)
        XCTAssertEqual(try server.receivedMessages().count, 1)
    }

    func testUnknownDomainsAndDomainsWithoutMailHostsFail() throws {
        world.add([.init("www.only.test", "A", world.address(2))])
        try world.startDNS()
        let dd = try delivery()
        let missing = try send(dd, "x@missing.test")
        XCTAssertEqual(missing.disposition, .failed)
        XCTAssertEqual(missing.reply?.enhancedStatusCode?.description, "5.1.2")
        XCTAssertTrue(missing.recipients[0].reason?.contains("NXDOMAIN") == true)
        // only.test exists (a name below it does) but has neither MX nor address.
        let bare = try send(dd, "x@only.test")
        XCTAssertEqual(bare.disposition, .failed)
        XCTAssertTrue(bare.recipients[0].reason?.contains("neither an MX record nor an address") == true, bare.recipients[0].reason ?? "")
    }

    func testAnMXPointingNowhereOrDNSTroubleIsForLater() throws {
        world.mx("nowhere.test", 10, "ghost.nowhere.test", at: nil)
        try world.startDNS(faults: [.servfail: ["broken.test"], .timeout: ["silent.test"]])
        let dd = try delivery()
        for (recipient, expected) in [("a@nowhere.test", "no MX host of nowhere.test has an address"),
                                      ("a@broken.test", "SERVFAIL"), ("a@silent.test", "no reply")] {
            XCTAssertThrowsError(try send(dd, recipient), recipient) { error in
                XCTAssertTrue(error is DirectFailure, "\(error)")
                XCTAssertTrue("\(error)".contains(expected), "\(error)")
            }
        }
    }

    func testA554GreetingMovesOnToTheNextMX() throws {
        world.mx("greet.test", 10, "mx1.greet.test", at: 5)
        world.mx("greet.test", 20, "mx2.greet.test", at: 3)
        world.mx("closed.test", 10, "mx.closed.test", at: 5)
        try world.startMX(5) { $0.greeting = "554 5.7.1 No SMTP service here" }
        let good = try world.startMX(3)
        try world.startDNS()
        let dd = try delivery()
        XCTAssertEqual(try send(dd, "eve@greet.test").disposition, .accepted)
        XCTAssertEqual(try good.receivedMessages().count, 1)
        XCTAssertThrowsError(try send(dd, "eve@closed.test")) { error in
            XCTAssertTrue("\(error)".contains("554"), "\(error)")
        }
    }

    private func makeCertificates() throws -> TestCertificates {
        let directory = try TemporaryDirectory("direct-tls")
        addTeardownBlock { directory.remove() }
        return try TestCertificates.make(in: directory.url)
    }

    func testOpportunisticSTARTTLSIsUsedWhenOffered() throws {
        let certificates = try makeCertificates()
        world.mx("tls.test", 10, "mx.tls.test", at: 6)
        let server = try world.startMX(6) {
            $0.tls = .starttls
            $0.certificates = certificates  // for localhost, not mx.tls.test: not verified on port 25
        }
        try world.startDNS()
        XCTAssertEqual(try send(try delivery(), "fay@tls.test").disposition, .accepted)
        XCTAssertEqual(try server.receivedMessages().first?.tls, true)
    }

    func testAFailedTLSHandshakeFallsBackToPlainTextOnlyWhenAllowed() throws {
        let certificates = try makeCertificates()
        world.mx("badtls.test", 10, "mx.badtls.test", at: 7)
        let server = try world.startMX(7) {
            $0.tls = .starttls
            $0.certificates = certificates
            $0.brokenStartTLS = true
        }
        try world.startDNS()
        XCTAssertThrowsError(try send(try delivery(plaintextFallback: false), "gus@badtls.test")) { error in
            XCTAssertTrue("\(error)".contains("TLS"), "\(error)")
        }
        XCTAssertEqual(try server.receivedMessages().count, 0)
        let dd = try delivery()
        let result = try send(dd, "gus@badtls.test")
        XCTAssertEqual(result.disposition, .accepted)
        XCTAssertTrue(result.server.contains("the TLS handshake failed") && result.server.contains("sent without TLS"), result.server)
        XCTAssertEqual(try server.receivedMessages().map(\.tls), [false])
        // The next message goes plain at once, still saying so.
        XCTAssertTrue(try send(dd, "hal@badtls.test").server.contains("sent without TLS"))
    }

    func testOneConnectionCarriesADomainsRecipientsSomeRefused() throws {
        world.mx("mixed.test", 10, "mx.mixed.test", at: 8)
        let server = try world.startMX(8) {
            $0.rejectRecipients = ["nobody@mixed.test"]
            $0.tempfailRecipients = ["later@mixed.test"]
        }
        try world.startDNS()
        let dd = try delivery()
        var dispositions: [String: Disposition] = [:]
        for recipient in ["a@mixed.test", "nobody@mixed.test", "b@mixed.test", "later@mixed.test", "c@mixed.test"] {
            dispositions[recipient] = try send(dd, recipient).recipients.first?.disposition
        }
        XCTAssertEqual(dispositions, ["a@mixed.test": .accepted, "nobody@mixed.test": .failed, "b@mixed.test": .accepted,
                                      "later@mixed.test": .deferred, "c@mixed.test": .accepted])
        XCTAssertEqual(try server.receivedMessages().flatMap(\.rcptTos), ["a@mixed.test", "b@mixed.test", "c@mixed.test"])
        XCTAssertEqual(try server.events().filter { $0.event == "connect" }.count, 1, "one connection for the domain")
        XCTAssertEqual(dd.connectionsOpened, 1)
        XCTAssertEqual(world.dns?.questions().filter { $0.hasPrefix("mixed.test MX") }.count, 1, "one MX look-up")
    }

    func testEqualPreferencesAreShuffledAndGroupsKeepTheirOrder() {
        let records = [MXRecord(preference: 20, exchange: "c"), MXRecord(preference: 10, exchange: "a"),
                       MXRecord(preference: 10, exchange: "b")]
        var firsts = Set<String>()
        for _ in 0..<200 {
            let order = MXRoute.ordered(records, shuffle: { $0.shuffle() })
            XCTAssertEqual(order.last?.exchange, "c")
            firsts.insert(order[0].exchange)
        }
        XCTAssertEqual(firsts, ["a", "b"])
    }

    func testTheDomainGateCapsTransactionsAcrossThreads() {
        final class Counter: @unchecked Sendable {
            let lock = NSLock()
            var inside = 0, most = 0
            func change(_ delta: Int) { lock.withLock { inside += delta; most = max(most, inside) } }
        }
        let gate = DomainGate(limit: 2)
        let counter = Counter()
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            guard gate.enter("busy.test", timeout: 10) else { return }
            counter.change(1)
            Thread.sleep(forTimeInterval: 0.05)
            counter.change(-1)
            gate.leave("busy.test")
        }
        XCTAssertEqual(counter.most, 2)
        XCTAssertTrue(gate.enter("other.test", timeout: 0.1))
    }
}

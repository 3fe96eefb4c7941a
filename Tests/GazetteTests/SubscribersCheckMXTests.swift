// `gazette subscribers validate --check-mx` against a real DNS server on loopback (dnslib): a null MX,
// NXDOMAIN, a domain with neither MX nor address, an implicit MX, a SERVFAIL; one look-up per domain.
import Foundation
import GazetteTestSupport
import XCTest

final class SubscribersCheckMXTests: ListProjectTestCase {
    func testCheckMXReportsDomainsThatTakeNoMailOncePerDomain() throws {
        let dns = try TestDNSServer.start(records: [
            .init("good.test", "MX", "10 mx.good.test"), .init("mx.good.test", "A", "192.0.2.25"),
            .init("web.test", "A", "192.0.2.80"),                     // no MX: the implicit MX is fine
            .init("void.test", "MX", "0 ."),
            .init("www.bare.test", "A", "192.0.2.1"),                 // bare.test exists, has neither
        ], faults: [.servfail: ["flaky.test"]])
        addTeardownBlock { dns.stop() }
        try directory.write("""
            email,name
            ada@good.test,Ada
            bob@good.test,Bob
            cy@web.test,Cy
            dee@void.test,Dee
            eve@gone.test,Eve
            fay@bare.test,Fay
            gus@flaky.test,Gus
            hal@void.test,Hal

            """, to: "subscribers/main.csv")
        let run = try gazette("subscribers", "validate", "--check-mx", "--dns-server", dns.address, "--format", "json")
        XCTAssertEqual(run.status, 1, run.stderr + run.stdout)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let found = (report["diagnostics"] as? [[String: Any]] ?? []).map { "\($0["line"] ?? "-") \($0["severity"] ?? "") \($0["code"] ?? "")" }
        XCTAssertEqual(found, ["5 error domain-null-mx", "6 error domain-missing", "7 error domain-no-mail-host",
                               "8 warning domain-unchecked", "9 error domain-null-mx"])
        XCTAssertEqual(report["domains_checked"] as? Int, 6)
        // Each domain asked once (good.test: MX, then A and AAAA of its host); void.test twice in the list, once here.
        XCTAssertEqual(dns.questions().filter { $0.hasPrefix("void.test ") }.count, 1)
        XCTAssertEqual(dns.questions().filter { $0.hasPrefix("good.test MX") }.count, 1)

        let text = try gazette("subscribers", "validate", "--check-mx", "--dns-server", dns.address)
        XCTAssertEqual(text.status, 1)
        XCTAssertTrue(text.stderr.contains("subscribers/main.csv:5: error: dee@void.test: void.test accepts no mail"), text.stderr)
        XCTAssertTrue(text.stderr.contains("hint:"), text.stderr)
        XCTAssertTrue(text.stdout.contains("--check-mx: 6 domains"), text.stdout)
    }

    func testDNSServerNeedsCheckMXAndAnAddress() throws {
        XCTAssertEqual(try gazette("subscribers", "validate", "--dns-server", "127.0.0.1:5353").status, 2)
        let bad = try gazette("subscribers", "validate", "--check-mx", "--dns-server", "dns.example.org")
        XCTAssertEqual(bad.status, 2, bad.stderr)
        XCTAssertTrue(bad.stderr.contains("not an IP address"), bad.stderr)
    }
}

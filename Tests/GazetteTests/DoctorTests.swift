// `gazette doctor` against a real DNS server (dns_test_server.py, dnslib) on loopback serving good and broken
// records: every check's pass, warning and failure, and look-ups that time out or answer SERVFAIL.
import Foundation
import GazetteTestSupport
import Mail
import SMTP
import XCTest
@testable import Gazette

final class DoctorTests: XCTestCase {
    /// One RSA-2048 key for the whole class (generating one takes a while), another for "the wrong key".
    nonisolated(unsafe) static var keys: (pem: String, record: String, other: String, small: String)?

    static func testKeys() throws -> (pem: String, record: String, other: String, small: String) {
        if let keys { return keys }
        let pem = try DoctorRecordTests.rsaKey(bits: 2048)
        let other = try SigningKey(pem: DoctorRecordTests.rsaKey(bits: 2048), source: "other").dnsRecord()
        let smallPEM = try DoctorRecordTests.rsaKey(bits: 1024)
        let smallDER = try PythonTools.runTool("openssl", arguments: ["pkey", "-pubout", "-outform", "DER"], stdin: Data(smallPEM.utf8))
        let small = "v=DKIM1; k=rsa; p=" + Base64.encode(Array(smallDER.stdout))
        let made = (pem, try SigningKey(pem: pem, source: "test").dnsRecord(), other, small)
        keys = made
        return made
    }

    /// A TXT record cut into 255-byte character-strings, as DNS providers publish long DKIM keys.
    static func txt(_ name: String, _ value: String) -> TestDNSServer.Record {
        var strings: [String] = [], rest = Substring(value)
        while !rest.isEmpty {
            strings.append(String(rest.prefix(255)))
            rest = rest.dropFirst(255)
        }
        return .txt(name, strings)
    }

    /// A domain that does everything right, sending through relay.good.test (127.0.0.10).
    static func goodDomain(_ domain: String, spf: String? = "v=spf1 ip4:127.0.0.10 -all", dkim: String?,
                           dmarc: String? = "v=DMARC1; p=quarantine; rua=mailto:dmarc@good.test",
                           mx: String? = "10 mx.good.test") -> [TestDNSServer.Record] {
        var records: [TestDNSServer.Record] = [txt(domain, "google-site-verification=abc123")]
        if let spf { records.append(txt(domain, spf)) }
        if let dkim { records.append(txt("gazette._domainkey.\(domain)", dkim)) }
        if let dmarc { records.append(txt("_dmarc.\(domain)", dmarc)) }
        if let mx { records.append(.init(domain, "MX", mx)) }
        return records
    }

    var server: TestDNSServer!

    override func setUpWithError() throws {
        let keys = try Self.testKeys()
        var records: [TestDNSServer.Record] = [
            .init("relay.good.test", "A", "127.0.0.10"),
            .init("mx.good.test", "A", "127.0.0.20"),
            .init("5.113.0.203.in-addr.arpa", "PTR", "mta.direct.test"),
            .init("mta.direct.test", "A", "203.0.113.5"),
        ]
        records += Self.goodDomain("good.test", dkim: keys.record)
        records += Self.goodDomain("nospf.test", spf: nil, dkim: keys.record)
        records += Self.goodDomain("badspf.test", spf: "v=spf1 ip4:127.0.0.10/33 -all", dkim: keys.record)
        let includes = (1...11).map { "include:i\($0).good.test" }.joined(separator: " ")
        records += Self.goodDomain("lookups.test", spf: "v=spf1 \(includes) ip4:127.0.0.10 -all", dkim: keys.record)
        for index in 1...11 { records.append(Self.txt("i\(index).good.test", "v=spf1 ip4:192.0.2.\(index) -all")) }
        records += Self.goodDomain("otherip.test", spf: "v=spf1 ip4:127.0.0.99 -all", dkim: keys.record)
        records += Self.goodDomain("included.test", spf: "v=spf1 include:_spf.relay.good.test ~all", dkim: keys.record)
        records.append(Self.txt("_spf.relay.good.test", "v=spf1 ip4:127.0.0.0/24 -all"))
        records += Self.goodDomain("nodkim.test", dkim: nil)
        records += Self.goodDomain("wrongkey.test", dkim: keys.other)
        records += Self.goodDomain("small.test", dkim: keys.small)
        records += Self.goodDomain("revoked.test", dkim: "v=DKIM1; k=rsa; p=")
        records += Self.goodDomain("nodmarc.test", dkim: keys.record, dmarc: nil)
        records += Self.goodDomain("pnone.test", dkim: keys.record, dmarc: "v=DMARC1; p=none")
        records += Self.goodDomain("misaligned.test", dkim: nil)
        records += Self.goodDomain("other.test", dkim: keys.record)
        records += Self.goodDomain("nullmx.test", dkim: keys.record, mx: "0 .")
        records += Self.goodDomain("direct.test", spf: "v=spf1 ip4:203.0.113.5 -all", dkim: keys.record)
        records += Self.goodDomain("timeout.test", dkim: keys.record)
        records += Self.goodDomain("servfail.test", dkim: keys.record)
        records += Self.goodDomain("news.sub.test", dkim: keys.record, dmarc: nil)
        records.append(Self.txt("_dmarc.sub.test", "v=DMARC1; p=reject; sp=quarantine"))
        server = try TestDNSServer.start(records: records, faults: [.servfail: ["servfail.test"], .timeout: ["timeout.test"]])
        addTeardownBlock { [server] in server?.stop() }
    }

    /// Runs the doctor for news@`domain` with the test key configured.
    func doctor(_ domain: String, dkimDomain: String? = nil, returnPath: String? = nil, via: String = "smtps://relay.good.test",
                key: Bool = true, dkimBlock: Bool = true, unsubscribe: String = "https://good.test/unsubscribe",
                outgoing: String? = nil, extra: String = "") throws -> DoctorReport {
        var yaml = """
        name: Test
        base_url: https://\(domain)/
        sender: { name: Test, address: news@\(domain) }
        unsubscribe: { url: "\(unsubscribe)" }
        delivery: { via: "\(via)"\(returnPath.map { ", return_path: \"\($0)\"" } ?? "") }

        """
        if dkimBlock { yaml += "dkim: { domain: \(dkimDomain ?? domain), selector: gazette }\n" }
        yaml += extra
        let configuration = try Configuration(yaml: yaml)
        let environment = key ? ["GAZETTE_DKIM_KEY": try Self.testKeys().pem] : [:]
        let resolver = DNSResolver(server: DNSServer(host: server.host, port: server.port), timeout: 0.5, attempts: 1)
        let doctor = Doctor(configuration: configuration, environment: environment, lookups: resolver,
                            outgoingAddress: { _ in outgoing }, hostName: "mta.direct.test")
        return doctor.run()
    }

    func finding(_ report: DoctorReport, _ check: String, file: StaticString = #filePath, line: UInt = #line) throws -> DoctorFinding {
        try XCTUnwrap(report.findings.first { $0.check == check }, "no \(check) in \(report.findings.map(\.check))", file: file, line: line)
    }

    func testGoodDomainPassesEverything() throws {
        let report = try doctor("good.test")
        for finding in report.findings {
            XCTAssertEqual(finding.status, .pass, "\(finding.check): \(finding.message) \(finding.fix ?? "")")
        }
        XCTAssertEqual(Set(report.findings.map(\.check)), [
            "spf", "spf-lookups", "spf-authorised", "dkim", "dkim-record", "dkim-key-size", "dkim-key", "dmarc", "dmarc-alignment",
            "mx", "bulk-authentication", "bulk-dmarc", "bulk-alignment", "bulk-one-click", "bulk-tls",
        ])
        XCTAssertTrue(try finding(report, "spf-authorised").message.contains("127.0.0.10: pass (`ip4:127.0.0.10` in the record of good.test)"))
        XCTAssertTrue(try finding(report, "dkim-record").message.contains("2048-bit rsa"))
    }

    func testSPFThroughAnIncludeNamesTheMechanismInside() throws {
        let report = try doctor("included.test")
        let authorised = try finding(report, "spf-authorised")
        XCTAssertEqual(authorised.status, .pass)
        XCTAssertTrue(authorised.message.contains("`include:_spf.relay.good.test` in the record of included.test, where `ip4:127.0.0.0/24`"),
                      authorised.message)
        XCTAssertTrue(try finding(report, "spf-lookups").message.hasPrefix("1 DNS-querying term"))
    }

    func testMissingSPFFailsWithARecordToPublish() throws {
        let spf = try finding(doctor("nospf.test"), "spf")
        XCTAssertEqual(spf.status, .fail)
        XCTAssertEqual(spf.record, DoctorFinding.Record(name: "nospf.test", type: "TXT", value: "v=spf1 ip4:127.0.0.10 ~all"))
    }

    func testSPFSyntaxErrorNamesTheTerm() throws {
        let spf = try finding(doctor("badspf.test"), "spf")
        XCTAssertEqual(spf.status, .fail)
        XCTAssertTrue(spf.message.contains("`ip4:127.0.0.10/33`: prefix length \"/33\" must be 0 to 32"), spf.message)
    }

    func testElevenLookupsFail() throws {
        let report = try doctor("lookups.test")
        let lookups = try finding(report, "spf-lookups")
        XCTAssertEqual(lookups.status, .fail)
        XCTAssertTrue(lookups.message.hasPrefix("11 DNS-querying terms (limit 10)"), lookups.message)
        let authorised = try finding(report, "spf-authorised")
        XCTAssertEqual(authorised.status, .fail)
        XCTAssertTrue(authorised.message.contains("permerror (more than 10 DNS look-ups"), authorised.message)
    }

    func testSPFThatDoesNotAuthoriseTheRelay() throws {
        let authorised = try finding(doctor("otherip.test"), "spf-authorised")
        XCTAssertEqual(authorised.status, .fail)
        XCTAssertTrue(authorised.message.contains("127.0.0.10: fail (`-all` in the record of otherip.test)"), authorised.message)
        XCTAssertEqual(authorised.record?.value, "v=spf1 ip4:127.0.0.10 ip4:127.0.0.99 -all")
    }

    func testMissingDKIMRecordGivesTheRecordOfTheConfiguredKey() throws {
        let report = try doctor("nodkim.test")
        let record = try finding(report, "dkim-record")
        XCTAssertEqual(record.status, .fail)
        XCTAssertEqual(record.record, DoctorFinding.Record(name: "gazette._domainkey.nodkim.test", type: "TXT", value: try Self.testKeys().record))
        XCTAssertEqual(try finding(report, "bulk-authentication").status, .fail)
    }

    func testDKIMKeyMismatch() throws {
        let key = try finding(doctor("wrongkey.test"), "dkim-key")
        XCTAssertEqual(key.status, .fail)
        XCTAssertTrue(key.message.contains("not the public half"), key.message)
        XCTAssertEqual(key.record?.value, try Self.testKeys().record)
    }

    func testSmallAndRevokedDKIMKeys() throws {
        let small = try doctor("small.test")
        XCTAssertEqual(try finding(small, "dkim-key-size").status, .warn)
        XCTAssertTrue(try finding(small, "dkim-key-size").message.contains("1024 bits"))
        let revoked = try finding(doctor("revoked.test"), "dkim-record")
        XCTAssertEqual(revoked.status, .fail)
        XCTAssertTrue(revoked.message.contains("revoked"), revoked.message)
    }

    func testDKIMKeyWithoutBlockAndBlockWithoutKey() throws {
        let unsigned = try finding(doctor("good.test", dkimBlock: false), "dkim")
        XCTAssertEqual(unsigned.status, .fail)
        XCTAssertTrue(unsigned.message.contains("has no `dkim:` block"), unsigned.message)
        XCTAssertEqual(unsigned.record?.name, "gazette._domainkey.good.test")
        let keyless = try doctor("good.test", key: false)
        XCTAssertEqual(try finding(keyless, "dkim").status, .fail)
        XCTAssertTrue(try finding(keyless, "dkim").message.contains("neither GAZETTE_DKIM_KEY nor GAZETTE_DKIM_KEY_FILE"))
        XCTAssertEqual(try finding(keyless, "dkim-record").status, .pass, "the published record is still checked")
        XCTAssertNil(keyless.findings.first { $0.check == "dkim-key" })
        let neither = try finding(doctor("good.test", key: false, dkimBlock: false), "dkim")
        XCTAssertTrue(neither.message.contains("DKIM is not configured"), neither.message)
    }

    func testDMARCMissingNoneAndOrganizationalFallback() throws {
        let missing = try doctor("nodmarc.test")
        XCTAssertEqual(try finding(missing, "dmarc").status, .fail)
        XCTAssertEqual(try finding(missing, "dmarc").record?.value, "v=DMARC1; p=none; rua=mailto:dmarc-reports@nodmarc.test")
        XCTAssertEqual(try finding(missing, "bulk-dmarc").status, .fail)
        let none = try doctor("pnone.test")
        XCTAssertEqual(try finding(none, "dmarc").status, .warn)
        XCTAssertEqual(try finding(none, "dmarc").record?.value, "v=DMARC1; p=quarantine")
        XCTAssertEqual(try finding(none, "bulk-dmarc").status, .pass)
        let subdomain = try finding(doctor("news.sub.test"), "dmarc")
        XCTAssertEqual(subdomain.subject, "_dmarc.sub.test")
        XCTAssertTrue(subdomain.message.contains("policy quarantine (sp= for subdomains"), subdomain.message)
    }

    func testMisalignedFromFailsDMARC() throws {
        let report = try doctor("misaligned.test", dkimDomain: "other.test", returnPath: "bounces@other.test")
        XCTAssertEqual(try finding(report, "dkim-key").status, .pass)
        let alignment = try finding(report, "dmarc-alignment")
        XCTAssertEqual(alignment.status, .fail)
        XCTAssertTrue(alignment.message.contains("return path other.test not aligned"), alignment.message)
        XCTAssertTrue(alignment.message.contains("d=other.test not aligned"), alignment.message)
        XCTAssertEqual(try finding(report, "bulk-alignment").status, .fail)
        // The return-path domain gets its own SPF and MX lines.
        XCTAssertTrue(report.findings.contains { $0.check == "spf-authorised" && $0.subject == "other.test" && $0.status == .pass })
        XCTAssertTrue(report.findings.contains { $0.check == "mx" && $0.subject == "other.test" })
    }

    func testNullMXWarns() throws {
        let mx = try finding(doctor("nullmx.test"), "mx")
        XCTAssertEqual(mx.status, .warn)
        XCTAssertTrue(mx.message.contains("null MX"), mx.message)
    }

    func testServerFailureAndTimeoutAreNeverAPass() throws {
        for domain in ["servfail.test", "timeout.test"] {
            let started = Date()
            let report = try doctor(domain)
            XCTAssertLessThan(Date().timeIntervalSince(started), 20)
            let spf = try finding(report, "spf")
            XCTAssertEqual(spf.status, .unchecked, "\(domain): \(spf.message)")
            XCTAssertTrue(spf.message.hasPrefix("could not check: "), spf.message)
            XCTAssertEqual(try finding(report, "mx").status, .unchecked)
            XCTAssertEqual(try finding(report, "bulk-authentication").status, .unchecked, "unknown, not a false failure")
            XCTAssertGreaterThan(report.unchecked, 0)
        }
    }

    func testRelayTLSAndOneClick() throws {
        let report = try doctor("good.test", via: "smtp://relay.good.test:2525?tls=none", unsubscribe: "http://good.test/u")
        XCTAssertEqual(try finding(report, "bulk-tls").status, .fail)
        XCTAssertEqual(try finding(report, "bulk-one-click").status, .fail)
        XCTAssertEqual(try finding(doctor("good.test", via: "smtp://relay.good.test"), "bulk-tls").status, .pass)
    }

    func testDirectDeliveryChecksReverseDNSAndEHLO() throws {
        let report = try doctor("direct.test", via: "direct", outgoing: "203.0.113.5")
        XCTAssertEqual(try finding(report, "spf-authorised").status, .pass)
        XCTAssertEqual(try finding(report, "bulk-ptr").status, .pass)
        XCTAssertEqual(try finding(report, "ehlo").status, .pass)
        let otherName = try doctor("direct.test", via: "direct", outgoing: "203.0.113.5", extra: "direct: { helo: mail.elsewhere.test }\n")
        XCTAssertEqual(try finding(otherName, "ehlo").status, .warn)
        let noPTR = try doctor("direct.test", via: "direct", outgoing: "203.0.113.77")
        XCTAssertEqual(try finding(noPTR, "bulk-ptr").status, .fail)
        let natted = try doctor("direct.test", via: "direct", outgoing: "192.168.1.20")
        XCTAssertEqual(try finding(natted, "spf-authorised").status, .warn)
        XCTAssertTrue(try finding(natted, "spf-authorised").message.contains("private"))
    }

    /// A project on good.test with its DKIM key in a file, `delivery` as given; the environment that names the key.
    func goodProject(delivery: String) throws -> (TemporaryDirectory, [String: String]) {
        let project = try TemporaryDirectory("doctor")
        addTeardownBlock { project.remove() }
        let keyFile = try project.write(try Self.testKeys().pem, to: "dkim.pem")
        try project.write("""
        name: Test
        base_url: https://good.test/
        sender: { name: Test, address: news@good.test }
        unsubscribe: { url: "https://good.test/unsubscribe" }
        \(delivery)
        dkim: { domain: good.test, selector: gazette }

        """, to: "gazette.yml")
        return (project, ["GAZETTE_DKIM_KEY_FILE": keyFile.path])
    }

    func testBinaryPrintsJSONAndExitCodes() throws {
        let (project, environment) = try goodProject(delivery: #"delivery: { via: "smtps://relay.good.test" }"#)
        let good = try GazetteBinary.run(["doctor", "--format", "json", "--dns-server", server.address, "--timeout", "1"],
                                         in: project.url, environment: environment)
        XCTAssertEqual(good.status, 0, good.stdout + good.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(good.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(json["ok"] as? Bool, true)
        XCTAssertEqual(json["from_domain"] as? String, "good.test")
        let findings = try XCTUnwrap(json["findings"] as? [[String: Any]])
        XCTAssertEqual(findings.count, 15)
        XCTAssertTrue(findings.allSatisfy { $0["status"] as? String == "pass" })

        let text = try GazetteBinary.run(["doctor", "--dns-server", server.address], in: project.url)
        XCTAssertEqual(text.status, 1, text.stdout + text.stderr)
        XCTAssertTrue(text.stdout.contains("FAIL  dkim good.test: gazette.yml has `dkim: { domain: good.test, selector: gazette }` but neither"), text.stdout)
        XCTAssertFalse(text.stdout.contains("\u{1B}["), "no colour when NO_COLOR is set and stdout is a pipe")

        let yaml = try String(contentsOf: project.url.appendingPathComponent("gazette.yml"), encoding: .utf8)
        try project.write(yaml.replacingOccurrences(of: "news@good.test", with: "news@servfail.test")
            .replacingOccurrences(of: "domain: good.test", with: "domain: servfail.test"), to: "gazette.yml")
        let servfail = try GazetteBinary.run(["doctor", "--format", "json", "--dns-server", server.address, "--timeout", "1"],
                                             in: project.url, environment: environment)
        XCTAssertEqual(servfail.status, 75, "a failed look-up and nothing else: run again\n" + servfail.stdout + servfail.stderr)
        XCTAssertTrue(servfail.stdout.contains("\"could-not-check\""), servfail.stdout)

        let unreachable = try GazetteBinary.run(["doctor", "--format", "json", "--dns-server", "servfail.invalid:53"], in: project.url, environment: environment)
        XCTAssertEqual(unreachable.status, 2, unreachable.stdout + unreachable.stderr)
        let usage = try GazetteBinary.run(["doctor", "--timeout", "0"], in: project.url)
        XCTAssertEqual(usage.status, 2, usage.stderr)
    }

    /// A chain is checked one delivery at a time: the first by default, another with --via; the output says which.
    func testAChainIsCheckedOneDeliveryAtATime() throws {
        let (project, environment) = try goodProject(delivery: #"delivery: { via: [main, direct], transports: { main: "smtps://relay.good.test" } }"#)
        func doctor(_ extra: [String]) throws -> GazetteBinary.Run {
            try GazetteBinary.run(["doctor", "--dns-server", server.address, "--timeout", "1"] + extra,
                                  in: project.url, environment: environment)
        }
        let first = try doctor(["--format", "json"])
        XCTAssertEqual(first.status, 0, "the first delivery is the good relay: " + first.stdout + first.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(json["delivery"] as? String, "main")
        XCTAssertEqual(json["other_deliveries"] as? [String], ["direct"])
        let text = try doctor([])
        XCTAssertTrue(text.stdout.contains("Delivery checked: main, the first of the chain; check the others with `gazette doctor --via direct`"),
                      text.stdout)

        let second = try doctor(["--format", "json", "--via", "direct"])
        let secondJSON = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(second.stdout.utf8)) as? [String: Any], second.stderr)
        XCTAssertEqual(secondJSON["delivery"] as? String, "direct")
        XCTAssertEqual(secondJSON["other_deliveries"] as? [String], [])
        let findings = try XCTUnwrap(secondJSON["findings"] as? [[String: Any]])
        XCTAssertTrue(findings.contains { ($0["check"] as? String)?.hasPrefix("bulk-ptr") == true || ($0["check"] as? String) == "direct-ptr"
                          || ($0["message"] as? String)?.contains("direct") == true },
                      "direct delivery's own checks run: \(findings.map { $0["check"] ?? "" })")

        let unknown = try doctor(["--via", "nope"])
        XCTAssertEqual(unknown.status, 2, unknown.stdout + unknown.stderr)
        XCTAssertTrue(unknown.stderr.contains("--via nope"), unknown.stderr)
    }
}

final class DoctorConfigurationTests: XCTestCase {
    func testReadsTheDeliveryRoute() throws {
        func route(_ settings: String) throws -> Doctor.Route {
            try Doctor.route(Configuration(yaml: "name: T\nbase_url: https://example.org/\nsender: { address: a@example.org }\n" + settings))
        }
        guard case .relay(let relay) = try route("delivery: { via: \"smtps://news@smtp.example.org\", helo: mta.example.org }") else {
            return XCTFail("not a relay")
        }
        XCTAssertEqual(relay.host, "smtp.example.org")
        XCTAssertEqual(relay.heloName, "mta.example.org")
        guard case .direct(let helo) = try route("delivery: { via: direct }\ndirect: { helo: mx1.example.org }") else { return XCTFail("not direct") }
        XCTAssertEqual(helo, "mx1.example.org")
        guard case .outbox = try route("delivery: { via: \"outbox:outbox\" }") else { return XCTFail("not an outbox") }
        guard case .unknown = try route("delivery: { via: \"carrier-pigeon://coop\" }") else { return XCTFail("not unknown") }
    }

    func testABadSenderAddressIsOneFailureNotACrash() throws {
        let configuration = try Configuration(yaml: """
        name: Test
        base_url: https://example.org/
        sender: { address: "not an address" }
        """)
        struct NoDNS: DoctorLookups {
            func txt(_ name: String) throws -> DNSAnswer<[String]> { throw DNSFailure.timeout(name) }
            func mx(_ domain: String) throws -> DNSAnswer<[MXRecord]> { throw DNSFailure.timeout(domain) }
            func addresses(_ host: String) throws -> DNSAnswer<[String]> { throw DNSFailure.timeout(host) }
            func ptr(_ address: String) throws -> DNSAnswer<[String]> { throw DNSFailure.timeout(address) }
        }
        let report = Doctor(configuration: configuration, environment: [:], lookups: NoDNS(), outgoingAddress: { _ in nil },
                            hostName: nil).run()
        XCTAssertEqual(report.findings.map(\.check), ["sender"])
        XCTAssertEqual(report.failures, 1)
    }
}

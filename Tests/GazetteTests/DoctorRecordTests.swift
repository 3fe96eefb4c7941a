// The doctor's parsers on record shapes seen in the wild: SPF (Google Workspace, Microsoft 365, Mailchimp,
// macros, typos), DMARC (policies, reports, strict alignment) and DKIM key records; plus organizational domains.
import GazetteTestSupport
import Mail
import XCTest
@testable import Gazette

final class DoctorRecordTests: XCTestCase {
    func testParsesRealWorldSPFRecords() throws {
        let google = try SPFRecord("v=spf1 include:_spf.google.com ~all")
        XCTAssertEqual(google.directives.map(\.text), ["include:_spf.google.com", "~all"])
        XCTAssertEqual(google.directives.last?.qualifier, .softfail)
        XCTAssertEqual(google.lookupTerms, 1)

        let microsoft = try SPFRecord("v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 include:spf.protection.outlook.com -all")
        XCTAssertEqual(microsoft.directives[0].mechanism, .ip4(IPAddress("192.0.2.0")!, prefix: 24))
        XCTAssertEqual(microsoft.directives[1].mechanism, .ip6(IPAddress("2001:db8::")!, prefix: 32))
        XCTAssertEqual(microsoft.directives[3].qualifier, .fail)

        let dual = try SPFRecord("v=spf1 a mx:mail.example.org/24//64 a:relay.example.net/28 ?ptr exists:%{i}._spf.example.org redirect=_spf.example.net")
        XCTAssertEqual(dual.directives[0].mechanism, .a(nil, ipv4Prefix: 32, ipv6Prefix: 128))
        XCTAssertEqual(dual.directives[1].mechanism, .mx("mail.example.org", ipv4Prefix: 24, ipv6Prefix: 64))
        XCTAssertEqual(dual.directives[2].mechanism, .a("relay.example.net", ipv4Prefix: 28, ipv6Prefix: 128))
        XCTAssertEqual(dual.directives[3].qualifier, .neutral)
        XCTAssertEqual(dual.redirect, "_spf.example.net")
        XCTAssertEqual(dual.lookupTerms, 6)

        // Case does not matter, unknown modifiers are ignored, extra spaces are fine.
        let odd = try SPFRecord("V=SPF1  IP4:203.0.113.7   Include:servers.mcsv.net  foo=bar  exp=explain.%{d}  -ALL")
        XCTAssertEqual(odd.directives.count, 3)
        XCTAssertEqual(odd.explanation, "explain.%{d}")
        XCTAssertTrue(SPFRecord.isSPF("v=spf1"))
        XCTAssertFalse(SPFRecord.isSPF("v=spf10 -all"))
        XCTAssertFalse(SPFRecord.isSPF("google-site-verification=abc"))
    }

    func testReportsSPFSyntaxErrorsWithTheTerm() {
        let cases: [(String, String)] = [
            ("v=spf1 ip4:192.0.2.1/33 -all", "ip4:192.0.2.1/33"),
            ("v=spf1 ip4:192.0.2 -all", "ip4:192.0.2"),
            ("v=spf1 ipv4:192.0.2.1 -all", "ipv4:192.0.2.1"),
            ("v=spf1 include: _spf.google.com ~all", "include:"),
            ("v=spf1 includes:_spf.google.com ~all", "includes:_spf.google.com"),
            ("v=spf1 ip6:192.0.2.1 -all", "ip6:192.0.2.1"),
            ("v=spf1 a:example -all", "a:example"),
            ("v=spf1 exists:%{z}.example.org -all", "exists:%{z}.example.org"),
            ("v=spf1 redirect=a.example redirect=b.example", "redirect=b.example"),
            ("v=spf1 all:foo", "all:foo"),
            ("v=spf1 mx/024 -all", "mx/024"),
        ]
        for (text, term) in cases {
            XCTAssertThrowsError(try SPFRecord(text), text) { error in
                XCTAssertEqual((error as? SPFRecord.SyntaxError)?.term, term, text)
            }
        }
        XCTAssertEqual((try? SPFRecord("v=spf1 ipv4:192.0.2.1"))?.text, nil)
        do {
            _ = try SPFRecord("v=spf1 ipv4:192.0.2.1 -all")
        } catch {
            XCTAssertTrue("\(error)".contains("did you mean ip4?"), "\(error)")
        }
    }

    func testExpandsMacros() throws {
        let context = SPFMacro.Context(sender: "strong-bad@email.example.com", domain: "email.example.com",
                                       address: IPAddress("192.0.2.3")!, helo: "mx.example.org")
        // RFC 7208 §7.4's own examples.
        XCTAssertEqual(try SPFMacro.expand("%{s}", context: context, term: ""), "strong-bad@email.example.com")
        XCTAssertEqual(try SPFMacro.expand("%{d4}", context: context, term: ""), "email.example.com")
        XCTAssertEqual(try SPFMacro.expand("%{d2}", context: context, term: ""), "example.com")
        XCTAssertEqual(try SPFMacro.expand("%{dr}", context: context, term: ""), "com.example.email")
        XCTAssertEqual(try SPFMacro.expand("%{l-}", context: context, term: ""), "strong.bad")
        XCTAssertEqual(try SPFMacro.expand("%{lr-}", context: context, term: ""), "bad.strong")
        XCTAssertEqual(try SPFMacro.expand("%{ir}.%{v}._spf.%{d2}", context: context, term: ""), "3.2.0.192.in-addr._spf.example.com")
        let six = SPFMacro.Context(sender: "a@b.example", domain: "b.example", address: IPAddress("2001:db8::cb01")!, helo: "h")
        XCTAssertEqual(try SPFMacro.expand("%{ir}.%{v}._spf.%{d2}", context: six, term: ""),
                       "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.b.example")
        XCTAssertThrowsError(try SPFMacro.expand("%{d0}", context: context, term: ""))
        XCTAssertThrowsError(try SPFMacro.expand("100%", context: context, term: ""))
    }

    func testMatchesCIDRRanges() {
        let address = IPAddress("192.0.2.77")!
        XCTAssertTrue(address.isIn(IPAddress("192.0.2.0")!, prefix: 24))
        XCTAssertTrue(address.isIn(IPAddress("192.0.2.64")!, prefix: 26))
        XCTAssertFalse(address.isIn(IPAddress("192.0.2.0")!, prefix: 26))
        XCTAssertTrue(address.isIn(IPAddress("0.0.0.0")!, prefix: 0))
        XCTAssertTrue(IPAddress("::ffff:192.0.2.77")!.isIn(IPAddress("192.0.2.0")!, prefix: 24))
        XCTAssertFalse(IPAddress("2001:db8::1")!.isIn(IPAddress("192.0.2.0")!, prefix: 0))
        XCTAssertTrue(IPAddress("2001:db8:1::5")!.isIn(IPAddress("2001:db8::")!, prefix: 32))
        XCTAssertEqual(IPAddress("192.0.2.77")!.reverseName, "77.2.0.192.in-addr.arpa")
        XCTAssertTrue(IPAddress("10.1.2.3")!.isPrivate)
        XCTAssertTrue(IPAddress("100.64.0.1")!.isPrivate)
        XCTAssertFalse(IPAddress("203.0.113.9")!.isPrivate)
    }

    func testParsesDMARCRecords() throws {
        let basic = try DMARCRecord("v=DMARC1; p=none; rua=mailto:dmarc@example.org")
        XCTAssertEqual(basic.policy, DMARCRecord.Policy.none)
        XCTAssertEqual(basic.subdomainPolicy, DMARCRecord.Policy.none)
        XCTAssertEqual(basic.percent, 100)
        XCTAssertEqual(basic.aggregateReports, ["mailto:dmarc@example.org"])
        XCTAssertEqual(basic.dkimAlignment, .relaxed)

        let strict = try DMARCRecord("v=DMARC1;p=reject;sp=quarantine;pct=25;adkim=s;aspf=s;rua=mailto:a@example.org,mailto:b@example.net!10m;fo=1")
        XCTAssertEqual(strict.policy, .reject)
        XCTAssertEqual(strict.subdomainPolicy, .quarantine)
        XCTAssertEqual(strict.percent, 25)
        XCTAssertEqual(strict.spfAlignment, .strict)
        XCTAssertEqual(strict.aggregateReports.count, 2)

        XCTAssertTrue(DMARCRecord.isDMARC("v=DMARC1; p=none"))
        XCTAssertTrue(DMARCRecord.isDMARC("v=DMARC1;p=none"))
        XCTAssertFalse(DMARCRecord.isDMARC("v=spf1 -all"))
        for broken in ["v=DMARC1; p=block", "v=DMARC1; rua=mailto:a@example.org", "p=none; v=DMARC1",
                       "v=DMARC1; p=none; pct=150", "v=DMARC1; p=none; adkim=x", "v=DMARC1; p=none; p=reject",
                       "v=DMARC1; p=none; rua=dmarc@example.org"] {
            XCTAssertThrowsError(try DMARCRecord(broken), broken)
        }
        XCTAssertEqual("v=DMARC1; p=none; rua=mailto:d@example.org".replacingPolicy(with: "quarantine"),
                       "v=DMARC1; p=quarantine; rua=mailto:d@example.org")
    }

    func testFindsOrganizationalDomains() {
        XCTAssertEqual(OrganizationalDomain.of("news.example.org"), "example.org")
        XCTAssertEqual(OrganizationalDomain.of("example.org"), "example.org")
        XCTAssertEqual(OrganizationalDomain.of("a.b.example.co.uk"), "example.co.uk")
        XCTAssertEqual(OrganizationalDomain.of("shop.example.com.au"), "example.com.au")
        XCTAssertTrue(OrganizationalDomain.aligned("bounces.example.org", "news.example.org", strict: false))
        XCTAssertFalse(OrganizationalDomain.aligned("bounces.example.org", "news.example.org", strict: true))
        XCTAssertFalse(OrganizationalDomain.aligned("example.co.uk", "other.co.uk", strict: false))
    }

    func testParsesDKIMKeyRecordsAndComparesKeys() throws {
        let key = try SigningKey(pem: Self.rsaKey(bits: 2048), source: "test")
        let published = try DKIMKeyRecord(key.dnsRecord())
        XCTAssertEqual(published.keyType, "rsa")
        let publicKey = try published.publicKey()
        XCTAssertEqual(publicKey.bits, 2048)
        XCTAssertTrue(publicKey.matches(key))
        let other = try SigningKey(pem: Self.rsaKey(bits: 2048), source: "other")
        XCTAssertFalse(publicKey.matches(other))

        // The shapes providers publish: no v=, spaces inside p= (split strings joined), t=y, h=sha256.
        let base64 = try key.dnsRecord().components(separatedBy: "p=")[1]
        let split = "k=rsa; t=y; h=sha256; p=" + base64.prefix(100) + " " + base64.dropFirst(100)
        let spaced = try DKIMKeyRecord(split)
        XCTAssertTrue(spaced.testing)
        XCTAssertTrue(try spaced.publicKey().matches(key))
        XCTAssertTrue(try DKIMKeyRecord("v=DKIM1; p=").isRevoked)

        let ed = try SigningKey(pem: Self.ed25519Key(), source: "ed")
        let edRecord = try DKIMKeyRecord(ed.dnsRecord())
        XCTAssertEqual(try edRecord.publicKey().type, .ed25519)
        XCTAssertTrue(try edRecord.publicKey().matches(ed))
        XCTAssertFalse(try edRecord.publicKey().matches(key))

        XCTAssertThrowsError(try DKIMKeyRecord("k=rsa; p=MIIB; v=DKIM1"))
        XCTAssertThrowsError(try DKIMKeyRecord("v=DKIM2; p=abc"))
        XCTAssertThrowsError(try DKIMKeyRecord("v=DKIM1; k=rsa"))
        XCTAssertThrowsError(try DKIMKeyRecord("v=DKIM1; k=dsa; p=AAAA").publicKey())
        XCTAssertThrowsError(try DKIMKeyRecord("v=DKIM1; k=rsa; p=AAAAAAAA").publicKey())
        // A 1024-bit published key reads, with its size.
        let small = try PythonTools.runTool("openssl", arguments: ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"])
        let smallPublic = try PythonTools.runTool("openssl", arguments: ["pkey", "-pubout", "-outform", "DER"], stdin: small.stdout)
        XCTAssertEqual(try DKIMPublicKey(type: .rsa, data: Array(smallPublic.stdout)).bits, 1024)
    }

    static func rsaKey(bits: Int) throws -> String {
        try PythonTools.runTool("openssl", arguments: ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:\(bits)"]).output
    }

    static func ed25519Key() throws -> String {
        try PythonTools.runTool("openssl", arguments: ["genpkey", "-algorithm", "ed25519"]).output
    }
}

// Punycode against RFC 3492 §7.1 samples and internationalized domains against Python's idna codec.
import Foundation
import GazetteTestSupport
@testable import Mail
import XCTest

final class PunycodeTests: XCTestCase {
    func testRFC3492Samples() {
        let samples: [(String, String)] = [
            ("bücher", "bcher-kva"),
            // (A) Arabic (Egyptian)
            ("\u{0644}\u{064A}\u{0647}\u{0645}\u{0627}\u{0628}\u{062A}\u{0643}\u{0644}\u{0645}\u{0648}\u{0634}"
                + "\u{0639}\u{0631}\u{0628}\u{064A}\u{061F}", "egbpdaj6bu4bxfgehfvwxn"),
            // (B) Chinese (simplified)
            ("\u{4ED6}\u{4EEC}\u{4E3A}\u{4EC0}\u{4E48}\u{4E0D}\u{8BF4}\u{4E2D}\u{6587}", "ihqwcrb4cv8a8dqg056pqjye"),
            // (L) 3<nen>B<gumi><kinpachi><sensei>
            ("3\u{5E74}B\u{7D44}\u{91D1}\u{516B}\u{5148}\u{751F}", "3B-ww4c5e180e575a65lsy2b"),
            // (M) <amuro><namie>-with-SUPER-MONKEYS
            ("\u{5B89}\u{5BA4}\u{5948}\u{7F8E}\u{6075}-with-SUPER-MONKEYS", "-with-SUPER-MONKEYS-pc58ag80a8qai00g7n9n"),
            // (R) <sono><supiido><de>
            ("\u{305D}\u{306E}\u{30B9}\u{30D4}\u{30FC}\u{30C9}\u{3067}", "d9juau41awczczp"),
            ("ascii", "ascii-"),
        ]
        for (input, expected) in samples {
            XCTAssertEqual(Punycode.encode(input), expected, "Punycode of \(input)")
        }
    }

    func testDomainsBecomeALabels() throws {
        XCTAssertEqual(try DomainName.ascii("bücher.example"), "xn--bcher-kva.example")
        XCTAssertEqual(try DomainName.ascii("例え.テスト"), "xn--r8jz45g.xn--zckzah")
        XCTAssertEqual(try DomainName.ascii("Example.ORG"), "example.org")
        XCTAssertEqual(try DomainName.ascii("BÜCHER.example"), "xn--bcher-kva.example", "lower-cased first")
        // NFD input (u + combining diaeresis) is composed before encoding.
        XCTAssertEqual(try DomainName.ascii("bu\u{0308}cher.example"), "xn--bcher-kva.example")
        XCTAssertEqual(try DomainName.ascii("例え。テスト"), "xn--r8jz45g.xn--zckzah", "ideographic full stop")
        XCTAssertEqual(try DomainName.ascii("[192.0.2.1]"), "[192.0.2.1]")
        XCTAssertEqual(try DomainName.ascii("[IPv6:2001:db8::1]"), "[IPv6:2001:db8::1]")
    }

    /// The one-pass path for plain ASCII domains answers as the label-by-label path does, or leaves the domain to it.
    func testThePlainPathAgreesWithTheFullOne() {
        var generator = SplitMix(seed: 9)
        let alphabet = Array("aZ9-.-.".utf8) + [0xC3]
        var plain = 0
        for round in 0..<5_000 {
            var bytes = (0..<Int.random(in: 0..<12, using: &generator)).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }
            if bytes.contains(0xC3) { bytes = bytes.map { $0 == 0xC3 ? UInt8(ascii: "b") : $0 } + Array("ü".utf8) }
            if round % 500 == 0 { bytes = Array(repeating: UInt8(ascii: "a"), count: 60 + round % 7) + Array(".ex".utf8) }
            let domain = String(decoding: bytes, as: UTF8.self)
            let full = try? DomainName.labelByLabel(domain)
            if let fast = DomainName.plainASCII(domain) {
                plain += 1
                XCTAssertEqual(fast, full, domain)
            } else if !domain.unicodeScalars.contains(where: { $0.value >= 0x80 }) {
                XCTAssertNil(full, "\(domain) is valid: the plain path should take it")
            }
        }
        XCTAssertGreaterThan(plain, 200)
    }

    func testDomainsAgreeWithPythonIDNA() throws {
        try PythonTools.require(["encodings.idna"])
        let domains = ["bücher.example", "例え.テスト", "münchen.de", "ελληνικά.example", "правительство.рф",
                       "straße.example", "日本語.jp", "xn--already.example", "mañana.com"]
        let script = "import sys, json\nprint(json.dumps([d.encode('idna').decode() for d in json.load(sys.stdin)]))"
        let output = try PythonTools.output(script, stdin: try JSONEncoder().encode(domains))
        let expected = try JSONDecoder().decode([String].self, from: output)
        for (domain, python) in zip(domains, expected) where domain != "straße.example" {
            XCTAssertEqual(try DomainName.ascii(domain), python, domain)
        }
        // IDNA 2008 keeps ß (Python's codec is IDNA 2003 and maps it to ss).
        XCTAssertEqual(try DomainName.ascii("straße.example"), "xn--strae-oqa.example")
    }

    func testBadDomainsSayWhy() {
        let cases: [(String, String)] = [
            ("a..example", "the domain has an empty label"),
            ("", "the domain is empty"),
            ("example.org.", "the domain ends with a dot"),
            ("-bad.example", "starts with a hyphen"),
            ("bad-.example", "ends with a hyphen"),
            ("exa mple.org", "a space in the domain"),
            ("exa_mple.org", "the character \"_\" in the domain"),
            (String(repeating: "a", count: 64) + ".example", "longer than 63 octets"),
            ("[300.1.1.1]", "is not an IPv4 address"),
            ("[IPv6:zz::1]", "is not an IPv6 address"),
        ]
        for (domain, problem) in cases {
            XCTAssertThrowsError(try DomainName.ascii(domain), domain) { error in
                XCTAssertTrue("\(error)".contains(problem), "\(domain): \(error) should say \(problem)")
            }
        }
    }
}

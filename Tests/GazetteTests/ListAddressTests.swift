// Cleaning addresses for lists, the role and typo warnings, and the bytes ListFileWriter writes.
import Foundation
import Mail
import XCTest
@testable import Gazette

final class ListAddressTests: XCTestCase {
    func testCleaningTrimsLowerCasesTheDomainAndEncodesIDN() throws {
        XCTAssertEqual(try ListAddress.clean("  Zoë@Bücher.Example\t").get(), "Zoë@xn--bcher-kva.example")
        XCTAssertEqual(try ListAddress.clean("\"a b\"@example.org").get(), "\"a b\"@example.org")
        for bad in ["", "plain", "a@", "@example.org", "a..b@example.org", "a@exa mple.org", "a@-x.org"] {
            XCTAssertThrowsError(try ListAddress.clean(bad).get(), bad)
        }
    }

    func testTheASCIIFastPathAgreesWithMailbox() {
        let samples = ["a@b", "A.B@Example.ORG", "a+tag@x-y.example", ".a@x.org", "a.@x.org", "a..b@x.org", "a@x..org",
                       "a@-x.org", "a@x-.org", "a@x.org.", "a@.x.org", "a b@x.org", "a@x_y.org", "\"q\"@x.org", "a@[127.0.0.1]",
                       String(repeating: "l", count: 64) + "@x.org", String(repeating: "l", count: 65) + "@x.org",
                       "a@" + String(repeating: "d", count: 63) + ".org", "a@" + String(repeating: "d", count: 64) + ".org",
                       "!#$%&'*/=?^_`{|}~-@x.org", "a@b@c.org", "a,b@x.org"]
        for sample in samples {
            let slow = try? Mailbox(sample).address
            if let fast = ListAddress.asciiDotAtom(sample) {
                XCTAssertEqual(fast, slow, sample)
            } else if sample.utf8.allSatisfy({ $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "[") }) {
                XCTAssertNil(slow, "the fast path refused what Mailbox takes: \(sample)")
            }
        }
    }

    func testTyposOfBigProvidersButNotRealNeighbours() {
        var lint = ListAddressLint()
        for (domain, fix) in [("gmial.com", "gmail.com"), ("gmai.com", "gmail.com"), ("gmaill.com", "gmail.com"),
                              ("hotmial.com", "hotmail.com"), ("yahooo.com", "yahoo.com"), ("gmail.con", "gmail.com"),
                              ("outlook.cmo", "outlook.com"), ("icloud.comm", "icloud.com")] {
            XCTAssertEqual(lint.typo(of: domain), fix, domain)
        }
        for domain in ["gmail.com", "life.com", "live.com", "gmx.de", "example.org", "mail.com", "email.com"] {
            XCTAssertNil(lint.typo(of: domain), domain)
        }
        let location = SourceLocation(path: "x.csv", line: 3)
        XCTAssertEqual(lint.warnings(for: "Postmaster+x@example.org", at: location).map(\.code), ["address-role"])
        XCTAssertEqual(lint.warnings(for: "ada@example.org", at: location), [])
    }

    func testWriterQuotesOnlyWhatNeedsItAndSortsStably() {
        var table = ListTable(newList: SubscriberList(name: "main", root: URL(fileURLWithPath: "/tmp")), columns: ["email", "note"])
        table.rows = [["email": "b@x.org", "note": " padded"], ["email": "A@x.org", "note": "say \"hi\", then\nleave"],
                      ["email": "a@X.org", "note": "second"], ["email": "c@x.org"]]
        XCTAssertEqual(String(decoding: ListFileWriter.bytes(of: table), as: UTF8.self), """
            email,note
            A@x.org,"say ""hi"", then
            leave"
            a@X.org,second
            b@x.org," padded"
            c@x.org,

            """)
    }
}

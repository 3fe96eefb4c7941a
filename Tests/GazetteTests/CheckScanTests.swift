// The byte-level scans of the checks (postal address search, link hosts) against the String and URL
// operations that define them, on hand-picked and seeded random input.
import XCTest
@testable import Gazette

final class CheckScanTests: XCTestCase {
    /// The definition: `split(whereSeparator: \.isWhitespace)` joined by single spaces, then String's contains.
    private func referenceContains(_ text: String, _ needle: String) -> Bool {
        let collapse = { (text: String) in text.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
        return collapse(text).contains(collapse(needle))
    }

    private func fastContains(_ text: String, _ needle: String) -> Bool {
        let collapsedNeedle = ContentInspector.collapsedWhitespace(needle)
        return Array(text.utf8).withUnsafeBufferPointer { bytes in
            ContentInspector.containsCollapsed(bytes, collapsedNeedle)
                ?? ContentInspector.contains(ContentInspector.collapsedWhitespace(bytes), collapsedNeedle)
        }
    }

    func testPostalAddressSearchCollapsesWhiteSpaceOnBothSides() {
        let cases: [(String, String, Bool)] = [
            ("Lighthouse Project, 12 Quay Street", "Lighthouse Project, 12 Quay Street", true),
            ("Sent by Lighthouse\n   Project,\t12 Quay\u{A0}Street.", "Lighthouse Project, 12 Quay Street", true),
            ("Lighthouse Project,12 Quay Street", "Lighthouse Project, 12 Quay Street", false),
            ("Lighthouse Project, 12 Quay Stree", "Lighthouse Project, 12 Quay Street", false),
            ("LLighthouse Project, 12 Quay Street", "Lighthouse Project, 12 Quay Street", true),
            ("12 Quay Street\u{301}", "12 Quay Street", false),  // the match would end inside a character
            ("12 Quay Street\u{301} and 12 Quay Street", "12 Quay Street", true),
            ("12 Quay\u{2003}\u{2003}Street", "12 Quay Street", true),
            ("", "12 Quay Street", false),
            ("caf\u{E9} 12 Quay Street", "12 Quay Street", true),
        ]
        for (text, needle, expected) in cases {
            XCTAssertEqual(fastContains(text, needle), expected, "\(text.debugDescription) ∋ \(needle.debugDescription)")
            XCTAssertEqual(referenceContains(text, needle), expected, "reference: \(text.debugDescription)")
        }
    }

    func testPostalAddressSearchAgreesWithStringsOnRandomText() {
        let pieces = ["12", "Quay", "Street", ",", " ", "  ", "\n", "\t", "\u{A0}", "\u{2009}", "é", "\u{301}", "Q", "S", "x"]
        var state: UInt64 = 0x5EED_0007
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        for _ in 0..<2_000 {
            let text = (0..<next(14)).map { _ in pieces[next(pieces.count)] }.joined()
            let needle = ["12 Quay Street", "Quay  Street", "Street", "12,Quay"][next(4)]
            XCTAssertEqual(fastContains(text, needle), referenceContains(text, needle), "\(text.debugDescription) ∋ \(needle.debugDescription)")
        }
    }

    func testShortenerHostsAreReadFromTheURLsBytes() {
        let cases: [(String, Bool)] = [
            ("https://bit.ly/3xYz", true), ("https://BIT.LY/3xYz", true), ("https://www.bit.ly/x", true),
            ("https://user:pw@t.co/abc", true), ("https://t.co:443/abc", true), ("https://t.co", true),
            ("https://t.co?x=1", true), ("https://t.co#top", true),
            ("https://github.com/bit.ly", false), ("https://bit.ly.example.org/", false), ("https://example.org/@t.co", false),
            ("https://t.co.evil/", false), ("mailto:someone@t.co", true),  // no "://": left to Foundation's URL
            ("https://b%69t.ly/", true), ("https://[::1]/", true), ("https://bït.ly/", true),  // unusual: URL decides
            ("https://WWW.Bit.Ly/x", true), ("https://www./", false), ("https://wwwbit.ly/", false), ("https://www.www.bit.ly/", false),
        ]
        for (url, expected) in cases {
            XCTAssertEqual(ContentInspector.mayUseShortener(url.utf8), expected, url)
        }
    }
}

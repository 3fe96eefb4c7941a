import XCTest
@testable import Markup

final class HTMLDocumentTests: XCTestCase {
    func testRoundTripKeepsSlotsAndTemplateCodeInAttributes() throws {
        let html = #"<!DOCTYPE html><html><head><title>T</title></head><body><p class="a">Hi&nbsp;<a href="{{unsubscribe_url}} x?a=1&amp;b=2">x &amp; y</a><br><img src="a b.png" alt="A"></p><!--[if mso]><table><![endif]--></body></html>"#
        let document = try HTMLDocument(parsing: html)
        let output = document.serialized()
        XCTAssertEqual(output, #"<!DOCTYPE html>"# + "\n" + #"<html><head><title>T</title></head><body><p class="a">Hi&nbsp;<a href="{{unsubscribe_url}} x?a=1&amp;b=2">x &amp; y</a><br><img src="a b.png" alt="A"></p><!--[if mso]><table><![endif]--></body></html>"# + "\n")
    }

    func testEscapingFindsEveryCharacterAtEveryOffset() throws {
        // The serializer skips eight bytes at a time: each character that needs an entity, at each place in a
        // run longer than that, in text and in an attribute, must still get it (and the others stay as they are).
        for (character, text, attribute) in [("&", "&amp;", "&amp;"), ("<", "&lt;", "<"), (">", "&gt;", ">"),
                                              ("\"", "\"", "&quot;"), ("\u{A0}", "&nbsp;", "&nbsp;"), ("é", "é", "é")] {
            for offset in 0..<18 {
                let before = String(repeating: "a", count: offset), after = String(repeating: "b", count: 17 - offset)
                let document = try HTMLDocument(parsing: "<p></p>")
                let paragraph = try XCTUnwrap(document.allElements.first { $0.name == "p" })
                paragraph.setAttribute("title", before + character + after)
                paragraph.append(document.makeText(before + character + after))
                XCTAssertTrue(document.serialized().contains(
                    "<p title=\"\(before + attribute + after)\">\(before + text + after)</p>"), "\(character) at \(offset)")
            }
        }
    }

    func testParseIssuesCarryLines() throws {
        let document = try HTMLDocument(parsing: "<html><body>\n<p>one\n<div></span></div>\n</body></html>")
        XCTAssertTrue(document.parseIssues.contains { $0.line == 3 }, "\(document.parseIssues)")
    }

    func testXPath() throws {
        let document = try HTMLDocument(parsing: "<p class='x'>a</p><p>b</p>")
        XCTAssertEqual(try document.nodes(matchingXPath: "//p[@class='x']").map(\.textContent), ["a"])
    }

    func testCommonMarkSmartPunctuationAndCode() throws {
        let html = try CommonMark.html(fromMarkdown: "\"Hi\" -- `{{x}}`\n")
        XCTAssertEqual(html, "<p>“Hi” – <code>{{x}}</code></p>\n")
    }

    func testAttributeBytesWithAndWithoutTheirNUL() throws {
        let document = try HTMLDocument(parsing: "<p>x</p>")
        let paragraph = try XCTUnwrap(document.body?.descendants(named: "p").first)
        paragraph.setAttribute("style", nulTerminatedBytes: Array("color: red;".utf8) + [0])
        XCTAssertEqual(paragraph.attribute("style"), "color: red;")
        paragraph.setAttribute("style", nulTerminatedBytes: Array("margin: 0;".utf8))
        XCTAssertEqual(paragraph.attribute("style"), "margin: 0;")
    }

    func testCommonMarkReadsTheWholeText() throws {
        XCTAssertEqual(try CommonMark.html(fromMarkdown: ""), "")
        // A NUL is read as U+FFFD (CommonMark §2.3), and what follows it is rendered too.
        XCTAssertEqual(try CommonMark.html(fromMarkdown: "a\u{0}b *c*"), "<p>a\u{FFFD}b <em>c</em></p>\n")
        XCTAssertEqual(try CommonMark.html(fromMarkdown: "é *ü* 日本"), "<p>é <em>ü</em> 日本</p>\n")
    }
}

// Selector parsing and matching, one test per kind, and specificity per Selectors Level 3.
import XCTest
@testable import Markup

final class SelectorTests: XCTestCase {
    let html = """
    <html><body>
    <div id="main" class="box wide" data-kind="news-letter" lang="en-GB">
      <p class="first">one</p>
      <p title="Hello World">two</p>
      <span></span>
      <p class="last x">three</p>
      <a href="https://example.com/a.pdf">link</a>
    </div>
    <ul><li>1</li><li>2</li><li>3</li><li>4</li><li>5</li></ul>
    </body></html>
    """

    /// The text (or tag name) of the elements a selector matches, in document order.
    func matches(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
        let selector = try XCTUnwrap(Selector(text), "did not parse: \(text)", file: file, line: line)
        let document = try HTMLDocument(parsing: html)
        let matcher = SelectorMatcher(document)
        return (0..<matcher.count).filter { matcher.matches(selector, element: $0) }.map { index in
            let node = HTMLNode(document: document, node: matcher.nodes[index])
            let text = node.textContent.trimmingCharacters(in: .whitespacesAndNewlines)
            return text.isEmpty || node.elementChildren.count > 0 ? node.name : text
        }
    }

    func testTypeUniversalIdClass() throws {
        XCTAssertEqual(try matches("P"), ["one", "two", "three"])
        XCTAssertEqual(try matches("#main"), ["div"])
        XCTAssertEqual(try matches(".box.wide"), ["div"])
        XCTAssertEqual(try matches("div#main.box"), ["div"])
        XCTAssertEqual(try matches("p.x.last"), ["three"])
        XCTAssertEqual(try matches("ul *").count, 5)
        XCTAssertEqual(try matches(".nope"), [])
    }

    func testAttributeOperators() throws {
        XCTAssertEqual(try matches("[title]"), ["two"])
        XCTAssertEqual(try matches("[title='Hello World']"), ["two"])
        XCTAssertEqual(try matches("[title=\"hello world\" i]"), ["two"])
        XCTAssertEqual(try matches("[title~=World]"), ["two"])
        XCTAssertEqual(try matches("[lang|=en]"), ["div"])
        XCTAssertEqual(try matches("[href^='https:']"), ["link"])
        XCTAssertEqual(try matches("[href$=\".pdf\"]"), ["link"])
        XCTAssertEqual(try matches("[data-kind*=letter]"), ["div"])
        XCTAssertEqual(try matches("[data-kind*='']"), [])
    }

    func testCombinators() throws {
        XCTAssertEqual(try matches("body p"), ["one", "two", "three"])
        XCTAssertEqual(try matches("div > .first"), ["one"])
        XCTAssertEqual(try matches("body > p"), [])
        XCTAssertEqual(try matches(".first + p"), ["two"])
        XCTAssertEqual(try matches(".first ~ p"), ["two", "three"])
        XCTAssertEqual(try matches("span~a"), ["link"])
    }

    func testStructuralPseudoClasses() throws {
        XCTAssertEqual(try matches("li:first-child"), ["1"])
        XCTAssertEqual(try matches("li:last-child"), ["5"])
        XCTAssertEqual(try matches("div :only-child"), [])
        XCTAssertEqual(try matches("li:nth-child(odd)"), ["1", "3", "5"])
        XCTAssertEqual(try matches("li:nth-child(even)"), ["2", "4"])
        XCTAssertEqual(try matches("li:nth-child(2n + 1)"), ["1", "3", "5"])
        XCTAssertEqual(try matches("li:nth-child(-n+2)"), ["1", "2"])
        XCTAssertEqual(try matches("li:nth-child(3)"), ["3"])
        XCTAssertEqual(try matches("li:nth-last-child(1)"), ["5"])
        XCTAssertEqual(try matches("p:first-of-type"), ["one"])
        XCTAssertEqual(try matches("p:last-of-type"), ["three"])
        XCTAssertEqual(try matches("p:not(.first)"), ["two", "three"])
        XCTAssertEqual(try matches("p:not(.first, [title])"), ["three"])
        XCTAssertEqual(try matches(":root"), ["html"])
        XCTAssertEqual(try matches("span:empty"), ["span"])
    }

    func testRetainedSelectors() throws {
        XCTAssertEqual(Selector("a:hover")?.retention, .dynamicPseudoClass("hover"))
        XCTAssertEqual(Selector("a:not(:focus)")?.retention, .dynamicPseudoClass("focus"))
        XCTAssertEqual(Selector("p::before")?.retention, .pseudoElement("before"))
        XCTAssertEqual(Selector("p:after")?.retention, .pseudoElement("after"))
        XCTAssertEqual(Selector("input:checked")?.retention, .unsupportedPseudoClass("checked"))
        XCTAssertEqual(Selector("p:first-child")?.isInlinable, true)
    }

    func testInvalidSelectors() {
        for text in ["", "a[", "a >", "[=x]", "p:nth-child(x)", "ns|a", "a..b", "#", "a,"] {
            XCTAssertNil(Selector(text), text)
        }
        XCTAssertEqual(SelectorParser.splitList("a, b[c=','], :not(d, e)"), ["a", "b[c=',']", ":not(d, e)"])
    }

    func testSpecificity() {
        let cases: [(String, Specificity)] = [
            ("*", Specificity()),
            ("li", Specificity(types: 1)),
            ("ul li", Specificity(types: 2)),
            ("ul ol+li", Specificity(types: 3)),
            ("h1 + *[rel=up]", Specificity(classes: 1, types: 1)),
            ("ul ol li.red", Specificity(classes: 1, types: 3)),
            ("li.red.level", Specificity(classes: 2, types: 1)),
            ("#x34y", Specificity(ids: 1)),
            ("#s12:not(FOO)", Specificity(ids: 1, types: 1)),
            (".a:first-child", Specificity(classes: 2)),
            ("p::before", Specificity(types: 2)),
            ("a:hover", Specificity(classes: 1, types: 1)),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(Selector(text)?.specificity, expected, text)
        }
        XCTAssertLessThan(Specificity(classes: 10), Specificity(ids: 1))
        XCTAssertLessThan(Specificity(types: 9), Specificity(classes: 1))
    }
}

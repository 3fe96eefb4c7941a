// The CSS parser: rules, declarations, !important, comments, strings, escapes, at-rules, nesting, and
// recovery from broken CSS with a diagnostic instead of a trap.
import XCTest
@testable import Markup

final class CSSParserTests: XCTestCase {
    func testRulesAndDeclarations() {
        let sheet = Stylesheet(parsing: "h1, h2 { color: Blue; FONT-SIZE: 2px !important }\np.footer{margin:0}")
        XCTAssertEqual(sheet.rules.count, 2)
        XCTAssertEqual(sheet.rules[0].selectors.map(\.text), ["h1", "h2"])
        XCTAssertEqual(sheet.rules[0].declarations, [
            Declaration(property: "color", value: "Blue", line: 1),
            Declaration(property: "font-size", value: "2px", isImportant: true, line: 1),
        ])
        XCTAssertEqual(sheet.rules[1].line, 2)
        XCTAssertEqual(sheet.diagnostics, [])
    }

    func testCommentsStringsAndEscapes() {
        let css = #"/* a { color: red } */ a[title="x;}{"] { font-family: "A;B", 'C}' /* note */; content: "\"" } .a\:b { color: red ! IMPORTANT }"#
        let sheet = Stylesheet(parsing: css)
        XCTAssertEqual(sheet.rules.count, 2, "\(sheet.diagnostics)")
        XCTAssertEqual(sheet.rules[0].declarations.map(\.value), [#""A;B", 'C}'"#, #""\"""#])
        XCTAssertEqual(sheet.rules[1].selectors.first?.compounds.first?.classes, ["a:b"])
        XCTAssertEqual(sheet.rules[1].declarations.first?.isImportant, true)
    }

    func testDataURLWithSemicolonStaysOneDeclaration() {
        let sheet = Stylesheet(parsing: "a { background: url(data:image/png;base64,AAA=); color: red }")
        XCTAssertEqual(sheet.rules.first?.declarations.map(\.property), ["background", "color"])
    }

    func testAtRulesAreKeptAsText() {
        let css = """
        @charset "utf-8";
        @import url(a.css) screen;
        @media (max-width: 600px) { .a { color: red } }
        @font-face { font-family: X; src: url(x.woff) }
        @-webkit-keyframes spin { from { opacity: 0 } to { opacity: 1 } }
        @supports (display: grid) { .b { display: grid } }
        @layer base, theme;
        @page { margin: 1cm }
        @container (min-width: 400px) { .c { padding: 0 } }
        p { color: blue }
        """
        let sheet = Stylesheet(parsing: css)
        XCTAssertEqual(sheet.atRules.map(\.name), ["charset", "import", "media", "font-face", "keyframes", "supports", "layer", "page", "container"])
        XCTAssertEqual(sheet.atRules[2].text, "@media (max-width: 600px) { .a { color: red } }")
        XCTAssertEqual(sheet.atRules[1].text, "@import url(a.css) screen;")
        XCTAssertEqual(sheet.rules.map(\.selectorText), ["p"])
        XCTAssertEqual(sheet.diagnostics, [])
    }

    func testNestedRulesAreFlattened() {
        let sheet = Stylesheet(parsing: ".card { color: red; & .title { font-weight: bold } .x > & { margin: 0 } @media (min-width: 1px) { color: navy } }")
        XCTAssertEqual(sheet.rules.map(\.selectorText), [".card", ".card .title", ".x > .card"])
        XCTAssertEqual(sheet.atRules.first?.text, "@media (min-width: 1px) {\n  .card { color: navy }\n}")
    }

    func testBrokenCSSIsSkippedWithDiagnostics() {
        let cases: [(css: String, goodRules: [String], line: Int)] = [
            ("a { color: red }\nb { color: blue", ["a"], 2),                       // unclosed brace
            ("a { color: red }\n} b { color: blue }", ["a", "b"], 2),              // stray brace
            ("a { color: ; margin: 0 }", ["a"], 1),                                // empty value
            ("a { color red; margin: 0 }", ["a"], 1),                              // no colon
            ("a { font-family: \"open\n; color: red }\nb { margin: 0 }", ["a", "b"], 1), // unterminated string
            ("a { color: red }\n/* never closed", ["a"], 2),                       // unterminated comment
            ("a[ { color: red }\nb { margin: 0 }", ["b"], 1),                       // bad selector
            ("@media screen { a { color: red }", [], 1),                           // unclosed at-rule
            ("garbage;\np { margin: 0 }", ["p"], 1),                               // garbage
            ("}}}{{{", [], 1),
        ]
        for (css, goodRules, line) in cases {
            let sheet = Stylesheet(parsing: css, source: "test.css")
            XCTAssertEqual(sheet.rules.map(\.selectorText), goodRules, css)
            XCTAssertFalse(sheet.diagnostics.isEmpty, css)
            XCTAssertEqual(sheet.diagnostics.first?.line, line, "\(css): \(sheet.diagnostics)")
            XCTAssertEqual(sheet.diagnostics.first?.source, "test.css")
            XCTAssertFalse(sheet.diagnostics.first?.hint.isEmpty ?? true)
        }
    }

    func testArbitraryBytesNeverTrap() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("{}();:'\"\\/*@!,.#[]=~|^$> \n\tabc-1&%<")
        for _ in 0..<2000 {
            let css = String((0..<Int.random(in: 0..<80, using: &generator)).map { _ in alphabet.randomElement(using: &generator) ?? "a" })
            _ = Stylesheet(parsing: css)
            _ = Stylesheet.declarations(inStyleAttribute: css)
            _ = Selector(css)
        }
    }

    func testStyleAttributeDeclarations() {
        let parsed = Stylesheet.declarations(inStyleAttribute: "color: red; ; padding:0 !important;bad")
        XCTAssertEqual(parsed.declarations.map(\.cssText), ["color: red", "padding: 0 !important"])
        XCTAssertEqual(parsed.diagnostics.count, 1)
    }
}

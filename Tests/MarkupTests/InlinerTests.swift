// The inliner end to end: cascade order, !important against the style attribute, retention of what cannot be
// inlined, Outlook attributes, linked stylesheets, template code, and diagnostics instead of failures.
import XCTest
@testable import Markup

final class InlinerTests: XCTestCase {
    func inline(_ html: String, options: InlinerOptions = InlinerOptions(), loader: (String) throws -> String? = { _ in nil }) throws -> (HTMLDocument, InlineReport) {
        let document = try HTMLDocument(parsing: html)
        let report = try Inliner(options: options).inline(document, stylesheetLoader: loader)
        return (document, report)
    }

    func style(of name: String, in document: HTMLDocument, at index: Int = 0) -> String? {
        document.allElements.filter { $0.name == name }[index].attribute("style")
    }

    func testSpecificityThenSourceOrder() throws {
        let (document, _) = try inline("""
        <style>#a { color: red } p.x { color: blue; margin: 0 } p { color: green; padding: 1px } p.x { margin: 2px }</style>
        <p id="a" class="x">t</p>
        """)
        XCTAssertEqual(style(of: "p", in: document), "padding: 1px; margin: 2px; color: red;")
    }

    func testImportantAndStyleAttribute() throws {
        let (document, _) = try inline("""
        <style>p { color: red !important; margin: 0 !important; padding: 5px; border: 0 }</style>
        <p style="color: blue; padding: 1px; margin: 3px !important">t</p>
        """)
        // Normal rules < style attribute < !important rules < !important in the attribute; weakest first.
        XCTAssertEqual(style(of: "p", in: document), "border: 0; padding: 1px; color: red; margin: 3px;")
    }

    func testRepeatsInOneRuleAreKept() throws {
        let (document, _) = try inline("<style>div { background: red; background: linear-gradient(red, blue) }</style><div></div>")
        XCTAssertEqual(style(of: "div", in: document), "background: red; background: linear-gradient(red, blue);")
    }

    func testRetainedRulesGoToOneStyleInHead() throws {
        let (document, report) = try inline("""
        <html><head><style>a { color: red } a:hover { color: blue } @media (max-width: 600px) { a { color: green } }</style>
        <style>@font-face { font-family: X } p::before { content: "x" } @charset "utf-8";</style></head>
        <body><a href="#">x</a><p>y</p></body></html>
        """)
        let styles = document.allElements.filter { $0.name == "style" }
        XCTAssertEqual(styles.count, 1)
        XCTAssertEqual(styles.first?.parent?.name, "head")
        let css = styles.first?.textContent ?? ""
        XCTAssertTrue(css.contains("a:hover {\n  color: blue;\n}"), css)
        XCTAssertTrue(css.contains("@media (max-width: 600px)"), css)
        XCTAssertTrue(css.contains("@font-face"), css)
        XCTAssertTrue(css.contains("p::before"), css)
        XCTAssertFalse(css.contains("@charset"), css)
        XCTAssertEqual(style(of: "a", in: document), "color: red;")
        XCTAssertNil(style(of: "p", in: document))
        XCTAssertEqual(report.rulesRetained, 4)
        XCTAssertEqual(report.retainedCSSBytes, css.utf8.count)
        XCTAssertEqual(report.rulesInlined, 1)
    }

    func testKeepingStyleElements() throws {
        var options = InlinerOptions()
        options.removeInlinedStyleElements = false
        let (document, report) = try inline("<style>p { color: red }</style><p>x</p>", options: options)
        XCTAssertEqual(document.allElements.filter { $0.name == "style" }.count, 1)
        XCTAssertEqual(style(of: "p", in: document), "color: red;")
        XCTAssertEqual(report.retainedCSSBytes, 0)
    }

    func testStyleOptOuts() throws {
        let (document, _) = try inline("""
        <style data-embed>p { color: red }</style><style media="print">p { color: blue }</style>
        <style media="only screen">p { margin: 0 }</style><p>x</p>
        """)
        XCTAssertEqual(style(of: "p", in: document), "margin: 0;")
        let kept = document.allElements.filter { $0.name == "style" }
        XCTAssertEqual(kept.count, 2)
        XCTAssertFalse(kept.contains { $0.hasAttribute("data-embed") })
    }

    func testOutlookAttributes() throws {
        let (document, _) = try inline("""
        <style>table { width: 600px; background-color: #fff; height: 50% } td { text-align: center; vertical-align: top; width: 50% }
        img { width: 120px; height: auto } img.pc { width: 50% } td.g { background-image: url('a.png') } th { background: linear-gradient(red, blue); background-color: red }</style>
        <table><tr><td class="g">x</td><th>y</th></tr></table><img src="a.png"><img class="pc" src="b.png">
        """)
        let table = try XCTUnwrap(document.allElements.first { $0.name == "table" })
        XCTAssertEqual(table.attribute("width"), "600")
        XCTAssertEqual(table.attribute("height"), "50%")
        XCTAssertEqual(table.attribute("bgcolor"), "#fff")
        let td = try XCTUnwrap(document.allElements.first { $0.name == "td" })
        XCTAssertEqual(td.attribute("align"), "center")
        XCTAssertEqual(td.attribute("valign"), "top")
        XCTAssertEqual(td.attribute("width"), "50%")
        XCTAssertEqual(td.attribute("background"), "a.png")
        let images = document.allElements.filter { $0.name == "img" }
        XCTAssertEqual(images[0].attribute("width"), "120")
        XCTAssertEqual(images[0].attribute("height"), "auto")
        XCTAssertNil(images[1].attribute("width"), "a percentage is no width attribute on an image")

        var options = InlinerOptions()
        options.applyWidthAttributes = false
        options.applyTableAttributes = false
        let (plain, _) = try inline("<style>table { width: 600px; background-color: red }</style><table></table>", options: options)
        let plainTable = try XCTUnwrap(plain.allElements.first { $0.name == "table" })
        XCTAssertNil(plainTable.attribute("width"))
        XCTAssertNil(plainTable.attribute("bgcolor"))
    }

    func testCSSVariables() throws {
        let css = ":root { --main: red; --pad: 2px } p { --pad: 4px; color: var(--main); padding: var(--pad); margin: var(--none, var(--pad)); border: var(--missing) }"
        let (document, _) = try inline("<p>x</p>", options: InlinerOptions(extraCSS: css))
        XCTAssertEqual(style(of: "p", in: document), "color: red; padding: 4px; margin: 4px; border: var(--missing);")
        var options = InlinerOptions(extraCSS: css)
        options.resolveCSSVariables = false
        let (kept, _) = try inline("<p>x</p>", options: options)
        XCTAssertEqual(style(of: "p", in: kept), "--pad: 4px; color: var(--main); padding: var(--pad); margin: var(--none, var(--pad)); border: var(--missing);")
    }

    func testElementsWithTheSameRulesShareTheirOutputButNotWhatDiffers() throws {
        // Worked out once per (name, style, matched rules): what differs in name, style or rules still differs.
        let (document, report) = try inline("""
        <style>td { width: 120px; color: red } .x { color: blue } p { margin: 0 }</style>
        <table><tr><td>a</td><td class="x">b</td><td>c</td><td style="padding: 1px">d</td><td style="padding: 1px">e</td></tr></table>
        <p>f</p><p>g</p><p style="color: ">h</p><p style="color: ">i</p>
        """)
        XCTAssertEqual((0..<5).map { style(of: "td", in: document, at: $0) }, [
            "width: 120px; color: red;", "width: 120px; color: blue;", "width: 120px; color: red;",
            "width: 120px; color: red; padding: 1px;", "width: 120px; color: red; padding: 1px;",
        ])
        XCTAssertEqual(document.allElements.filter { $0.name == "td" }.map { $0.attribute("width") }, Array(repeating: "120", count: 5))
        XCTAssertEqual((0..<2).map { style(of: "p", in: document, at: $0) }, ["margin: 0;", "margin: 0;"])
        XCTAssertEqual(report.elementsStyled, 9)
        // A broken style attribute is reported where each copy of it is.
        XCTAssertEqual(report.diagnostics.compactMap(\.documentLine), [3, 3], "\(report.diagnostics)")

        // A custom property's value may come from an ancestor (one that rules matched, as in Juice): the same rules
        // give different styles.
        let (variables, _) = try inline("""
        <style>div { margin: 0 } p { color: var(--c, black) }</style>
        <div style="--c: red"><p>a</p></div><div style="--c: blue"><p>b</p></div><p>c</p>
        """)
        XCTAssertEqual((0..<3).map { style(of: "p", in: variables, at: $0) }, ["color: red;", "color: blue;", "color: black;"])
        // … also when only the style attributes use them.
        let (attributes, _) = try inline("""
        <style>div, p { margin: 0 }</style>
        <div style="--c: red"><p style="color: var(--c)">a</p></div><div style="--c: blue"><p style="color: var(--c)">b</p></div>
        """)
        XCTAssertEqual((0..<2).map { style(of: "p", in: attributes, at: $0) }, ["margin: 0; color: red;", "margin: 0; color: blue;"])
    }

    func testTheRuleIndexIsKeptPerStylesheetsAndOptions() throws {
        // The index of a stylesheet is built once per process; what it retains depends on the options of each run.
        let html = "<style>a:hover { color: red } p { margin: 0 } @font-face { font-family: x }</style><p>t</p>"
        var dropping = InlinerOptions()
        dropping.retainNonInlinableRules = false
        dropping.retainedAtRules = []
        for _ in 0..<2 {
            let (kept, keptReport) = try inline(html)
            XCTAssertEqual(keptReport.rulesRetained, 2)
            XCTAssertTrue(kept.serialized().contains("a:hover"))
            let (dropped, droppedReport) = try inline(html, options: dropping)
            XCTAssertEqual(droppedReport.rulesRetained, 0)
            XCTAssertFalse(dropped.serialized().contains("a:hover"))
            XCTAssertEqual(style(of: "p", in: dropped), "margin: 0;")
        }
        let (changed, _) = try inline(html.replacingOccurrences(of: "margin: 0", with: "margin: 1px"))
        XCTAssertEqual(style(of: "p", in: changed), "margin: 1px;")
    }


    func testSignatureTableTellsEveryPartApartAndGrows() {
        var table = StyleSignatureTable()
        // 300 signatures, past several growths, differing in one part each; forced equal hashes must still compare.
        let signatures: [(String, String?, [Int32])] = (0..<100).flatMap { number -> [(String, String?, [Int32])] in
            [("p", nil, [Int32(number)]), ("td", nil, [Int32(number)]), ("p", "color: red", [Int32(number)])]
        }
        for (element, (name, style, instances)) in signatures.enumerated() {
            XCTAssertNil(table.element(name: name, style: style, instances: instances, hash: 7))
            table.add(element, name: name, style: style, instances: instances, hash: element % 2 == 0 ? 7 :
                      StyleSignatureTable.hash(name: name, style: style, instances: instances))
        }
        for (element, (name, style, instances)) in signatures.enumerated() {
            let hash = element % 2 == 0 ? 7 : StyleSignatureTable.hash(name: name, style: style, instances: instances)
            XCTAssertEqual(table.element(name: name, style: style, instances: instances, hash: hash), element)
        }
        XCTAssertNil(table.element(name: "p", style: nil, instances: [1, 2], hash: StyleSignatureTable.hash(name: "p", style: nil, instances: [1, 2])))
        XCTAssertNotEqual(StyleSignatureTable.hash(name: "p", style: nil, instances: [1]),
                          StyleSignatureTable.hash(name: "p", style: "", instances: [1]))
    }

    func testOutputsKeptFromEarlierRunsFollowTheOptionsAndTheStyleAttribute() throws {
        // Runs with the same stylesheet reuse each other's outputs, by element name, style and matched rules, but
        // never across options that change the output, and a broken style attribute is reported on every run.
        let css = "<style>td { width: 120px; color: red !important } p { margin: 0 }</style>"
        let html = css + #"<table><tr><td>a</td></tr></table><p>b</p><p style="color: ">c</p>"#
        var keeping = InlinerOptions()
        keeping.preserveImportant = true
        keeping.applyWidthAttributes = false
        for _ in 0..<2 {
            let (plain, plainReport) = try inline(html)
            XCTAssertEqual(style(of: "td", in: plain), "width: 120px; color: red;")
            XCTAssertEqual(plain.allElements.first { $0.name == "td" }?.attribute("width"), "120")
            XCTAssertEqual(plainReport.elementsStyled, 3)
            XCTAssertEqual(plainReport.diagnostics.count, 1, "\(plainReport.diagnostics)")
            let (kept, keptReport) = try inline(html, options: keeping)
            XCTAssertEqual(style(of: "td", in: kept), "width: 120px; color: red !important;")
            XCTAssertNil(kept.allElements.first { $0.name == "td" }?.attribute("width"))
            XCTAssertEqual(keptReport.diagnostics.count, 1)
        }
        // Whether an inlined element hides is told by the inliner (for the text part and the checks): from its
        // new style, and from its other attributes.
        let hiding = """
        <style>.pre { display: none } p { margin: 0 }</style>
        <p class="pre">a</p><p>b</p><p hidden>c</p><p aria-hidden="TRUE">d</p><p style="max-height: 0; overflow: hidden">e</p>
        """
        for _ in 0..<2 {
            let (document, _) = try inline(hiding)
            XCTAssertEqual(document.allElements.filter { $0.name == "p" }.map(\.hidesContent), [true, false, true, true, true])
        }
        // Another document with the same stylesheet: its elements get what the first run worked out, and its own
        // style attributes still count.
        let (other, _) = try inline(css + #"<p>d</p><p style="padding: 2px">e</p>"#)
        XCTAssertEqual((0..<2).map { style(of: "p", in: other, at: $0) }, ["margin: 0;", "margin: 0; padding: 2px;"])
    }
    func testLinkedStylesheetsAndLoaderFailures() throws {
        struct Unreadable: Error {}
        let html = """
        <html><head><link rel="stylesheet" href="a.css"><link rel="stylesheet" href="missing.css">
        <link rel="stylesheet" href="broken.css"><link rel="icon" href="x.ico"></head><body><p>x</p></body></html>
        """
        let (document, report) = try inline(html) { href in
            switch href {
            case "a.css": return "p { color: red }"
            case "broken.css": throw Unreadable()
            default: return nil
            }
        }
        XCTAssertEqual(style(of: "p", in: document), "color: red;")
        XCTAssertEqual(document.allElements.filter { $0.name == "link" }.compactMap { $0.attribute("href") }, ["missing.css", "broken.css", "x.ico"])
        XCTAssertEqual(report.diagnostics.map(\.source), ["missing.css", "broken.css"])
    }

    func testBrokenCSSBecomesDiagnostics() throws {
        let (document, report) = try inline("""
        <style>p { color: red }
        a { color: "unterminated
        }
        div { margin: 0</style><p style="@wrong {color: ---}">x</p><div>y</div>
        """)
        XCTAssertEqual(style(of: "p", in: document), "color: red;")
        XCTAssertNil(style(of: "div", in: document))
        XCTAssertFalse(report.diagnostics.isEmpty)
        XCTAssertTrue(report.diagnostics.contains { $0.line == 2 && $0.message.contains("string") }, "\(report.diagnostics)")
    }

    func testTemplateCodePassesThrough() throws {
        let html = """
        <html><body><p class="a"><%= user.name %> {{#if x}}<b>{{ y }}</b>{{/if}}</p><a href="{{ unsubscribe_url }}">u</a><div <%= attrs %>></div><?php echo "x"; ?></body></html>
        """
        let (output, _) = try Inliner(options: InlinerOptions(extraCSS: ".a { color: red } b { font-weight: 700 }")).inline(html: html)
        for block in ["<%= user.name %>", "{{#if x}}", "{{ y }}", "{{/if}}", "href=\"{{ unsubscribe_url }}\"", "<div <%= attrs %>>", "<?php echo \"x\"; ?>"] {
            XCTAssertTrue(output.contains(block), "\(block) changed in \(output)")
        }
        XCTAssertTrue(output.contains("<p class=\"a\" style=\"color: red;\">"), output)
    }

    func testMediaAttribute() {
        XCTAssertTrue(Inliner.appliesToScreen(nil))
        XCTAssertTrue(Inliner.appliesToScreen("all"))
        XCTAssertTrue(Inliner.appliesToScreen("print, screen"))
        XCTAssertTrue(Inliner.appliesToScreen("(min-width: 600px)"))
        XCTAssertFalse(Inliner.appliesToScreen("print"))
    }

    func testExtraStylesheetsAreParsedApartAndNamed() throws {
        var options = InlinerOptions()
        options.extraStylesheets = [.init(source: "a.css", css: "p { color: red;\n"),
                                    .init(source: "b.css", css: "p { margin: 0; }\n\nb { color: ; }")]
        let (document, report) = try inline("<p>t</p><b>x</b>", options: options)
        XCTAssertEqual(style(of: "p", in: document), "margin: 0;", "a.css's open block does not swallow b.css")
        XCTAssertEqual(report.diagnostics.map(\.source), ["a.css", "b.css"])
        XCTAssertEqual(report.diagnostics.map(\.line), [1, 3])
        XCTAssertEqual(report.diagnostics.map(\.documentLine), [nil, nil], "not CSS in the HTML")
    }

    func testProblemsInTheHTMLCarryTheirDocumentLine() throws {
        let (_, report) = try inline("<html>\n<head>\n<style>\np { color: red; }\n.x { color: ; }\n</style>\n</head>\n<body>\n<p style=\"margin: ;\">t</p>\n<link rel=\"stylesheet\" href=\"gone.css\">\n</body></html>")
        XCTAssertEqual(report.diagnostics.compactMap(\.documentLine).sorted(), [5, 9, 10], "\(report.diagnostics)")
    }
}

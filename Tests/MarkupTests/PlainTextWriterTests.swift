// Unit tests of PlainTextWriter, one rule each: blocks, wrapping, lists, quotes, code, tables, links,
// images, whitespace, hidden content and the shape of the output.
import XCTest
@testable import Markup

final class PlainTextWriterTests: XCTestCase {
    private func text(_ html: String, _ options: PlainTextOptions = .init()) throws -> String {
        let document = try HTMLDocument(parsing: html)
        return PlainTextWriter.text(from: try XCTUnwrap(document.root), options: options)
    }

    // MARK: Blocks

    func testHeadingsAreSetApartAndMarked() throws {
        XCTAssertEqual(try text("<p>Intro</p><h1>Big news</h1><h2>Details</h2><h3>More</h3><h4>Less</h4><p>End</p>"), """
            Intro

            Big news
            ========

            Details
            -------

            ### More

            #### Less

            End

            """)
    }

    func testParagraphsWrapAtTheWidthWithoutSplittingWords() throws {
        let words = (1...40).map { "word\($0)" }.joined(separator: " ")
        let output = try text("<p>\(words)</p>", PlainTextOptions(width: 30))
        for line in output.split(separator: "\n") { XCTAssertLessThanOrEqual(line.count, 30, String(line)) }
        XCTAssertEqual(output.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " "), words)
    }

    func testDefaultWidthIs72AndNeverOver78() throws {
        XCTAssertEqual(PlainTextOptions().width, 72)
        XCTAssertEqual(PlainTextOptions(width: 200).width, 78)
        XCTAssertEqual(PlainTextOptions(width: 3).width, 20)
        let output = try text("<p>" + String(repeating: "abc ", count: 100) + "</p>")
        XCTAssertEqual(output.split(separator: "\n").map(\.count).max(), 71)
    }

    func testOverlongURLStandsAloneUnbroken() throws {
        let url = "https://example.com/" + String(repeating: "segment/", count: 12)
        XCTAssertEqual(try text("<p>Read this: \(url) today.</p>"), "Read this:\n\(url)\ntoday.\n")
    }

    func testSlotTokensAreOrdinaryWords() throws {
        let output = try text("<p>" + String(repeating: "x ", count: 33) + "GZSLOT12Z, GZSLOT7Z</p>")
        XCTAssertTrue(output.contains("GZSLOT12Z,"), output)
        XCTAssertTrue(output.contains("GZSLOT7Z"), output)
    }

    // MARK: Lists

    func testUnorderedListsWithNestingAndAlignedContinuation() throws {
        let html = "<ul><li>One</li><li>Two has text long enough that the line must wrap under the item text, see<ul><li>Nested</li></ul></li></ul>"
        XCTAssertEqual(try text(html, PlainTextOptions(width: 40)), """
            - One
            - Two has text long enough that the line
              must wrap under the item text, see
              - Nested

            """)
    }

    func testOrderedListsRespectStartValueAndReversed() throws {
        XCTAssertEqual(try text("<ol start='9'><li>a</li><li>b</li></ol>"), "9. a\n10. b\n")
        XCTAssertEqual(try text("<ol><li>a</li><li value='5'>b</li><li>c</li></ol>"), "1. a\n5. b\n6. c\n")
        XCTAssertEqual(try text("<ol reversed><li>a</li><li>b</li></ol>"), "2. a\n1. b\n")
    }

    func testListsAreSeparatedFromParagraphs() throws {
        XCTAssertEqual(try text("<p>Before</p><ul><li>x</li></ul><p>After</p>"), "Before\n\n- x\n\nAfter\n")
    }

    // MARK: Quotes and code

    func testBlockquotesArePrefixedAndNested() throws {
        let html = "<p>He said:</p><blockquote><p>One two three four five six</p><blockquote><p>Inner</p></blockquote></blockquote><p>Done</p>"
        XCTAssertEqual(try text(html, PlainTextOptions(width: 20)), """
            He said:

            > One two three four
            > five six
            >
            > > Inner

            Done

            """)
    }

    func testPreformattedTextIsVerbatim() throws {
        let code = "func f() {\n    let long = \"\(String(repeating: "x", count: 90))\"\n\treturn\n}"
        let output = try text("<p>Code:</p><pre><code>\(code)\n</code></pre><p>After</p>")
        XCTAssertEqual(output, "Code:\n\n\(code)\n\nAfter\n")
    }

    func testPreformattedEdges() throws {
        // Blank lines around the code go; a no-break space reads as a space; <br> breaks; a hidden span is left out;
        // a line of spaces is blank; indentation stays.
        let html = "<pre>\n  \n  a&nbsp;b<br>c<span style=\"display:none\">x</span>\nd\n   \n\tf&nbsp;g\n\n</pre>"
        XCTAssertEqual(try text(html), "  a b\nc\nd\n\n\tf g\n")
        XCTAssertEqual(try text("<pre>é\u{A0}ü 日本</pre>"), "é ü 日本\n")
    }

    func testCodeIndentOption() throws {
        let html = "<blockquote><pre>a\n  b</pre></blockquote>"
        XCTAssertEqual(try text(html, PlainTextOptions(codeIndent: 4)), ">     a\n>       b\n")
        XCTAssertEqual(try text(html), "> a\n>   b\n")
    }

    func testInlineCodeIsKeptAsIs() throws {
        XCTAssertEqual(try text("<p>Call <code>map(_:)</code> on <code>[Int]</code>.</p>"), "Call map(_:) on [Int].\n")
    }

    // MARK: Tables

    func testSimpleTablesBecomeAlignedColumns() throws {
        let html = "<table><tr><th>Name</th><th>Role</th></tr><tr><td>Ada</td><td>Engineer</td></tr><tr><td>Grace Hopper</td><td>Admiral</td></tr></table>"
        XCTAssertEqual(try text(html), """
            Name          Role
            ------------  --------
            Ada           Engineer
            Grace Hopper  Admiral

            """)
    }

    func testWideTablesBecomeOneBlockPerRow() throws {
        let long = String(repeating: "long text ", count: 6)
        let html = "<table><tr><th>Name</th><th>Notes</th></tr><tr><td>Ada</td><td>\(long)</td></tr><tr><td>Bob</td><td>short</td></tr></table>"
        XCTAssertEqual(try text(html, PlainTextOptions(width: 40)), """
            Name: Ada
            Notes: long text long text long text
              long text long text long text

            Name: Bob
            Notes: short

            """)
    }

    func testLayoutTablesAreFlattened() throws {
        let presentation = "<table role='presentation'><tr><td>Left</td><td>Right</td></tr><tr><td>A</td><td>B</td></tr></table>"
        XCTAssertEqual(try text(presentation), "Left\n\nRight\n\nA\n\nB\n")
        let singleCells = "<table><tr><td>Header</td></tr><tr><td>Body</td></tr></table>"
        XCTAssertEqual(try text(singleCells), "Header\n\nBody\n")
        let blocks = "<table><tr><td><p>One</p></td><td>Two</td></tr><tr><td><h2>Three</h2></td><td>Four</td></tr></table>"
        XCTAssertFalse(try text(blocks).contains("  "))
        let nested = "<table><tr><td><table><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table></td><td>x</td></tr><tr><td>y</td><td>z</td></tr></table>"
        XCTAssertEqual(try text(nested), "a  b\nc  d\n\nx\n\ny\n\nz\n")
    }

    // MARK: Links

    func testReferenceLinksAreNumberedAndReused() throws {
        let html = "<p><a href='https://a.example/'>First</a>, <a href='https://b.example/'>second</a> and <a href='https://a.example/'>first again</a>.</p>"
        XCTAssertEqual(try text(html), """
            First [1], second [2] and first again [1].

            Links:
            [1] https://a.example/
            [2] https://b.example/

            """)
    }

    func testLinkWhoseTextIsItsURLShowsTheURLOnly() throws {
        let html = "<p><a href='https://example.com/x'>https://example.com/x</a> and <a href='https://www.example.com/y/'>example.com/y</a></p>"
        XCTAssertEqual(try text(html), "https://example.com/x and https://www.example.com/y/\n")
    }

    func testMailtoShowsTheAddress() throws {
        XCTAssertEqual(try text("<p><a href='mailto:ed@example.org?subject=Hi'>Write</a></p>"), "Write <ed@example.org>\n")
        XCTAssertEqual(try text("<p><a href='mailto:ed@example.org'>ed@example.org</a></p>"), "ed@example.org\n")
    }

    func testInlineLinks() throws {
        let html = "<p>See <a href='https://example.com/docs'>the docs</a>.</p>"
        XCTAssertEqual(try text(html, PlainTextOptions(links: .inline)), "See the docs <https://example.com/docs>.\n")
    }

    func testAnchorsAndScriptLinksAreJustText() throws {
        XCTAssertEqual(try text("<p><a href='#top'>Top</a> <a href='javascript:void(0)'>Menu</a> <a>None</a></p>"), "Top Menu None\n")
    }

    func testImageLinkWithEmptyAltLeavesNothing() throws {
        XCTAssertEqual(try text("<p><a href='https://x.example'><img src='s.gif' alt=''></a>Text</p>"), "Text\n")
    }

    func testLinkAroundBlocksNumbersEachBlock() throws {
        let html = "<a href='https://x.example/story'><h2>Story</h2><p>Teaser text</p></a><p>After</p>"
        XCTAssertEqual(try text(html), """
            Story [1]
            ---------

            Teaser text [1]

            After

            Links:
            [1] https://x.example/story

            """)
    }

    func testDeepNestingIsReadAsText() throws {
        // libxml2's parser stops at 256 levels; a tree built in code can go deeper and must not blow the stack.
        let document = try HTMLDocument(parsing: "<div id='top'></div>")
        var parent = try XCTUnwrap(document.body?.firstChildElement(named: "div"))
        for index in 0..<5_000 {
            let child = document.makeElement(named: index.isMultiple(of: 2) ? "div" : "span")
            parent.append(child)
            parent = child
        }
        parent.append(document.makeText("deep words"))
        let root = try XCTUnwrap(document.root)
        XCTAssertEqual(PlainTextWriter.text(from: root), "deep words\n")
        XCTAssertEqual(LinkStatistics(root).words, 2)
    }

    // MARK: Images, breaks, rules, whitespace

    func testImagesBreaksAndRules() throws {
        let html = "<p>Logo: <img src='l.png' alt='The  Gazette'> <img src='spacer.gif' alt=''><img src='x.png'></p><p>Line one<br>Line two</p><hr><p>End</p>"
        XCTAssertEqual(try text(html, PlainTextOptions(width: 20)), """
            Logo: [The Gazette]

            Line one
            Line two

            --------------------

            End

            """)
    }

    func testEntitiesNoBreakSpacesAndWhitespaceCollapse() throws {
        let html = "<p>  Fish&nbsp;&amp;&nbsp;chips &lt;3   \n\t costs&#160;&pound;5&zwnj;.  <b>bold</b><i>italic</i></p>"
        XCTAssertEqual(try text(html), "Fish & chips <3 costs £5. bolditalic\n")
    }

    // MARK: Hidden content

    func testHiddenContentIsLeftOut() throws {
        let html = """
            <html><head><title>Title</title><style>p { color: red }</style></head><body>
            <div style="display:none;max-height:0;overflow:hidden;mso-hide:all">Preheader</div>
            <div style="DISPLAY: none !important">Also hidden</div>
            <span style="max-height:0px; overflow:hidden">Clipped</span>
            <p hidden>Attribute</p><p aria-hidden="true">Aria</p><script>var s = 1</script>
            <!-- a comment --><!--[if mso]><p>Outlook only</p><![endif]-->
            <p>Visible</p></body></html>
            """
        XCTAssertEqual(try text(html), "Visible\n")
    }

    /// The one-pass byte reading of a style and the String reading it falls back to agree on every kind of
    /// declaration that hides, and on the near misses.
    func testStyleHidesOnBytesAgreesWithTheStringReading() {
        let styles = [
            "", ";", "display:none", " DISPLAY : None !important ", "display:block", "color:red;display:none;",
            "visibility:hidden", "visibility: COLLAPSE", "visibility:visible", "opacity:0", "opacity: 0.0", "opacity:.5",
            "max-height:0;overflow:hidden", "height:0px; overflow: hidden", "max-height:0", "overflow:hidden",
            "max-height:0%;overflow:hidden;", "height:0em;overflow:auto", "max-height:1px;overflow:hidden",
            "display", "display:", ":none", "display:none:x", "font-family:none;color:#000", "mso-hide:all",
            "displays:none", "opacitx:0", "color: red;\n display:\tnone", "height:0;;overflow:hidden",
        ]
        for style in styles {
            let fromBytes = Array(style.utf8).withUnsafeBufferPointer { HTMLNode.styleHides($0) }
            XCTAssertEqual(fromBytes, HTMLNode.styleHides(style), "style=\"\(style)\"")
        }
        let expected = styles.filter { style in Array(style.utf8).withUnsafeBufferPointer { HTMLNode.styleHides($0) } }
        XCTAssertEqual(expected, [
            "display:none", " DISPLAY : None !important ", "color:red;display:none;", "visibility:hidden",
            "visibility: COLLAPSE", "opacity:0", "opacity: 0.0", "max-height:0;overflow:hidden",
            "height:0px; overflow: hidden", "max-height:0%;overflow:hidden;", "color: red;\n display:\tnone",
            "height:0;;overflow:hidden",
        ])
    }

    func testVisibilityRule() throws {
        let document = try HTMLDocument(parsing: "<div style='display:none'><p id='in'>x</p></div><p style='mso-hide:all'>y</p>")
        let paragraphs = try XCTUnwrap(document.body).descendants(named: "p")
        XCTAssertFalse(paragraphs[0].hidesContent)
        XCTAssertFalse(paragraphs[0].isVisible)
        XCTAssertTrue(paragraphs[1].isVisible, "mso-hide alone hides only in Outlook")
    }

    /// The answer is remembered per element until an attribute it reads changes; other attributes keep it.
    func testVisibilityFollowsTheAttributesItReads() throws {
        let document = try HTMLDocument(parsing: "<p data-sourcepos='1:1-1:5'>x</p>")
        let paragraph = try XCTUnwrap(document.body?.descendants(named: "p").first)
        XCTAssertFalse(paragraph.hidesContent)
        paragraph.setAttribute("href", "https://example.org/")
        paragraph.removeAttribute("data-sourcepos")
        XCTAssertFalse(paragraph.hidesContent)
        paragraph.setAttribute("style", "display: none")
        XCTAssertTrue(paragraph.hidesContent)
        paragraph.removeAttribute("style")
        XCTAssertFalse(paragraph.hidesContent)
        paragraph.setAttribute("hidden", "")
        XCTAssertTrue(paragraph.hidesContent)
        paragraph.removeAttribute("hidden")
        paragraph.setAttribute("aria-hidden", "true")
        XCTAssertTrue(paragraph.hidesContent)
        paragraph.setAttribute("aria-hidden", "false")
        XCTAssertFalse(paragraph.hidesContent)
        XCTAssertEqual(PlainTextWriter.text(from: paragraph), "x\n")
    }

    /// The words of a paragraph are kept as bytes (WordList): a reference added to a word with line breaks after it,
    /// a link whose text is its URL, a mail link and words glued across elements read as they always did.
    func testWordsAcrossLinksAndBreaks() throws {
        let html = """
            <p>Re<a href="https://a.example/x">read<br><br></a> this, <a href="https://b.example/">b.example</a>,
            <a href="mailto:ada@example.org?subject=Hi">write</a> to <a href="mailto:bo@example.org">bo@example.org</a>
            and é<b>tú</b>d<a href="https://a.example/x">e</a>.</p>
            """
        XCTAssertEqual(try text(html), """
            Reread [1]

            this, https://b.example/, write <ada@example.org> to bo@example.org and
            étúde [1].

            Links:
            [1] https://a.example/x

            """)
    }

    // MARK: Shape of the output

    func testAtMostOneBlankLineNoTrailingSpacesOneFinalNewline() throws {
        let html = "<div><p>a </p><p></p><br><br><br><div></div><p>b<br><br><br><br>c</p>  </div>\n\n"
        XCTAssertEqual(try text(html), "a\n\nb\n\nc\n")
    }

    func testNothingVisibleGivesEmptyText() throws {
        XCTAssertEqual(try text("<p style='display:none'>x</p>"), "")
    }

    func testTextOfAnElementAlone() throws {
        let document = try HTMLDocument(parsing: "<p>Outside</p><div id='x'><p>Inside</p></div>")
        let div = try XCTUnwrap(document.body?.firstChildElement(named: "div"))
        XCTAssertEqual(PlainTextWriter.text(from: div), "Inside\n")
    }

    func testWrapperMeasuresWideCharacters() {
        XCTAssertEqual(TextWrapper.displayWidth(of: "abc"), 3)
        XCTAssertEqual(TextWrapper.displayWidth(of: "日本"), 4)
        XCTAssertEqual(TextWrapper.displayWidth(of: "e\u{301}"), 1)
        XCTAssertEqual(TextWrapper.wrap("aa bb cc", width: 5), ["aa bb", "cc"])
    }

    // MARK: Speed

    func testFortyKilobyteIssueConvertsQuickly() throws {
        var html = "<table role='presentation'><tr><td>"
        while html.utf8.count < 40_000 {
            html += "<h2>Section</h2><p>Some <strong>text</strong> with <a href='https://example.com/\(html.count)'>a link</a> and more words to wrap around the line width of seventy-two.</p><ul><li>One item</li><li>Two <code>items</code></li></ul>"
        }
        html += "</td></tr></table>"
        let document = try HTMLDocument(parsing: html)
        let root = try XCTUnwrap(document.root)
        let start = ContinuousClock.now
        let runs = 10
        for _ in 0..<runs { XCTAssertFalse(PlainTextWriter.text(from: root).isEmpty) }
        let each = (ContinuousClock.now - start) / runs
        // Release builds take well under 2 ms; the bound leaves room for debug builds and busy CI machines.
        XCTAssertLessThan(each, .milliseconds(60), "\(each) per conversion")
    }
}

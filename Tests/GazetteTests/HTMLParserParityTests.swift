// WellFormedHTMLParser must build the tree libxml2 builds, node for node (names, attributes, text, lines, the
// messages), or decline. Checked on what Gazette parses on every build (the email of the 90 corpus newsletters
// and the example's issues, and their web bodies), on the peers' inlining cases, and on thousands of mutations of
// them, so that any construct the fast path gets wrong shows up as a difference.
import Foundation
import GazetteTestSupport
import XCTest
@testable import Gazette
@testable import Markup

extension CorpusNewsletterTests {
    /// Every email and web body Gazette renders for the corpus and the example: the fast path reads them all, and
    /// reads them as libxml2 does.
    func testWellFormedParserReadsEveryRenderedEmailAsLibXML2Does() throws {
        let documents = try renderedDocuments()
        XCTAssertGreaterThanOrEqual(documents.count, 6)
        var declined: [String] = []
        for (name, html) in documents {
            guard let (fast, reference) = try HTMLParserParity.describeBoth(html) else {
                // Declining costs a build its speed: only for documents with a problem `check` reports (raw HTML
                // in the Markdown such as `NonZero<T>`, which libxml2 reads as a <t> it does not know).
                let repaired = try HTMLDocument(parsing: html, parser: .libxml2).parseIssues.contains { issue in
                    !(ContentInspector.invalidTagName(issue.message).map(ContentInspector.html5Elements.contains) ?? false)
                }
                if !repaired { declined.append(name + " at " + HTMLParserParity.declineContext(html)) }
                continue
            }
            XCTAssert(fast == reference, "\(name): the fast path's tree differs from libxml2's\n" + HTMLParserParity.firstDifference(fast, reference))
        }
        XCTAssertEqual(declined, [], "well-formed documents the fast path left to libxml2")
    }

    /// Random edits of those documents with the characters that matter to a parser: each must give libxml2's tree
    /// or a decline. The edits are seeded, so a failure names an input that can be replayed.
    func testWellFormedParserMatchesLibXML2OnMutatedDocuments() throws {
        let documents = try renderedDocuments().map(\.html) + HTMLParserParity.handWrittenCases
        var generator = SplitMix(seed: 0x9E37_79B9)
        var compared = 0
        for round in 0..<3_000 {
            var bytes = Array(documents[round % documents.count].utf8)
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                HTMLParserParity.mutate(&bytes, using: &generator)
            }
            let html = String(decoding: bytes, as: UTF8.self)
            guard let (fast, reference) = try HTMLParserParity.describeBoth(html) else { continue }
            compared += 1
            if fast != reference {
                XCTFail("round \(round): the fast path's tree differs from libxml2's\n" + HTMLParserParity.firstDifference(fast, reference)
                        + "\ninput written to " + HTMLParserParity.keep(html, name: "mutation-\(round)"))
                return
            }
        }
        XCTAssertGreaterThan(compared, 500, "too few mutations were read by the fast path to test it")
    }

    /// The email layouts (the exact text `render` parses) and web bodies of the corpus and the example.
    private func renderedDocuments() throws -> [(name: String, html: String)] {
        let (directory, _) = try corpusProject()
        var documents: [(String, String)] = []
        for root in [directory.url, TestPaths.packageRoot] {
            let project = try Project(root: root)
            let templates = try TemplateSet(projectRoot: project.root, strict: false)
            let renderer = IssueRenderer(project: project, templates: templates)
            for issue in project.loadIssues(includeDrafts: true).issues {
                let layout = try renderer.emailLayout(issue, slots: SlotTable())
                documents.append((issue.path, layout.html))
                documents.append((issue.path + " (web body)", "<html><body>" + layout.markdownHTML + "</body></html>"))
            }
        }
        return documents
    }
}

final class HTMLParserParityTests: XCTestCase {
    /// The peers' inlining cases (juice, css-inline): documents written by hand, many not well formed. Those the
    /// fast path reads must come out as libxml2's.
    func testPeerInliningCasesGiveLibXML2sTreeOrADecline() throws {
        let root = TestPaths.corpora.appendingPathComponent("css-inlining")
        guard let walker = FileManager.default.enumerator(atPath: root.path) else { throw XCTSkip("no css-inlining corpus") }
        var read = 0, declined = 0
        for case let path as String in walker where path.hasSuffix(".html") || path.hasSuffix(".out") {
            let html = try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
            guard let (fast, reference) = try HTMLParserParity.describeBoth(html) else {
                declined += 1
                continue
            }
            read += 1
            XCTAssert(fast == reference, "\(path)\n" + HTMLParserParity.firstDifference(fast, reference))
        }
        XCTAssertGreaterThan(read + declined, 100)
        XCTAssertGreaterThan(read, 10, "the fast path read almost none of the peers' cases")
    }

    /// Constructs at the edge of what the fast path takes: each gives libxml2's tree or is declined, and the ones
    /// it must read, it reads.
    func testHandWrittenCases() throws {
        let mustRead = [
            "<!DOCTYPE html>\n<html>\n<head><title>a &amp; b</title></head>\n<body>\n<p>x</p>\n</body>\n</html>\n",
            "<html><body><table><tr><td><table><tr><td>nested</td></tr></table></td></tr></table></body></html>",
            "<html><body><p>&lt;&#233;&#x1F600;&nbsp;&copy;</p><input checked disabled=\"\"><br/></body></html>",
            "<html><body><section>unknown to libxml2</section><!--[if mso]><table><![endif]--></body></html>",
        ]
        for html in mustRead {
            XCTAssertNotNil(try HTMLParserParity.describeBoth(html), "declined: \(html)")
        }
        for html in HTMLParserParity.handWrittenCases + mustRead {
            guard let (fast, reference) = try HTMLParserParity.describeBoth(html) else { continue }
            XCTAssert(fast == reference, "\(html.prefix(200))\n" + HTMLParserParity.firstDifference(fast, reference))
        }
        let mustDecline = [
            "<html><body><p>a<div>b</div></p></body></html>",  // <div> closes the <p> in libxml2
            "<html><body><p>a<p>b</p></p></body></html>",
            "<p>no html element</p>",
            "<html><body><a href=\"?a=1&b=2\">x</a></body></html>",  // libxml2 repairs the `&b`
            "<html><body><b><i>x</b></i></body></html>",
            "<html><body>" + String(repeating: "<div>", count: 300) + "deep</body></html>",  // libxml2 stops at 256
        ]
        for html in mustDecline {
            XCTAssertNil(try HTMLParserParity.describeBoth(html), "read: \(html)")
        }
        // Text is skipped eight bytes at a time: a control character (a carriage return too) or U+FFFF anywhere in a long run still
        // declines, and line feeds, tabs and blanks anywhere still count as they do byte by byte.
        for offset in 0..<20 {
            let before = String(repeating: "a", count: offset), after = String(repeating: "b", count: 19 - offset)
            for bad in ["\u{01}", "\u{1F}", "\r", "\u{FFFF}"] {
                let html = "<html><body><p>\(before + bad + after)</p></body></html>"
                XCTAssertNil(try HTMLParserParity.describeBoth(html), "read: \(offset) \(bad.debugDescription)")
            }
            for fine in ["\n", "\t", " ", "é", "\u{FFFD}"] {
                let html = "<html><body><p>\(before + fine + after)</p>\n<p>\(String(repeating: " ", count: offset))</p></body></html>"
                let (fast, reference) = try XCTUnwrap(HTMLParserParity.describeBoth(html), "declined: \(offset) \(fine.debugDescription)")
                XCTAssert(fast == reference, HTMLParserParity.firstDifference(fast, reference))
            }
        }
    }
}

/// Both parsers, and a description of their trees that shows every difference that matters.
enum HTMLParserParity {
    /// The fast path's tree and libxml2's, described; nil when the fast path declined.
    static func describeBoth(_ html: String) throws -> (fast: String, libxml2: String)? {
        try HTMLDocument.describedByBothParsers(html).map { ($0.wellFormed, $0.libxml2) }
    }

    /// The text around the place where the fast path gave up.
    static func declineContext(_ html: String) -> String {
        var input = html
        guard let position = input.withUTF8({ WellFormedHTMLParser.declinedPosition($0) }) else { return "(read)" }
        let bytes = Array(html.utf8)
        let before = String(decoding: bytes[max(0, position - 60)..<position], as: UTF8.self)
        let after = String(decoding: bytes[position..<min(bytes.count, position + 40)], as: UTF8.self)
        return "byte \(position): \((before + "⟦" + after).debugDescription)"
    }

    static func firstDifference(_ fast: String, _ reference: String) -> String {
        let a = fast.split(separator: "\n", omittingEmptySubsequences: false)
        let b = reference.split(separator: "\n", omittingEmptySubsequences: false)
        for index in 0..<max(a.count, b.count) where index >= a.count || index >= b.count || a[index] != b[index] {
            let context = b[max(0, index - 3)..<min(b.count, index)].joined(separator: "\n")
            func shown(_ lines: [Substring], _ index: Int) -> String { index < lines.count ? String(lines[index].prefix(300)) : "(end)" }
            return "…\n\(context.prefix(600))\nfast:    \(shown(a, index))\nlibxml2: \(shown(b, index))"
        }
        return "(no difference)"
    }

    /// Writes a failing input where a developer can replay it; returns the path.
    static func keep(_ html: String, name: String) -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gazette-parity-\(name).html").path
        try? html.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Inserts, deletes or duplicates a few bytes, mostly with characters and tags that change how HTML is read.
    static func mutate(_ bytes: inout [UInt8], using generator: inout SplitMix) {
        guard !bytes.isEmpty else { return }
        let at = Int.random(in: 0..<bytes.count, using: &generator)
        switch Int.random(in: 0..<10, using: &generator) {
        case 0...5:
            let pieces = ["<", ">", "&", ";", "\"", "'", "=", " ", "\n", "/", "-", "!", "#", "x", "</p>", "<p>", "<div>",
                          "</div>", "<br>", "<br/>", "</td>", "<td>", "<tr>", "<li>", "</li>", "<!--", "-->", "<b>", "</b>",
                          "<head>", "<body>", "</body>", "</html>", "&amp;", "&nbsp;", "&#65;", "&#x10FFFF;", "&#0;",
                          "&bogus;", "&lt", "<table>", "</table>", "<style>", "</style>", "<script>", "<o:p>", "<!DOCTYPE html>",
                          "<?xml?>", "<![CDATA[x]]>", "\u{A0}", "é", "\t", "<img src=x>", "<a href=x/>", "<p/>", "<select>",
                          "<option>", "<input checked>", "<tbody>", "<form>", "<title>", "<meta charset=utf-8>", "<ul>", "<dl>", "<dt>", "<dd>"]
            bytes.insert(contentsOf: Array(pieces[Int.random(in: 0..<pieces.count, using: &generator)].utf8), at: at)
        case 6...7:
            bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...8, using: &generator)))
        default:
            let end = min(bytes.count, at + Int.random(in: 1...40, using: &generator))
            bytes.insert(contentsOf: Array(bytes[at..<end]), at: Int.random(in: 0...bytes.count, using: &generator))
        }
    }

    static let handWrittenCases: [String] = [
        "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n<html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:v=\"urn:schemas-microsoft-com:vml\">\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=UTF-8\">\n<title>T</title>\n</head>\n<body>\n<center><table><tr><td>x</td></tr></table></center>\n</body>\n</html>\n",
        "<!-- before -->\n<!DOCTYPE html>\n<!-- after -->\n<html><body><p>x</p></body></html>\n<!-- end -->\n",
        "<html>\n  <head>\n    <style>\n" + String(repeating: "p { color: red; }\n", count: 130) + "    </style>\n  </head>\n  <body>\n" + String(repeating: "word ", count: 400) + "\n</body></html>",
        "<html><body><p title=a\nb class=\"x\ny\" data-x='1'>multi\nline</p><img\nsrc=\"a.png\"\nalt=\"\"\n/></body></html>",
        "<html><body><ul><li>a</li><li>b<ul><li>c</li></ul></li></ul><dl><dt>t</dt><dd>d</dd></dl></body></html>",
        "<html><body><script>if (a < b && c) { x = '</' }</script><style>a{}</style><textarea>&lt;x&gt;</textarea></body></html>",
        "<html><head></head><body></body></html>",
        "<HTML><BODY><P CLASS=x>Upper</P></BODY></HTML>",
        "<html><body>text directly in body <b>bold</b> tail</body></html>",
        "<html><body><p>a</p>  <p>b</p>\n</body>\n</html>",
        "<html><body><p>unclosed at the end",
        "<html><body><a name=\"t\">1</a><a name=\"u\" id=\"u\">2</a><p id=\"t\">3</p><p id=\"\">4</p></body></html>",
        // Found by the `html` fuzz target: a document of one space; elements left open at the end, a repeated id.
        " ", "<!DOCTYPE html>\n<!-- only a comment -->\n", "<html>\n  <head>\n    <style></\ndy>\n",
        "<html><body>'<style><body>'<style>r</style></body></html>", "<html><head><style><b>x</b></style></head></html>",
        "<html>\n<head>\n<style>\nt}\n</style>\n<s.yle>\n>\n>\n", "\n<html xml/><html ml/><html ><head></head></html>",
        "<html><head/><body><p>x</p></body></html>", "<html><body/><p>x</p></html>", "<html><head><noscript><p>x</p></noscript><xml></xml></head><body></body></html>",
        "<html><head><me:ta name=\"viewport\"></head><body><p>Outlook's <o:p></o:p></p></body></html>",
        "<html><body>\n<div id=\"wrap\" a=\"b\">\n  <div class=\"wrap\" id=\"wrap-2\">\n    <dimlody>\n<div id=\"wrap\" a=\"b\">\n  <di>\n",
        "<html><body><div><p>a</p></div><span><a href=\"x\">l</a></span></body></html>",
        "<html><body><option>a<option>b</body></html>",
        "<html><body><table><tr><td>a<td>b</table></body></html>",
        "<html><body><p>&#128;&#xD800;&#1114112;&unknown;&amp</p></body></html>",
        "<html><body><!----><!-- a -- b --><!-->x<!--->y</body></html>",
        "<html><body><br></br><img src=x></img></body></html>",
        "<html><body><font color=red>x</font><nobr>y</nobr><wbr></body></html>",
        "<html lang=\"en\" dir=\"ltr\"><head><meta name=\"viewport\" content=\"width=device-width\"><link rel=\"stylesheet\" href=\"email.css\"></head><body style=\"margin:0\"><div id=\"content\"><h1 id=\"x\">H</h1></div></body></html>",
    ]
}

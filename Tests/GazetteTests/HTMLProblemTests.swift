// HTML problems in a body are reported at Markdown lines from a parse of the body alone, which the renderer runs
// only when the email's own parse hints at one. Each broken body here must get exactly the findings that parse gives.
import Foundation
import GazetteTestSupport
import Markup
import XCTest
@testable import Gazette

final class HTMLProblemTests: XCTestCase {
    /// Raw HTML a writer may leave broken, and constructs that the layout around the body could end silently.
    static let brokenBodies = [
        "<div>unclosed div", "</td> stray", "</table></tr> closes", "<b><i>misnested</b></i>", "<!-- unterminated comment",
        "<a href=\"x>unterminated quote</a>", "<a href='x>single quote</a>", "</body> early", "<html><body>again</body></html>",
        "<p>a</div>", "<span>x</span></span>", "<table><tr><td>cell</table>", "<section>html5</section> and <foo>unknown</foo>",
        "&bogus; entity &#xZZ;", "<img src=x alt='a' alt='b'>", "<td>stray cell</td>", "<head>in body</head>", "<br/></br>",
        "<div <p>>broken tag", "<ul><li>a<li>b</ul></li>", "<p>ok</p>\n\n<div>\n\n*md* </div></div>", "<script>alert(1)",
        "<style>p { color: red }", "<!-- done --> then </td>", "<!---->ok</div>", "<!-->odd", "<!--->odd", "<?php open",
        "<!DOCTYPE html>", "<![CDATA[ x ]]>", "<!bogus", "<div class=\"a\" <b>x</b>", "<img src=\"a.png\"", "text <b",
    ]

    func testBrokenBodiesGetTheFindingsOfTheBodysOwnParse() throws {
        let (directory, project) = try makeProject()
        let templates = try TemplateSet(projectRoot: project.root)
        let renderer = IssueRenderer(project: project, templates: templates)
        var reported = 0
        for (index, body) in Self.brokenBodies.enumerated() {
            let issue = try writeIssue(index, body: body, in: directory, project: project)
            let rendered = try renderer.render(issue)
            let expected = ContentInspector(project: project, issue: issue, templates: templates)
                .htmlErrors(in: rendered.markdownHTML)
            XCTAssertEqual(rendered.diagnostics.filter { $0.code == "html" }, expected, "body: \(body)")
            reported += expected.isEmpty ? 0 : 1
        }
        XCTAssertGreaterThan(reported, 20, "most of these bodies have a problem libxml2 reports")
    }

    func testACleanIssueSkipsTheSecondParse() throws {
        let (directory, project) = try makeProject()
        let templates = try TemplateSet(projectRoot: project.root)
        let issue = try writeIssue(0, body: "Plain *Markdown*, a [link](https://example.org) and <!-- a note -->.",
                                   in: directory, project: project)
        let layout = try IssueRenderer(project: project, templates: templates).emailLayout(issue, slots: SlotTable())
        let document = try HTMLDocument(parsing: layout.html)
        let start = try XCTUnwrap(layout.contentStartLine)
        XCTAssertTrue(layout.html.split(separator: "\n", omittingEmptySubsequences: false)[start - 1].contains("Some text first"))
        XCTAssertFalse(ContentInspector.bodyMayHaveHTMLProblems(document.parseIssues, contentStartLine: start))
        XCTAssertFalse(ContentInspector.mayHoldOpenRawConstruct(layout.markdownHTML))
        XCTAssertTrue(ContentInspector.mayHoldOpenRawConstruct("<p>a</p><!-- open"))
        XCTAssertTrue(ContentInspector.mayHoldOpenRawConstruct("<SCRIPT>x</SCRIPT>"))
    }

    func testALayoutThatEscapesTheBodyStillGetsTheBodysFindings() throws {
        let (directory, project) = try makeProject()
        let layout = try String(contentsOf: directory.url.appendingPathComponent("templates/email.html"), encoding: .utf8)
        try directory.write(layout.replacingOccurrences(of: "{{{content}}}", with: "{{content}}"), to: "templates/email.html")
        let templates = try TemplateSet(projectRoot: project.root)
        let issue = try writeIssue(0, body: "Text.\n\n<b><i>misnested</b></i>", in: directory, project: project)
        XCTAssertNil(try IssueRenderer(project: project, templates: templates).emailLayout(issue, slots: SlotTable()).contentStartLine)
        let rendered = try IssueRenderer(project: project, templates: templates).render(issue)
        let expected = ContentInspector(project: project, issue: issue, templates: templates).htmlErrors(in: rendered.markdownHTML)
        XCTAssertFalse(expected.isEmpty)
        XCTAssertEqual(rendered.diagnostics.filter { $0.code == "html" }, expected)
    }

    func makeProject() throws -> (TemporaryDirectory, Project) {
        let directory = try TemporaryDirectory("html-problems")
        addTeardownBlock { directory.remove() }
        try Scaffold.initialize(directory.url, force: true, templatesOnly: true)
        try directory.write(try String(contentsOf: TestPaths.packageRoot.appendingPathComponent("gazette.yml"), encoding: .utf8),
                            to: "gazette.yml")
        return (directory, try Project(root: directory.url))
    }

    func writeIssue(_ index: Int, body: String, in directory: TemporaryDirectory, project: Project) throws -> IssueSource {
        let file = try directory.write("""
            ---
            title: Broken \(index)
            date: 2024-01-01
            preheader: A preheader long enough for the check, some forty characters.
            ---
            Some text first.

            \(body)

            After the HTML, more words.

            """, to: "content/issues/\(String(format: "%03d", index + 1))-broken.md")
        return try project.loadIssue(at: file)
    }
}

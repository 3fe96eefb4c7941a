// Relative links in an issue, resolved by RFC 3986 everywhere the build writes them: the email's HTML and text
// part (absolute), the web page (relative to the page when inside the site), the feed (absolute); and `check`
// naming a link that leaves content/.
import Foundation
import GazetteTestSupport
import XCTest
@testable import Gazette

final class RelativeLinkTests: XCTestCase {
    var directory: TemporaryDirectory!

    static let issue = """
    ---
    title: "Links"
    date: 2026-02-01
    preheader: "Every kind of relative link an issue can have, and where each one ends up."
    ---

    The [report](../missing.pdf) is not in content/. The [chart](images/../images/chart.png) is, and so
    is the [same chart](./images/chart.png?size=large#top). [About us](/about/) is at the root of the host,
    [this section](#links) stays in the page and [leave](https://example.org/leave?x=1) is absolute.
    Write to [the editor](mailto:editor@fixture.example.org) or [unsubscribe]({{unsubscribe_url}}).

    """

    override func setUpWithError() throws {
        directory = try TemporaryDirectory("links")
        addTeardownBlock { [directory] in directory?.remove() }
        try directory.copy(from: TestPaths.fixtures.appendingPathComponent("projects/minimal"))
        try directory.write(Self.issue, to: "content/issues/001-hello.md")
        try directory.write(Data([0x89, 0x50, 0x4E, 0x47]), to: "content/images/chart.png")
    }

    func useBaseURL(_ base: String) throws {
        let yaml = try directory.read("gazette.yml")
        try directory.write(yaml.replacingOccurrences(of: "https://fixture.example.org/", with: base), to: "gazette.yml")
    }

    func render() throws -> RenderedIssue {
        let project = try Project(root: directory.url)
        let templates = try TemplateSet(projectRoot: project.root)
        return try IssueRenderer(project: project, templates: templates).render(project.loadIssue(at: project.findIssue("1")))
    }

    func testEmailLinksAreResolvedWithoutDotSegments() throws {
        let rendered = try render()
        let text = rendered.prepared.text.renderUnescaped(rendered.prepared.slotNames.map { "{{\($0)}}" })
        let html = rendered.prepared.html.renderUnescaped(rendered.prepared.slotNames.map { "{{\($0)}}" })
        for output in [text, html] {
            XCTAssertTrue(output.contains("https://fixture.example.org/missing.pdf"), output)
            XCTAssertTrue(output.contains("https://fixture.example.org/images/chart.png"), output)
            XCTAssertTrue(output.contains("https://fixture.example.org/images/chart.png?size=large#top"), output)
            XCTAssertTrue(output.contains("https://fixture.example.org/about/"), output)
            XCTAssertTrue(output.contains("https://example.org/leave?x=1"), output)
            XCTAssertFalse(output.contains("/../") || output.contains("/./"), "dot segments left in:\n\(output)")
        }
        XCTAssertTrue(html.contains("href=\"mailto:editor@fixture.example.org\""), html)
        XCTAssertTrue(html.contains("href=\"#links\""), "a fragment stays in the page")
        XCTAssertTrue(html.contains("href=\"{{unsubscribe_url}}\""), "the slot is untouched")
    }

    func testABaseURLWithAPath() throws {
        try useBaseURL("https://example.org/news/")
        let rendered = try render()
        let text = rendered.prepared.text.renderUnescaped(rendered.prepared.slotNames.map { "{{\($0)}}" })
        XCTAssertTrue(text.contains("https://example.org/missing.pdf"), text)
        XCTAssertTrue(text.contains("https://example.org/news/images/chart.png"), text)
        XCTAssertTrue(text.contains("https://example.org/about/"), "a root-relative link leaves the base's path: \(text)")
        XCTAssertEqual(rendered.prepared.webURL, "https://example.org/news/issues/hello/")
    }

    func testWebPageLinksStayRelativeInsideTheSiteAndTheFeedIsAbsolute() throws {
        try useBaseURL("https://example.org/news/")
        let project = try Project(root: directory.url)
        _ = SiteBuilder(project: project, options: BuildOptions()).build()
        let page = try directory.read("public/issues/hello/index.html")
        XCTAssertTrue(page.contains("href=\"../../images/chart.png\""), page)
        XCTAssertTrue(page.contains("href=\"../../images/chart.png?size=large#top\""), page)
        XCTAssertTrue(page.contains("href=\"https://example.org/missing.pdf\""), "outside the site: absolute")
        XCTAssertTrue(page.contains("href=\"https://example.org/about/\""), page)
        XCTAssertTrue(page.contains("href=\"#links\""), page)
        let feed = try directory.read("public/feed.xml")
        XCTAssertTrue(feed.contains("https://example.org/news/images/chart.png"), feed)
        XCTAssertTrue(feed.contains("https://example.org/news/feed.xml"), feed)
        XCTAssertFalse(feed.contains("../"), feed)
    }

    func testCheckSaysWhenALinkLeavesContent() throws {
        let rendered = try render()
        let missing = rendered.diagnostics.filter { $0.code == "missing-file" }
        XCTAssertEqual(missing.count, 1, "only ../missing.pdf: \(rendered.diagnostics)")
        XCTAssertTrue(missing.first?.message.contains("../missing.pdf, which is outside content/") == true, "\(missing)")
        XCTAssertTrue(missing.first?.message.contains("https://fixture.example.org/missing.pdf") == true, "\(missing)")
        XCTAssertEqual(missing.first?.location?.line, 7)

        try FileManager.default.removeItem(at: directory.url.appendingPathComponent("content/images/chart.png"))
        let gone = try render().diagnostics.filter { $0.code == "missing-file" }
        XCTAssertEqual(gone.count, 3, "the two chart links as well: \(gone)")
        XCTAssertTrue(gone.contains { $0.message.contains("content/images/chart.png does not exist") }, "\(gone)")
    }
}

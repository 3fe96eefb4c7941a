// The example newsletter at the repository root, built as `scripts/example` builds it: golden email HTML and
// text for its first issue, a valid Atom feed, and personalization that survives the whole pipeline.
import Foundation
import GazetteTestSupport
import Markup
import XCTest
@testable import Gazette

final class ExampleNewsletterTests: XCTestCase {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    var directory: TemporaryDirectory!
    var project: Project!

    override func setUpWithError() throws {
        directory = try TemporaryDirectory("example")
        addTeardownBlock { [directory] in directory?.remove() }
        try directory.copy(from: TestPaths.packageRoot, skipping: [".build", ".git", ".venv", "public", "logs", "outbox",
                                                                   "Sources", "Tests", "scripts", "docs", ".ci"])
        project = try Project(root: directory.url)
    }

    func testExampleBuildsCleanAndItsFeedIsValidAtom() throws {
        let result = SiteBuilder(project: project, options: BuildOptions()).build()
        XCTAssertEqual(result.diagnostics.filter { $0.severity == .error }, [])
        XCTAssertEqual(result.rendered.count, 3)
        for path in ["public/index.html", "public/feed.xml", "public/style.css", "public/images/lighthouse-2-0.png"] {
            XCTAssertTrue(result.writtenFiles.contains(path), "\(path) not in \(result.writtenFiles)")
        }
        let xmllint = try PythonTools.runTool("xmllint", arguments: ["--noout", directory.url.appendingPathComponent("public/feed.xml").path])
        XCTAssertEqual(xmllint.status, 0, xmllint.stderr)
        // Atom's required elements (RFC 4287 §4.1.1, §4.1.2), read back with an XML parser.
        let feed = try PythonTools.runTool("xmllint", arguments: [
            "--xpath", "count(/*[local-name()='feed']/*[local-name()='entry'][*[local-name()='id'] and *[local-name()='title'] and *[local-name()='updated']])",
            directory.url.appendingPathComponent("public/feed.xml").path])
        XCTAssertEqual(feed.output.trimmingCharacters(in: .whitespacesAndNewlines), "3", feed.stderr)
    }

    func testExampleChecksHaveNoErrors() throws {
        let report = Checker(project: project, options: BuildOptions()).run()
        XCTAssertEqual(report.diagnostics.filter { $0.severity == .error }.map(\.description), [])
        XCTAssertEqual(report.issues.count, 3)
    }

    /// The postal address is found in the email's text with white space collapsed on both sides (the footer
    /// may wrap it, gazette.yml may spell it with line breaks or no-break spaces); another address is not.
    func testThePostalAddressIsFoundWhateverItsWhiteSpace() throws {
        let footer = "templates/partials/email-footer.html"
        try directory.write(try directory.read(footer).replacingOccurrences(
            of: "{{newsletter.postal_address}}", with: "Lighthouse Project,\n   c/o Harbour&nbsp;Commons, 12 Quay Street, Portsmouth, NH 03801, USA"), to: footer)
        let configuration = try directory.read("gazette.yml")
        let findings = { (address: String) throws -> [String] in
            try self.directory.write(configuration.replacingOccurrences(
                of: "\"Lighthouse Project, c/o Harbour Commons, 12 Quay Street, Portsmouth, NH 03801, USA\"", with: address),
                to: "gazette.yml")
            let report = Checker(project: try Project(root: self.directory.url), options: BuildOptions()).run()
            return report.diagnostics.filter { $0.code == "postal-address" }.map(\.message)
        }
        XCTAssertEqual(try findings("\"Lighthouse  Project, c/o Harbour Commons,\\n12 Quay\\u00A0Street, Portsmouth, NH 03801, USA\""), [])
        XCTAssertEqual(try findings("\"Lighthouse Project, 12 Quay Street\""), ["the email does not show the postal address"])
    }

    func testFirstIssueMatchesGoldenHTMLAndText() throws {
        let rendered = try render("001")
        let readable = rendered.prepared.slotNames.map { "{{\($0)}}" }
        assertGoldenFile(rendered.prepared.html.withEscaping(.none).render(readable), path: "example-issue/expected.html", root: Self.golden)
        assertGoldenFile(rendered.prepared.text.render(readable), path: "example-issue/expected.txt", root: Self.golden)
    }

    func testPersonalizedMessageCarriesTheRecipientsValuesEscaped() throws {
        let rendered = try render("001")
        let prepared = rendered.prepared
        XCTAssertTrue(prepared.slotNames.contains("unsubscribe_url"))
        let values = prepared.slotValues(fields: ["email": "ada@example.org", "name": "Ada <Lovelace> & Co"],
                                         unsubscribeURL: "https://x.example.org/u?token=abc&list=main",
                                         defaults: project.configuration.personalizationDefaults)
        let html = prepared.html.render(values)
        let document = try HTMLDocument(parsing: html)
        let links = LinkStatistics(try XCTUnwrap(document.body)).links.map(\.href)
        XCTAssertTrue(links.contains("https://x.example.org/u?token=abc&list=main"), "\(links)")
        XCTAssertFalse(html.contains(SlotTable.prefix), "every slot is filled")
        XCTAssertFalse(html.contains("<Lovelace>"), "values are escaped in HTML")
        let text = prepared.text.render(values)
        XCTAssertTrue(text.contains("ada@example.org"))
        XCTAssertTrue(text.contains("https://x.example.org/u?token=abc&list=main"))
    }

    func testCodeKeepsTemplateSyntaxLiteral() throws {
        let issues = project.issueFiles()
        var found = false
        for file in issues {
            let rendered = try render(file.lastPathComponent)
            let html = rendered.prepared.html.withEscaping(.none).render(rendered.prepared.slotNames.map { "{{\($0)}}" })
            if html.contains("<code>{{subscriber.name}}</code>") || html.contains("{{#") { found = true }
        }
        XCTAssertTrue(found, "an example issue shows Mustache syntax in code, literally")
    }

    func render(_ reference: String) throws -> RenderedIssue {
        let templates = try TemplateSet(projectRoot: project.root)
        let issue = try project.loadIssue(at: project.findIssue(reference))
        return try IssueRenderer(project: project, templates: templates).render(issue)
    }
}

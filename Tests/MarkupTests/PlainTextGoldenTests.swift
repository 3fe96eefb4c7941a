// Golden tests of PlainTextWriter: Golden/plaintext-<case>/input.html must become expected.txt byte for byte.
// GAZETTE_RECORD=1 rewrites expected.txt (and fails, so the new baseline is reviewed).
import XCTest
@testable import Markup

final class PlainTextGoldenTests: XCTestCase {
    private func assertTextGolden(
        _ name: String, options: PlainTextOptions = .init(), file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let html = try goldenInput("\(name)/input.html", file: file, line: line)
        let document = try HTMLDocument(parsing: html)
        let text = PlainTextWriter.text(from: try XCTUnwrap(document.root, file: file, line: line), options: options)
        assertGolden(text, path: "\(name)/expected.txt", file: file, line: line)
    }

    /// A table-based responsive email: nested presentation tables, hidden preheader, Outlook conditional
    /// comments, header, content with every kind of block, a data table, images, footer with unsubscribe.
    func testResponsiveEmailLayout() throws {
        try assertTextGolden("plaintext-email-layout")
    }

    /// The same kinds of content as cmark writes them: loose and tight lists, quotes in list items,
    /// code blocks, raw HTML, and a table too wide for columns.
    func testMarkdownArticle() throws {
        try assertTextGolden("plaintext-markdown-article")
    }

    func testInlineLinks() throws {
        try assertTextGolden("plaintext-inline-links", options: PlainTextOptions(width: 60, links: .inline))
    }
}

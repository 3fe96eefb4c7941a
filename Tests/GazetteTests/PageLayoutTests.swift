// The example's email and web page as a browser lays them out (headless Chromium): on a 375 px phone
// nothing overflows sideways and images fit; at 600 px the email keeps its fixed-width column. At both widths
// code blocks wrap inside their box instead of being cut off or scrolling.
import Foundation
import GazetteTestSupport
import XCTest
@testable import Gazette

final class PageLayoutTests: XCTestCase {
    func testEmailAndPageFitAPhoneScreen() throws {
        _ = try Chromium.require()
        let directory = try TemporaryDirectory("layout")
        addTeardownBlock { directory.remove() }
        try directory.copy(from: TestPaths.packageRoot, skipping: [".build", ".git", ".venv", "public", "logs", "outbox",
                                                                   "Sources", "Tests", "scripts", "docs", ".ci", "Benchmarks"])
        let project = try Project(root: directory.url)
        let result = SiteBuilder(project: project, options: BuildOptions()).build()
        XCTAssertFalse(result.hasErrors)
        let issue = try XCTUnwrap(result.rendered.first)
        let values = issue.prepared.slotValues(fields: ["email": "ada@example.org", "name": "Ada"],
                                               unsubscribeURL: "https://example.org/u?token=x", defaults: [:])
        let email = try directory.write(issue.prepared.html.render(values), to: "public/email-personalized.html")
        let page = directory.url.appendingPathComponent("public/issues/\(issue.source.slug)/index.html")

        for (file, width) in [(email, 375), (page, 375), (email, 600), (page, 600)] {
            let measured = try Chromium.measure(page: file, width: width, in: file.deletingLastPathComponent())
            let scrollWidth = try XCTUnwrap(measured["scrollWidth"] as? Double)
            let innerWidth = try XCTUnwrap(measured["innerWidth"] as? Double)
            XCTAssertEqual(innerWidth, Double(width), "\(file.lastPathComponent)")
            XCTAssertLessThanOrEqual(scrollWidth, innerWidth + 1, "\(file.lastPathComponent) overflows at \(width) px")
            for right in measured["imageRights"] as? [Double] ?? [] {
                XCTAssertLessThanOrEqual(right, innerWidth + 1, "an image sticks out at \(width) px in \(file.lastPathComponent)")
            }
            let codeBlocks = measured["codeBlocks"] as? [[String: Any]] ?? []
            XCTAssertFalse(codeBlocks.isEmpty, "the example issue has a code block to measure")
            for block in codeBlocks {
                let text = block["text"] as? String ?? "?"
                let content = try XCTUnwrap(block["scrollWidth"] as? Double), box = try XCTUnwrap(block["clientWidth"] as? Double)
                XCTAssertLessThanOrEqual(content, box, "the code block \"\(text)…\" is \(content) px wide in a \(box) px box at \(width) px in \(file.lastPathComponent)")
                XCTAssertLessThanOrEqual(try XCTUnwrap(block["right"] as? Double), innerWidth + 1, "the code block \"\(text)…\" sticks out at \(width) px")
            }
        }
    }
}

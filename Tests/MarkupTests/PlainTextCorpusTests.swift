// Real newsletters (../shared/corpora/newsletters, see its SOURCE.md) through CommonMark and PlainTextWriter:
// the text must keep to the width, keep every link's URL, and leave no HTML behind.
import Foundation
import GazetteTestSupport
import XCTest
@testable import Markup

final class PlainTextCorpusTests: XCTestCase {
    private static let corpora = TestPaths.corpora.appendingPathComponent("newsletters")

    func testThisWeekInRust() throws {
        try checkIssue("this-week-in-rust/2026-08-19-this-week-in-rust.md")
    }

    func testSwiftWeeklyBrief() throws {
        try checkIssue("swift-weekly-brief/2019-07-11-issue-138.md")
    }

    func testHaskellWeekly() throws {
        try checkIssue("haskell-weekly/issue-538.markdown")
    }

    /// Every issue of the three newsletters, not only the three above: all must pass.
    func testWholeCorpus() throws {
        var checked = 0
        for folder in ["this-week-in-rust", "swift-weekly-brief", "haskell-weekly"] {
            let directory = Self.corpora.appendingPathComponent(folder)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            for name in names.sorted() where name.hasSuffix(".md") || name.hasSuffix(".markdown") {
                try checkIssue("\(folder)/\(name)")
                checked += 1
            }
        }
        if checked > 0 { XCTAssertEqual(checked, 90) }
    }

    // MARK: Checks

    private func checkIssue(_ path: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let url = Self.corpora.appendingPathComponent(path)
        guard FileManager.default.fileExists(atPath: url.path) else {
            let message = "corpus missing at \(url.path)"
            if ProcessInfo.processInfo.environment["CI"] == "true" { XCTFail(message, file: file, line: line) }
            throw XCTSkip(message)
        }
        let markdown = Self.strippingFrontMatter(try String(contentsOf: url, encoding: .utf8))
        let document = try HTMLDocument(parsing: try CommonMark.html(fromMarkdown: markdown))
        let root = try XCTUnwrap(document.root, file: file, line: line)
        let text = PlainTextWriter.text(from: root)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()

        XCTAssertTrue(text.hasSuffix("\n") && !text.hasSuffix("\n\n"), "\(path): ends with one newline", file: file, line: line)
        let preformatted = Set(document.allElements.filter { $0.name == "pre" }.flatMap {
            $0.textContent.split(separator: "\n").map { String($0).trimmingTrailingSpaces() }
        })
        var blankBefore = false
        for (number, current) in lines.enumerated() {
            let where_ = "\(path) line \(number + 1): \(current)"
            XCTAssertFalse(current.hasSuffix(" "), "trailing space in \(where_)", file: file, line: line)
            let blank = current.allSatisfy { $0 == ">" || $0 == " " }
            XCTAssertFalse(blank && blankBefore, "two blank lines in \(where_)", file: file, line: line)
            blankBefore = blank
            if TextWrapper.displayWidth(of: String(current)) > 78 {
                XCTAssertTrue(Self.isUnbreakable(current, preformatted: preformatted), "over 78 columns: \(where_)",
                              file: file, line: line)
            }
        }

        for link in LinkStatistics(root).links where PlainTextWriter.leadsSomewhere(link.href) && !link.text.isEmpty {
            let shown = link.isMailto ? PlainTextWriter.mailAddress(link.href) : link.href
            XCTAssertTrue(text.contains(shown), "\(path): the URL of line \(link.line) is missing: \(shown)",
                          file: file, line: line)
        }

        let literalText = root.textContent
        for match in text.matches(of: Self.htmlTag) where !literalText.contains(match.output) {
            XCTFail("\(path): HTML left in the text: \(match.output)", file: file, line: line)
        }
    }

    nonisolated(unsafe) private static let htmlTag =
        #/</?(?:p|div|span|a|img|ul|ol|li|table|tr|td|th|br|hr|h[1-6]|strong|em|b|i|code|pre|blockquote)(?:\s[^>]*)?/?>/#

    /// A line may be over the width only when it holds one word that can't be broken (a URL, perhaps with
    /// its reference number) after its prefix, or is a line of a code block.
    private static func isUnbreakable(_ line: Substring, preformatted: Set<String>) -> Bool {
        if preformatted.contains(where: { $0.hasSuffix(line.trimmingPrefix(#/[> ]*/#)) }) { return true }
        let content = line.trimmingPrefix(#/(?:\s*(?:>|-|\*|\d+\.|\[\d+\]|#+)(?=\s))*\s*/#)
        return content.wholeMatch(of: #/\S+(?: \[\d+\])?[.,;:)]*/#) != nil
    }

    /// Drops Jekyll YAML (`---` … `---`) or Pelican (`Key: value` lines up to a blank line) front matter.
    static func strippingFrontMatter(_ text: String) -> String {
        if text.hasPrefix("---\n"), let end = text.range(of: "\n---\n", range: text.index(text.startIndex, offsetBy: 4)..<text.endIndex) {
            return String(text[end.upperBound...])
        }
        if text.prefixMatch(of: #/[A-Z][A-Za-z]*: /#) != nil, let end = text.range(of: "\n\n") {
            return String(text[end.upperBound...])
        }
        return text
    }
}

private extension String {
    func trimmingTrailingSpaces() -> String {
        var result = self
        while result.last == " " || result.last == "\t" { result.removeLast() }
        return result
    }
}

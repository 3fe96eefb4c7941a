import XCTest
@testable import Gazette

final class IssueSourceTests: XCTestCase {
    func issue(_ text: String, path: String = "content/issues/012-spring-release.md") throws -> IssueSource {
        try IssueSource(file: TextFile(path: path, text: text))
    }

    func testFrontMatterAndBody() throws {
        let source = try issue("---\ntitle: \"Spring\"\ndate: 2026-03-14\npreheader: Hello\nlists: [main, beta]\ntags: release\n---\n\n# Hi\n")
        XCTAssertEqual(source.title, "Spring")
        XCTAssertEqual(source.subject, "Spring")
        XCTAssertEqual(source.date.description, "2026-03-14")
        XCTAssertEqual(source.date.displayString, "14 March 2026")
        XCTAssertEqual(source.number, 12)
        XCTAssertEqual(source.slug, "spring-release")
        XCTAssertEqual(source.lists, ["main", "beta"])
        XCTAssertEqual(source.tags, ["release"])
        XCTAssertFalse(source.draft)
        XCTAssertEqual(source.bodyStartLine, 8)
        XCTAssertEqual(source.body, "\n# Hi\n")
    }

    func testBadDateNamesLineAndFormatAndTheIssueStillLoads() throws {
        let source = try assertError("---\ntitle: x\ndate: next tuesday\n---\nbody", code: "front-matter-date", line: 3, hint: "2025-03-14")
        XCTAssertEqual(source.date, IssueDate.today(), "today stands in for the date")
        XCTAssertEqual(source.body, "body")
        try assertError("---\ntitle: x\ndate: 2026-02-30\n---\nbody", code: "front-matter-date", line: 3)
        try assertError("---\ntitle: x\n---\nbody", code: "setting-missing", hint: "date")
    }

    func testMalformedYAMLPointsIntoTheMarkdownFile() {
        assertDiagnostic("---\ntitle: \"unclosed\ndate: 2026-01-01\n---\nbody", code: "yaml-syntax")
        assertDiagnostic("---\ntitle: a\n  b: c\ndate: 2026-01-01\n---\nbody", code: "yaml-syntax", line: 3)
    }

    func testUnclosedOrMissingFrontMatter() {
        assertDiagnostic("---\ntitle: x\n\nbody", code: "front-matter-unclosed", line: 1)
        assertDiagnostic("# Just markdown\n", code: "front-matter-missing", line: 1)
    }

    func testMissingOrEmptyTitleFallsBackToTheSlugSoTheSubjectIsNotEmptyToo() throws {
        let missing = try assertError("---\ndate: 2026-01-01\n---\nbody", code: "setting-missing", hint: "title")
        XCTAssertEqual(missing.title, "Spring release")
        XCTAssertEqual(missing.subject, "Spring release")
        let empty = try assertError("---\ntitle:\ndate: 2026-01-01\nsubject: Hello\n---\nbody", code: "setting-missing", line: 2)
        XCTAssertEqual(empty.subject, "Hello")
        try assertError("---\ntitle: \"  \"\ndate: 2026-01-01\n---\nbody", code: "setting-missing", line: 2)
    }

    func testWrongTypesOfOptionalKeysAreAllReportedWithFallbacks() throws {
        let source = try issue("---\ntitle: x\ndate: 2026-01-01\npreheader: [a, b]\ntags: {a: b}\ndraft: maybe\nlists: [[main]]\n---\nbody")
        XCTAssertEqual(source.errors.map(\.code), ["setting-type", "setting-type", "setting-type", "setting-type"])
        XCTAssertEqual(source.errors.compactMap(\.location?.line).sorted(), [4, 5, 6, 7])
        XCTAssertNil(source.preheader)
        XCTAssertEqual(source.tags, [])
        XCTAssertFalse(source.draft)
        XCTAssertNil(source.lists)
        XCTAssertEqual(source.diagnostics.count, 4)
    }

    func testErrorsAndWarningsTogetherInLineOrder() throws {
        let source = try issue("---\nauthr: me\ntitle:\ndate: 2026-01-01\ndraft: 3\n---\nbody")
        XCTAssertEqual(source.diagnostics.map(\.code), ["front-matter-unknown", "setting-missing", "setting-type"])
        XCTAssertEqual(source.warnings.count, 1)
        XCTAssertEqual(source.errors.count, 2)
    }

    func testUnknownKeyIsAWarning() throws {
        let source = try issue("---\ntitle: x\ndate: 2026-01-01\nauthr: me\n---\nbody")
        XCTAssertEqual(source.warnings.map(\.code), ["front-matter-unknown"])
        XCTAssertEqual(source.warnings.first?.location?.line, 4)
    }

    func testNumberFromFrontMatterWhenFileNameHasNone() throws {
        XCTAssertEqual(try issue("---\ntitle: x\ndate: 2026-01-01\nnumber: 7\n---\n", path: "content/issues/launch.md").number, 7)
        let unnumbered = try assertError("---\ntitle: x\ndate: 2026-01-01\n---\n", code: "issue-number", path: "content/issues/launch.md")
        XCTAssertEqual(unnumbered.slug, "launch")
        let badSlug = try assertError("---\ntitle: x\ndate: 2026-01-01\nslug: \"a b\"\n---\n", code: "issue-slug", line: 4)
        XCTAssertEqual(badSlug.slug, "spring-release", "the file's slug stands in")
    }

    func testSlugify() {
        XCTAssertEqual(IssueSource.slugify("Zoë's Spring Release: 2.0!"), "zoe-s-spring-release-2-0")
        XCTAssertEqual(IssueSource.slugify("!!!"), "issue")
    }

    func testTextLinesSplitAtLFAndCRLF() {
        XCTAssertEqual("a\r\nb\nc\r\n".textLines(), ["a", "b", "c", ""])
        XCTAssertEqual("a\rb".textLines(), ["a\rb"], "a lone CR is not a line end")
        XCTAssertEqual("".textLines(), [""])
    }

    func testCRLFFrontMatter() throws {
        let source = try issue("---\r\ntitle: x\r\ndate: 2026-01-01\r\n---\r\nbody\r\n")
        XCTAssertEqual(source.title, "x")
    }

    /// The issue loads, with exactly one error: `code`.
    @discardableResult
    private func assertError(_ text: String, code: String, line: Int? = nil, hint: String? = nil,
                             path: String = "content/issues/012-spring-release.md",
                             file: StaticString = #filePath, testLine: UInt = #line) throws -> IssueSource {
        let source = try issue(text, path: path)
        XCTAssertEqual(source.errors.map(\.code), [code], "\(source.errors)", file: file, line: testLine)
        if let diagnostic = source.errors.first {
            XCTAssertEqual(diagnostic.severity, .error, file: file, line: testLine)
            XCTAssertEqual(diagnostic.location?.path, path, file: file, line: testLine)
            if let line { XCTAssertEqual(diagnostic.location?.line, line, "\(diagnostic)", file: file, line: testLine) }
            if let hint { XCTAssertTrue("\(diagnostic.hint ?? "") \(diagnostic.message)".contains(hint), "\(diagnostic)", file: file, line: testLine) }
        }
        return source
    }

    private func assertDiagnostic(_ text: String, code: String, line: Int? = nil, hint: String? = nil,
                                  path: String = "content/issues/012-spring-release.md",
                                  file: StaticString = #filePath, testLine: UInt = #line) {
        do {
            _ = try issue(text, path: path)
            XCTFail("expected \(code)", file: file, line: testLine)
        } catch let error as DiagnosticError {
            guard let diagnostic = error.diagnostics.first else { return XCTFail("no diagnostic", file: file, line: testLine) }
            XCTAssertEqual(diagnostic.code, code, "\(diagnostic)", file: file, line: testLine)
            XCTAssertEqual(diagnostic.location?.path, path, file: file, line: testLine)
            if let line { XCTAssertEqual(diagnostic.location?.line, line, "\(diagnostic)", file: file, line: testLine) }
            if let hint { XCTAssertTrue("\(diagnostic.hint ?? "") \(diagnostic.message)".contains(hint), "\(diagnostic)", file: file, line: testLine) }
        } catch {
            XCTFail("unexpected \(error)", file: file, line: testLine)
        }
    }
}

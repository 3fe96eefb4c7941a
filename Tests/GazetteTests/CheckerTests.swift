// `Checker` on whole projects: an issue whose front matter has mistakes still gets every finding of its body,
// and neither build nor publish lets such an issue out.
import Foundation
import GazetteTestSupport
import XCTest
@testable import Gazette

final class CheckerTests: XCTestCase {
    var directory: TemporaryDirectory!

    override func setUpWithError() throws {
        directory = try TemporaryDirectory("checker")
        addTeardownBlock { [directory] in directory?.remove() }
        try directory.copy(from: TestPaths.fixtures.appendingPathComponent("projects/invalid-front-matter"))
    }

    /// The front matter has an empty title, a bad date and a mapping for `tags`; the body is short, the subject
    /// shouts and there is no preheader. All six are found in one run, and the empty title is one finding.
    static let expectedCodes: Set<String> = ["setting-missing", "front-matter-date", "setting-type",
                                             "subject-caps", "preheader-missing", "text-short"]

    func testFrontMatterErrorsAndBodyFindingsComeTogether() throws {
        let project = try Project(root: directory.url)
        let report = Checker(project: project, options: BuildOptions()).run()
        let issuePath = "content/issues/001-shouting.md"
        XCTAssertEqual(Set(report.diagnostics.map(\.code)), Self.expectedCodes, "\(report.diagnostics)")
        XCTAssertEqual(report.diagnostics.count, Self.expectedCodes.count, "each reported once: \(report.diagnostics)")
        XCTAssertFalse(report.diagnostics.contains { $0.code == "subject-empty" })
        XCTAssertEqual(report.issues.map(\.path), [issuePath], "the issue was rendered and measured")
        XCTAssertEqual(report.errorCount, 3)
        let lines = report.diagnostics.filter { $0.severity == .error }.compactMap(\.location?.line)
        XCTAssertEqual(lines, [2, 4, 5], "front matter lines of the title, the date and the tags")
    }

    /// A problem of a file every issue reads (here a suppression list linked to a file that is gone) is one
    /// finding, not one per issue.
    func testAProblemOfASharedFileIsReportedOnce() throws {
        let example = try TemporaryDirectory("checker-example")
        addTeardownBlock { example.remove() }
        try example.copy(from: TestPaths.packageRoot, skipping: [".git", ".venv", ".venv-bench", "public", "logs", "outbox",
                                                                 "Sources", "Tests", "Benchmarks", "Fuzz", "scripts", "docs", ".ci"])
        let link = example.url.appendingPathComponent("subscribers/suppressed.csv")
        try FileManager.default.removeItem(at: link)
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "/nonexistent/suppressed.csv")
        let report = Checker(project: try Project(root: example.url), options: BuildOptions()).run()
        XCTAssertGreaterThan(report.issues.count, 1)
        XCTAssertEqual(report.diagnostics.filter { $0.code == "list-missing" }.count, 1, "\(report.diagnostics)")
    }

    func testBuildLeavesTheIssueOutOfTheArchive() throws {
        let project = try Project(root: directory.url)
        let result = SiteBuilder(project: project, options: BuildOptions()).build()
        XCTAssertTrue(result.hasErrors)
        XCTAssertEqual(result.rendered.count, 0)
        XCTAssertFalse(result.writtenFiles.contains { $0.contains("shouting") }, "\(result.writtenFiles)")
        XCTAssertFalse(try directory.read("public/index.html").contains("HUGE NEWS"))
    }

    func testPublishRefusesAnIssueWithFrontMatterErrors() throws {
        let project = try Project(root: directory.url)
        var options = PublishOptions(issue: "1")
        options.dryRun = true
        options.environment = ["GAZETTE_UNSUBSCRIBE_SECRET": "test-secret"]
        let publisher = Publisher(project: project, options: options) { via in
            try Transports.make(via: via, configuration: project.configuration, caFile: nil, environment: [:], projectRoot: project.root)
        }
        XCTAssertThrowsError(try publisher.run()) { error in
            let codes = (error as? DiagnosticError)?.diagnostics.map(\.code) ?? []
            XCTAssertEqual(Set(codes), ["setting-missing", "front-matter-date", "setting-type"], "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.url.appendingPathComponent("logs/shouting.jsonl").path))
    }

    func testAFooterWithoutTheUnsubscribeLinkIsAnErrorAndWithItNone() throws {
        let footer = try String(contentsOf: TestPaths.packageRoot.appendingPathComponent("templates/partials/email-footer.html"),
                                encoding: .utf8)
        try directory.write(footer, to: "templates/partials/email-footer.html")
        let with = Checker(project: try Project(root: directory.url), options: BuildOptions()).run()
        XCTAssertFalse(with.diagnostics.contains { $0.code == "unsubscribe-missing" }, "\(with.diagnostics)")

        let without = footer.replacingOccurrences(of: "<a href=\"{{unsubscribe_url}}\">Unsubscribe</a>", with: "Unsubscribe")
        XCTAssertNotEqual(without, footer)
        try directory.write(without, to: "templates/partials/email-footer.html")
        let report = Checker(project: try Project(root: directory.url), options: BuildOptions()).run()
        XCTAssertTrue(report.diagnostics.contains { $0.code == "unsubscribe-missing" && $0.severity == .error }, "\(report.diagnostics)")
    }
}

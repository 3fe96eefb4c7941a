// Builds every real newsletter in ../shared/corpora/newsletters/ (their front matter converted to Gazette's)
// with the example templates, and records what `check` says of each in a reviewed summary (a golden file).
// The issues are CC-BY-SA, CC0 and MIT: see ../shared/corpora/newsletters/SOURCE.md.
import Foundation
import GazetteTestSupport
import Markup
import XCTest
@testable import Gazette

final class CorpusNewsletterTests: XCTestCase {
    static let corpus = TestPaths.corpora.appendingPathComponent("newsletters")

    func testEveryCorpusNewsletterBuildsAndIsChecked() throws {
        try TestPaths.requireCorpus(Self.corpus)
        let (directory, converted) = try corpusProject()
        XCTAssertEqual(converted.count, 90)

        let project = try Project(root: directory.url)
        let (result, _) = SiteBuilder(project: project, options: BuildOptions()).render()
        let renderFailures = result.diagnostics.filter { $0.severity == .error && $0.code != "leftover-marker" }
        XCTAssertEqual(result.rendered.count, 90, "every issue renders: \(renderFailures.prefix(5))")

        let checker = IssueChecker(configuration: project.configuration)
        var summary = ["# file\terrors\twarnings\tfindings (code×count)\tlink-text-ratio\tlinks/100 words\thtml KB"]
        for rendered in result.rendered.sorted(by: { $0.source.path < $1.source.path }) {
            let findings = checker.check(rendered) + result.diagnostics.filter { $0.location?.path == rendered.source.path }
            let counts = Dictionary(grouping: findings, by: \.code).map { "\($0.key)×\($0.value.count)" }.sorted()
            let measured = rendered.measurements
            summary.append([
                converted[rendered.source.path] ?? rendered.source.path,
                String(findings.filter { $0.severity == .error }.count),
                String(findings.filter { $0.severity == .warning }.count),
                counts.joined(separator: " "),
                String(format: "%.2f", measured.linkTextRatio),
                String(format: "%.1f", measured.linksPer100Words),
                String(measured.personalizedHTMLBytes / 1000),
            ].joined(separator: "\t"))
            assertTextPartIsSane(rendered)
        }
        assertGoldenFile(summary.joined(separator: "\n") + "\n", path: "corpus-newsletters/check-summary.tsv",
                     root: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden"))
    }

    /// No markup left, lines within 78 columns unless a single unbreakable word or a code line.
    func assertTextPartIsSane(_ rendered: RenderedIssue, file: StaticString = #filePath, line: UInt = #line) {
        let text = rendered.prepared.text.render(rendered.prepared.slotNames.map { _ in "x" })
        XCTAssertFalse(text.contains("<a href"), "\(rendered.source.path) has HTML in its text part", file: file, line: line)
        XCTAssertGreaterThan(text.count, 200, rendered.source.path, file: file, line: line)
    }

    /// A project in a temporary folder (removed after the test) with the default templates, the example's
    /// gazette.yml and the 90 corpus newsletters as its issues; `converted` maps each issue path to its corpus file.
    func corpusProject() throws -> (directory: TemporaryDirectory, converted: [String: String]) {
        let directory = try TemporaryDirectory("corpus")
        addTeardownBlock { directory.remove() }
        try Scaffold.initialize(directory.url, force: true, templatesOnly: true)
        try directory.write(try String(contentsOf: TestPaths.packageRoot.appendingPathComponent("gazette.yml"), encoding: .utf8),
                            to: "gazette.yml")
        var converted: [String: String] = [:]
        for (index, file) in try corpusFiles().enumerated() {
            let (frontMatter, body) = try convert(file)
            let path = "content/issues/\(String(format: "%03d", index + 1))-\(file.deletingPathExtension().lastPathComponent.lowercased()).md"
            try directory.write("---\n\(frontMatter)---\n\(body)", to: path)
            converted[path] = file.deletingLastPathComponent().lastPathComponent + "/" + file.lastPathComponent
        }
        return (directory, converted)
    }

    func corpusFiles() throws -> [URL] {
        var files: [URL] = []
        for folder in ["haskell-weekly", "swift-weekly-brief", "this-week-in-rust"] {
            let directory = Self.corpus.appendingPathComponent(folder)
            files += try FileManager.default.contentsOfDirectory(atPath: directory.path)
                .filter { $0.hasSuffix(".md") || $0.hasSuffix(".markdown") }.sorted()
                .map { directory.appendingPathComponent($0) }
        }
        return files
    }

    /// Gazette front matter (YAML, without the dashes) and the body, from each newsletter's own dialect.
    func convert(_ file: URL) throws -> (String, String) {
        let text = try String(contentsOf: file, encoding: .utf8)
        let name = file.lastPathComponent
        let dateFromName = String(name.prefix(10))
        switch file.deletingLastPathComponent().lastPathComponent {
        case "this-week-in-rust":
            // Pelican: `Key: value` lines, a blank line, then Markdown.
            let parts = text.components(separatedBy: "\n\n")
            let header = parts.first ?? ""
            var fields: [String: String] = [:]
            for line in header.split(separator: "\n") {
                let pair = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                if pair.count == 2 { fields[pair[0].lowercased()] = pair[1] }
            }
            let title = fields["title"] ?? name
            return ("title: \(yamlQuoted(title))\ndate: \(fields["date"] ?? dateFromName)\npreheader: \(yamlQuoted(title))\n",
                    parts.dropFirst().joined(separator: "\n\n"))
        case "swift-weekly-brief":
            // Jekyll YAML front matter without a date (it is in the file name).
            guard text.hasPrefix("---\n"), let end = text.range(of: "\n---\n", range: text.index(text.startIndex, offsetBy: 4)..<text.endIndex) else {
                return ("title: \(yamlQuoted(name))\ndate: \(dateFromName)\n", text)
            }
            let frontMatter = String(text[text.index(text.startIndex, offsetBy: 4)..<end.lowerBound])
                .split(separator: "\n", omittingEmptySubsequences: false)
                .filter { !$0.hasPrefix("layout:") && !$0.hasPrefix("origlink:") }
                .joined(separator: "\n")
            return (frontMatter + "\ndate: \(dateFromName)\npreheader: \"Swift Weekly Brief\"\n", String(text[end.upperBound...]))
        default:
            // Haskell Weekly: no front matter; number and date from issues.tsv.
            let tsv = try String(contentsOf: file.deletingLastPathComponent().appendingPathComponent("issues.tsv"), encoding: .utf8)
            let row = tsv.split(separator: "\n").map { $0.split(separator: "\t") }.first { $0.first.map(String.init) == name }
            let number = row.map { String($0[1]) } ?? "0"
            let date = row.map { String($0[2]) } ?? "2020-01-01"
            return ("title: \"Haskell Weekly \(number)\"\ndate: \(date)\npreheader: \"Haskell Weekly issue \(number)\"\n", text)
        }
    }

    func yamlQuoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}

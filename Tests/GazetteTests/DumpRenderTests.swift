// A refactoring aid, skipped unless asked for: writes everything `render` and `check` give for the 90 corpus
// newsletters and the example's issues (HTML and text with slot names, subject, findings, measurements, content
// hash, cmark's HTML), rendering each three times in one process and failing if a later round differs.
// Run it before and after a change and compare the folders (BENCHMARKS.md, "How to profile"):
//   GAZETTE_DUMP_DIR=/tmp/dump-before GAZETTE_CORPORA=../shared/corpora swift test --filter testDumpRenderedIssues
import Foundation
import GazetteTestSupport
import XCTest
@testable import Gazette

extension CorpusNewsletterTests {
    func testDumpRenderedIssues() throws {
        guard let out = ProcessInfo.processInfo.environment["GAZETTE_DUMP_DIR"] else { throw XCTSkip("set GAZETTE_DUMP_DIR to dump every rendered issue there") }
        let (directory, _) = try corpusProject()
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        for root in [directory.url, TestPaths.packageRoot] {
            let project = try Project(root: root)
            let checker = IssueChecker(configuration: project.configuration)
            for round in 0..<3 {
                let (result, _) = SiteBuilder(project: project, options: BuildOptions()).render()
                for rendered in result.rendered {
                    let name = (root == directory.url ? "corpus-" : "example-") + rendered.source.slug
                    let prepared = rendered.prepared
                    let values = prepared.slotNames.map { "[[\($0)]]" }
                    let findings = checker.check(rendered) + result.diagnostics.filter { $0.location?.path == rendered.source.path }
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                    let measurements = String(decoding: try encoder.encode(rendered.measurements), as: UTF8.self)
                    let dump = prepared.html.render(values) + "\n=====TEXT\n" + prepared.text.render(values)
                        + "\n=====SUBJECT\n" + prepared.subject.render(values)
                        + "\n=====FINDINGS\n" + findings.map { "\($0)" }.joined(separator: "\n")
                        + "\n=====MEASURE\n" + measurements + "\n=====HASH " + prepared.contentHash
                        + "\n=====MD\n" + rendered.markdownHTML
                    let target = URL(fileURLWithPath: out).appendingPathComponent(name + ".dump")
                    if round == 0 {
                        try dump.write(to: target, atomically: true, encoding: .utf8)
                    } else {
                        XCTAssertEqual(try String(contentsOf: target, encoding: .utf8), dump, "round \(round) \(name)")
                    }
                }
            }
        }
    }
}

// Release-mode timing of parse + inline + serialize on css-inline's benchmark documents. Skipped unless
// GAZETTE_BENCH=1: run `GAZETTE_BENCH=1 swift test -c release --filter MarkupTests.InlinerBenchmarkTests`.
import Foundation
import GazetteTestSupport
import Markup
import XCTest

final class InlinerBenchmarkTests: XCTestCase {
    func testInlineBenchmarkDocuments() throws {
        try XCTSkipUnless(ProcessInfo.processInfo.environment["GAZETTE_BENCH"] != nil, "set GAZETTE_BENCH=1 to time the inliner")
        let file = TestPaths.corpora.appendingPathComponent("css-inlining/css-inline/benchmarks.json")
        try TestPaths.requireCorpus(file)
        let documents = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [[String: String]])
        let inliner = Inliner()
        for document in documents {
            guard let name = document["name"], let html = document["html"] else { continue }
            let iterations = html.utf8.count > 100_000 ? 5 : 2000
            _ = try inliner.inline(html: html)
            var inlineOnly: Duration = .zero
            let clock = ContinuousClock()
            let total = try clock.measure {
                for _ in 0..<iterations {
                    let parsed = try HTMLDocument(parsing: html)
                    inlineOnly += try clock.measure { _ = try inliner.inline(parsed) }
                    _ = parsed.serialized()
                }
            }
            let perRun = { (duration: Duration) in
                String(format: "%10.1f", Double(duration.components.attoseconds) / 1e12 / Double(iterations)
                    + Double(duration.components.seconds) * 1e6 / Double(iterations))
            }
            print("\(name.padding(toLength: 15, withPad: " ", startingAt: 0)) \(html.utf8.count) B  parse+inline+serialize \(perRun(total)) us  inline \(perRun(inlineOnly)) us")
        }
    }
}

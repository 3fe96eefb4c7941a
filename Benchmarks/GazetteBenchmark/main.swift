// Times Gazette's build stages on one issue and prints them as JSON for scripts/benchmark, which runs
// the peers (css-inline, premailer) on the same input in the same run and prints the ratios.
//   gazette-benchmark PROJECT ISSUE INPUT_OUT   writes the inliner's input HTML to INPUT_OUT, then measures
//   gazette-benchmark bounces FILE…             bounce classification (BounceBenchmark.swift, scripts/benchmark-bounces)
//   gazette-benchmark PROJECT ISSUE INPUT_OUT --paired
//       answers lines "build N" / "inline N" on stdin with the median seconds of N runs, one line each, so that
//       scripts/benchmark-peers.py can alternate short batches of ours and css-inline's and compare them pairwise
import Foundation
import Gazette
import Markup

@inline(never)
func measure(_ label: String, minimumSeconds: Double = 2.0, _ body: () throws -> Void) rethrows -> [String: Any] {
    // Warm up, then repeat until enough time has passed; report the median of batches.
    for _ in 0..<3 { try body() }
    var samples: [Double] = []
    let start = Date()
    while Date().timeIntervalSince(start) < minimumSeconds || samples.count < 20 {
        let t0 = DispatchTime.now().uptimeNanoseconds
        try body()
        samples.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
        if samples.count >= 100_000 { break }
    }
    samples.sort()
    return ["label": label, "median_s": samples[samples.count / 2], "min_s": samples[0], "runs": samples.count]
}

/// The median seconds of `count` runs of `body`, after one warm-up run.
func batchMedian(_ count: Int, _ body: () throws -> Void) rethrows -> Double {
    try body()
    var samples: [Double] = []
    for _ in 0..<max(count, 1) {
        let t0 = DispatchTime.now().uptimeNanoseconds
        try body()
        samples.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
    }
    samples.sort()
    return samples[samples.count / 2]
}

/// The paired mode: the machine is shared, and its speed drifts between one figure's seconds and the next's; a batch
/// of ours right beside a batch of css-inline's sees the same machine, so their ratio holds where separate figures
/// do not. Reads "build N" or "inline N" per line until end of input or "quit".
func answerPairedBatches(renderer: IssueRenderer, issue: IssueSource, checker: IssueChecker, input: String) {
    while let line = readLine() {
        let parts = line.split(separator: " ")
        guard parts.count == 2, let count = Int(parts[1]), (1...10_000).contains(count) else { break }
        do {
            let seconds: Double
            switch parts[0] {
            case "build":
                seconds = try batchMedian(count) { _ = checker.check(try renderer.render(issue)) }
            case "inline":
                seconds = try batchMedian(count) {
                    let document = try HTMLDocument(parsing: input)
                    _ = try Inliner(options: InlinerOptions()).inline(document) { _ in nil }
                    _ = document.serialized()
                }
            default:
                return
            }
            FileHandle.standardOutput.write(Data("\(seconds)\n".utf8))
        } catch {
            fail("gazette-benchmark: \(error)")
        }
    }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(2)
}

let arguments = CommandLine.arguments
if arguments.count > 1 && arguments[1] == "bounces" { BounceBenchmark.run(Array(arguments.dropFirst(2))) }
guard arguments.count == 4 || (arguments.count == 5 && arguments[4] == "--paired") else {
    fail("usage: gazette-benchmark PROJECT ISSUE INPUT_OUT [--paired]")
}
do {
    let project = try Project(root: URL(fileURLWithPath: arguments[1]))
    let templates = try TemplateSet(projectRoot: project.root)
    let issue = try project.loadIssue(at: project.findIssue(arguments[2]))
    let renderer = IssueRenderer(project: project, templates: templates)
    let input = try renderer.preInlineHTML(issue)
    try Data(input.utf8).write(to: URL(fileURLWithPath: arguments[3]))

    // GAZETTE_PROFILE=inline|text|build|reload:N runs one stage N times and prints nothing: for callgrind and perf
    // (BENCHMARKS.md shows how).
    if let profile = ProcessInfo.processInfo.environment["GAZETTE_PROFILE"] {
        let parts = profile.split(separator: ":")
        let count = parts.count > 1 ? Int(parts[1]) ?? 100 : 100
        let checker = IssueChecker(configuration: project.configuration)
        // GAZETTE_PROFILE_INPUT=FILE inlines that HTML instead of the issue's (css-inline's big_page …).
        let html = try ProcessInfo.processInfo.environment["GAZETTE_PROFILE_INPUT"]
            .map { try String(contentsOfFile: $0, encoding: .utf8) } ?? input
        for _ in 0..<count {
            if parts[0] == "reload" {
                let templates = try TemplateSet(projectRoot: project.root)
                let issue = try project.loadIssue(at: project.findIssue(arguments[2]))
                _ = checker.check(try IssueRenderer(project: project, templates: templates).render(issue))
            } else if parts[0] == "text" {
                // The text part alone, from the inlined email's #content (made once, outside the loop's count
                // only in that callgrind's difference of two runs removes it).
                let document = try HTMLDocument(parsing: html)
                _ = try Inliner(options: InlinerOptions()).inline(document) { _ in nil }
                let content = document.allElements.first { $0.attribute("id") == "content" } ?? document.body
                if let content { _ = PlainTextWriter.text(from: content) }
            } else if parts[0] == "inline" {
                let document = try HTMLDocument(parsing: html)
                _ = try Inliner(options: InlinerOptions()).inline(document) { _ in nil }
                _ = document.serialized()
            } else {
                _ = checker.check(try renderer.render(issue))
            }
        }
        exit(0)
    }
    if arguments.count == 5 {
        answerPairedBatches(renderer: renderer, issue: issue, checker: IssueChecker(configuration: project.configuration),
                            input: input)
        exit(0)
    }
    var results: [[String: Any]] = []
    // 1. Inlining alone: parse, inline, serialize (what css-inline and premailer do). The inliner keeps parsed
    // stylesheets by their text for the life of the process (a build parses email.css once for all issues), so
    // the loop measures that warm state; the "cold" figure forgets the stylesheet before every run, as the peers
    // parse their CSS on every call.
    results.append(try measure("gazette inline") {
        let document = try HTMLDocument(parsing: input)
        _ = try Inliner(options: InlinerOptions()).inline(document) { _ in nil }
        _ = document.serialized()
    })
    results.append(try measure("gazette inline cold") {
        Inliner.removeCachedStylesheets()
        let document = try HTMLDocument(parsing: input)
        _ = try Inliner(options: InlinerOptions()).inline(document) { _ in nil }
        _ = document.serialized()
    })
    // 2. The whole issue build: Markdown, template, inlining, text part, checks. Warm: the stylesheet parsed and the
    // email templates compiled for splicing, as for every issue of a build after the first few with the same fixed
    // values, and for a preview's reloads. Cold: both forgotten before every run, as for an issue's first render.
    let checker = IssueChecker(configuration: project.configuration)
    results.append(try measure("gazette whole issue build") {
        let rendered = try renderer.render(issue)
        _ = checker.check(rendered)
    })
    results.append(try measure("gazette whole issue build cold") {
        Inliner.removeCachedStylesheets()
        templates.removeCompiledTemplates()
        let rendered = try renderer.render(issue)
        _ = checker.check(rendered)
    })
    // 3. A preview reload of one changed issue, the path `gazette preview` takes after an edit: read templates/ (parsed
    // sets are reused for the same texts), read and load the issue file from disk, render, check. Then the same after
    // a template edit, when the templates are parsed again.
    let issueFile = try project.findIssue(arguments[2])
    results.append(try measure("gazette reload one issue") {
        let templates = try TemplateSet(projectRoot: project.root)
        let issue = try project.loadIssue(at: issueFile)
        _ = checker.check(try IssueRenderer(project: project, templates: templates).render(issue))
    })
    results.append(try measure("gazette reload one issue after a template edit") {
        TemplateSet.removeCachedSets()
        let templates = try TemplateSet(projectRoot: project.root)
        let issue = try project.loadIssue(at: issueFile)
        _ = checker.check(try IssueRenderer(project: project, templates: templates).render(issue))
    })
    // 4. Personalization: fill the prepared HTML and text for many recipients on one core.
    let prepared = try renderer.render(issue).prepared
    let recipients = 200_000
    let names = (0..<1000).map { Array("Reader \($0) & Co".utf8) }
    var buffer: [UInt8] = []
    buffer.reserveCapacity(prepared.html.literalByteCount * 2 + prepared.text.literalByteCount * 2)
    var bytes = 0
    let t0 = DispatchTime.now().uptimeNanoseconds
    for index in 0..<recipients {
        var values = [[UInt8]](repeating: [], count: prepared.slotNames.count)
        for (slot, name) in prepared.slotNames.enumerated() {
            switch name {
            case "unsubscribe_url": values[slot] = Array("https://example.org/unsubscribe?token=\(index)".utf8)
            case "subscriber.email": values[slot] = Array("reader\(index)@example.org".utf8)
            default: values[slot] = names[index % names.count]
            }
        }
        buffer.removeAll(keepingCapacity: true)
        prepared.html.render(values, into: &buffer)
        prepared.text.render(values, into: &buffer)
        bytes &+= buffer.count
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
    results.append(["label": "gazette personalization", "recipients": recipients, "seconds": seconds,
                    "recipients_per_s": Double(recipients) / seconds, "bytes_per_message": bytes / recipients])
    let report: [String: Any] = ["input_bytes": input.utf8.count, "results": results]
    let data = try JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys])
    FileHandle.standardOutput.write(data + Data("\n".utf8))
} catch {
    fail("gazette-benchmark: \(error)")
}

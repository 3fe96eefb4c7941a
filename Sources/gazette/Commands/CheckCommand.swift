// `gazette check [ISSUE…]`: spam-filter ratios, sizes, compliance and content problems, for people and for CI.
import ArgumentParser
import Foundation
import Gazette

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check issues: link/text ratio, sizes, unsubscribe link and postal address, links, images, HTML.",
        discussion: """
        Examples:
          gazette check                 # every issue that is not a draft
          gazette check 3 --strict      # issue 3; warnings fail too
          gazette check --format json   # for CI
        Exit status: 0 clean, 1 errors (or warnings with --strict).
        Thresholds: `checks:` in gazette.yml.
        """
    )

    @Argument(help: "Issues by number, slug, file name or path (default: all that are not drafts).")
    var issues: [String] = []

    @Flag(help: "Include drafts when no issue is named.")
    var drafts = false

    @Flag(help: "Warnings fail the check, and unknown template variables are errors.")
    var strict = false

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let printer = global.makePrinter()
        let project = try global.loadProject(printer: printer)
        let report = Checker(project: project, options: BuildOptions(includeDrafts: drafts, strict: strict, issueReferences: issues)).run()
        let failed = report.errorCount > 0 || (strict && report.warningCount > 0)
        if global.format == .json {
            printer.printJSON(Self.json(report, failed: failed))
        } else {
            for diagnostic in report.diagnostics { printer.writeError(printer.line(for: diagnostic)) }
            for issue in report.issues + report.steps {
                printer.say("\(issue.path): " + (issue.audience.map { "\($0) recipient\($0 == 1 ? "" : "s")" } ?? "audience unknown"))
            }
            printer.say(Self.summaryLine(report))
        }
        if failed { throw ExitCode(1) }
    }

    /// "Checked 3 issues: 1 error, 2 warnings".
    static func summaryLine(_ report: Checker.Report) -> String {
        "Checked \(report.issues.count) issue\(report.issues.count == 1 ? "" : "s")"
            + (report.steps.isEmpty ? "" : " and \(report.steps.count) sequence step\(report.steps.count == 1 ? "" : "s")") + ": "
            + "\(report.errorCount) error\(report.errorCount == 1 ? "" : "s"), "
            + "\(report.warningCount) warning\(report.warningCount == 1 ? "" : "s")"
    }

    /// The `--format json` document; `gazette ci check --report` writes the same.
    static func json(_ report: Checker.Report, failed: Bool) -> [String: Any] {
        [
            "ok": !failed,
            "errors": report.errorCount,
            "warnings": report.warningCount,
            "steps": report.steps.map(\.path),
            "issues": report.issues.map { issue -> [String: Any] in
                [
                    "path": issue.path,
                    "audience": issue.audience.map { $0 as Any } ?? NSNull(),
                    "measurements": [
                        "html_bytes": issue.measurements.personalizedHTMLBytes,
                        "style_bytes": issue.measurements.retainedStyleBytes,
                        "link_text_ratio": issue.measurements.linkTextRatio,
                        "links_per_100_words": issue.measurements.linksPer100Words,
                        "images_per_100_words": issue.measurements.imagesPer100Words,
                        "links": issue.measurements.links,
                        "images": issue.measurements.images,
                        "words": issue.measurements.visibleWords,
                        "text_words": issue.measurements.textWords,
                    ] as [String: Any],
                ]
            },
            "diagnostics": report.diagnostics.map(DiagnosticPrinter.json),
        ]
    }
}

// `gazette report [ISSUE]`: delivery, bounces, complaints and unsubscribes per issue and per recipient domain,
// from logs/, logs/bounces.jsonl and events/ alone. Parses, calls ReportBuilder, prints; writes the HTML page.
import ArgumentParser
import Foundation
import Gazette

struct ReportCommand: ParsableCommand {
    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, csv }

    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Report sends, deferrals, failures, bounces, complaints, unsubscribes, and opens and clicks when tracked, per issue and per domain.",
        discussion: """
        Examples:
          gazette report            # every issue, oldest first; flagged domains
          gazette report 3          # issue 3 with its recipient domains
          gazette report --format csv > report.csv
          gazette report --format json | jq '.issues[-1].counts.rates'
          gazette report --html site/report.html
        Reads the publish logs (logs/<issue>.jsonl; the logs of a sharded publish are summed), the step logs of `gazette sequences run` (logs/sequences/<name>/<step>.jsonl: a row per step, labelled <name>/<step>), the bounce ledger (logs/bounces.jsonl, written by `gazette bounces import`) and the events files of `gazette serve` (events/*.jsonl). A recipient's state is the last outcome in the logs. Sent, deferred, failed and uncertain are shares of the attempted recipients; invalid of all recipients; bounces, complaints and unsubscribes of the sent ones, each matched to the latest issue sent to that address before it. A domain stands out when its failed-plus-deferred rate is far above the issue's (a provider's block). With tracking on (docs/tracking.md), the click and open events give each issue its openers (human and machine-only apart), clickers, open and click rates of the delivered recipients (sent minus hard bounces) and top links; an issue without such events says "tracking off". Also writes an HTML page with SVG charts, public/report/index.html unless told otherwise. Lines that cannot be read (a log cut off by a killed publish, garbage in an events file) are skipped and counted on standard error. Exit status: 0 done, 1 an issue with no log or a file that cannot be read, 2 bad usage. See docs/report.md.
        """
    )

    @Argument(help: "An issue by number, slug or file name, or a sequence step as <sequence>/<step> (default: every issue and step with a log).")
    var issue: String?

    @Option(help: "Output format: text, json or csv.")
    var format: Format = .text

    @Option(help: ArgumentHelp("Where to write the HTML page (default: public/report/index.html in the project).", valueName: "path"))
    var html: String?

    @Flag(help: "Write no HTML page.")
    var noHTML = false

    @Option(help: ArgumentHelp("Recipient domains shown per issue before the rest are grouped as `other`.", valueName: "n"))
    var domains = 10

    @Option(name: .long, help: ArgumentHelp("The newsletter repository (default: walk up from here to gazette.yml).", valueName: "dir"))
    var project: String?

    @Flag(name: .long, help: "No colours (also when NO_COLOR is set or output is not a terminal).")
    var noColor = false

    func validate() throws {
        guard domains >= 1 else { throw ValidationError("--domains must be 1 or more") }
        if noHTML, html != nil { throw ValidationError("--html and --no-html contradict each other") }
    }

    func run() throws {
        let printer = DiagnosticPrinter.standard(format: format == .json ? .json : .text, noColor: noColor)
        let project = try GlobalOptions.loadProject(project, printer: printer)
        let report: Report
        let page = html.map { URL(fileURLWithPath: $0, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)) }
            ?? project.url(ReportPage.defaultPath)
        do {
            report = try ReportBuilder(project: project, domainLimit: domains).build(issue: issue)
            if !noHTML { try ReportPage.write(report, name: project.configuration.name, to: page) }
        } catch let error as DiagnosticError {
            printer.print(error.diagnostics)
            throw ExitCode(1)
        }
        switch format {
        case .json:
            var object = report.jsonObject()
            object["diagnostics"] = report.problems.map(DiagnosticPrinter.json)
            if !noHTML { object["html"] = project.relativePath(page) }
            printer.printJSON(object)
        case .csv:
            for problem in report.problems { printer.writeError(printer.line(for: problem)) }
            FileHandle.standardOutput.write(Data(report.csv().utf8))
        case .text:
            for problem in report.problems { printer.writeError(printer.line(for: problem)) }
            let colour = !noColor && ProcessInfo.processInfo.environment["NO_COLOR"] == nil && isatty(1) == 1
            print(report.text(detailed: issue != nil) { colour ? "\u{1B}[31m\($0)\u{1B}[0m" : $0 }, terminator: "")
            if !noHTML { print("Report page: \(project.relativePath(page))") }
        }
    }
}

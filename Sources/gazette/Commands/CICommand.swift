// `gazette ci …`: what the CI configuration of `gazette init --ci` runs. `ci check` for pull requests,
// `ci ready` to see what a merge would send, `ci publish` (CIPublishCommand.swift) on the default branch.
import ArgumentParser
import Foundation
import Gazette

struct CICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ci",
        abstract: "Check and publish from CI (the jobs that `gazette init --ci github|gitlab` writes).",
        discussion: """
        Examples:
          gazette init --ci github       # write .github/workflows/gazette.yml
          gazette ci check --strict      # what the pull-request job runs
          gazette ci ready               # which issues a merge would publish
          gazette ci publish             # what the default-branch job runs
        See README, "Publishing from CI", for the whole loop and the secrets.
        """,
        subcommands: [CICheckCommand.self, CIReadyCommand.self, CIPublishCommand.self]
    )
}

struct CICheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check the issues that are not drafts, for a pull request's job log and summary.",
        discussion: """
        Example:
          gazette ci check --strict --report gazette-check.json
        Prints every finding to the job log and, when GITHUB_STEP_SUMMARY is set,
        appends a Markdown table to that file (GitHub shows it on the run's page).
        --report writes the JSON of `gazette check --format json` to a file.
        Exit status: 0 clean, 1 errors (or warnings with --strict).
        """
    )

    @Flag(help: "Warnings fail the check, and unknown template variables are errors.")
    var strict = false

    @Option(help: ArgumentHelp("Also write the JSON report to this file.", valueName: "file"))
    var report: String?

    @Option(help: ArgumentHelp("Append the Markdown summary to this file (default: $GITHUB_STEP_SUMMARY).", valueName: "file"))
    var summary: String?

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let printer = global.makePrinter()
        let project = try global.loadProject(printer: printer)
        let result = Checker(project: project, options: BuildOptions(includeDrafts: false, strict: strict)).run()
        let failed = result.errorCount > 0 || (strict && result.warningCount > 0)
        let json = CheckCommand.json(result, failed: failed)
        if let report {
            try write(JSONSerialization.data(withJSONObject: json, options: [.prettyPrinted, .sortedKeys]), to: report,
                      append: false, printer: printer)
        }
        if let path = summary ?? ProcessInfo.processInfo.environment["GITHUB_STEP_SUMMARY"], !path.isEmpty {
            try write(Data(CheckSummary.markdown(result, strict: strict).utf8), to: path, append: true, printer: printer)
        }
        if global.format == .json {
            printer.printJSON(json)
        } else {
            for diagnostic in result.diagnostics { printer.writeError(printer.line(for: diagnostic)) }
            printer.say(CheckCommand.summaryLine(result)
                        + (failed ? " — the check fails" + (result.errorCount == 0 ? " (--strict: warnings count)" : "") : ""))
        }
        if failed { throw ExitCode(1) }
    }

    /// Writes or appends `data`; a file that cannot be written is a usage problem (exit 2) named with its path.
    func write(_ data: Data, to path: String, append: Bool, printer: DiagnosticPrinter) throws {
        let url = URL(fileURLWithPath: path)
        do {
            if append, let handle = try? FileHandle(forWritingTo: url) {
                defer { try? handle.close() }
                try handle.seekToEnd()
                try handle.write(contentsOf: data)
            } else {
                try data.write(to: url, options: .atomic)
            }
        } catch {
            printer.print([.error("ci-output", "cannot write \(path): \(error.localizedDescription)",
                                  hint: "check that its folder exists and can be written")])
            throw ExitCode(2)
        }
    }
}

struct CIReadyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ready",
        abstract: "List every issue and whether CI publishes it now, and why.",
        discussion: """
        Examples:
          gazette ci ready
          gazette ci ready --shard 2/4 --format json
        An issue is ready when its front matter says `publish: true`, or when it is
        newer (by number) than the newest issue with a publish log in logs/. A begun
        publish with deferred or uncertain recipients, or a run cut off, is resumed.
        Drafts and `publish: false` are never published.
        """
    )

    @Option(help: ArgumentHelp("Judge as the job publishing shard K of N does (default: each issue as it began).", valueName: "k/n"))
    var shard: String?

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let printer = global.makePrinter()
        let project = try global.loadProject(printer: printer)
        let job = try CIPublishCommand.parseShard(shard, printer: printer)
        let readiness: PublishReadiness
        do {
            readiness = try PublishReadiness(project: project, job: job, overview: shard == nil)
        } catch let error as DiagnosticError {
            printer.print(error.diagnostics)
            throw ExitCode(1)
        }
        if global.format == .json {
            printer.printJSON([
                "issues": readiness.issues.map { ["path": $0.issue.path, "number": $0.issue.number, "state": $0.state.rawValue,
                                                  "reason": $0.reason, "due": $0.isDue] as [String: Any] },
                "diagnostics": readiness.diagnostics.map(DiagnosticPrinter.json),
            ])
        } else {
            printer.print(readiness.diagnostics)
            let width = readiness.issues.map(\.issue.name.count).max() ?? 0
            for item in readiness.issues {
                let name = item.issue.name.padding(toLength: width, withPad: " ", startingAt: 0)
                printer.say("\(item.state.rawValue.padding(toLength: max(9, item.state.rawValue.count), withPad: " ", startingAt: 0)) \(name)  \(item.reason)")
            }
            let due = readiness.due.count
            printer.say(due == 0 ? "Nothing to publish." : "\(due) issue\(due == 1 ? "" : "s") to publish.")
        }
        if !readiness.diagnostics.isEmpty { throw ExitCode(1) }
    }
}

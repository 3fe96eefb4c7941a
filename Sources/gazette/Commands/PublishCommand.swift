// `gazette publish ISSUE`: send an issue to its audience, resumably. Ctrl-C once finishes what is in flight
// and exits 75; twice aborts at once (the log stays valid: every line is written whole).
import ArgumentParser
import Dispatch
import Foundation
import Gazette

struct PublishCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Send an issue to its subscribers through the configured delivery, resumably.",
        discussion: """
        Examples:
          gazette publish 3                           # via delivery.via
          gazette publish 3 --dry-run                 # send nothing
          gazette publish 3 --test-to me@example.org  # one [TEST] message
          gazette publish 3 --via smtp://news@smtp.example.org:587
          gazette publish 3 --via direct:             # to each recipient's MX
          gazette publish 3 --shard 2/4               # one of four CI jobs

        direct: looks up each recipient domain's MX hosts and delivers on port 25
        (settings under direct: in gazette.yml). Without a static IP with reverse
        DNS, SPF and DKIM, most of it lands in spam: a relay is the better default.

        The log is logs/<issue>.jsonl; commit it with logs/<issue>.lists/ so that a
        later run resumes. A rerun skips whoever was sent, failed or invalid, retries
        the deferred and re-sends the uncertain (unless --skip-uncertain).

        Secrets come from the environment only: GAZETTE_SMTP_PASSWORD,
        GAZETTE_DKIM_KEY or GAZETTE_DKIM_KEY_FILE, GAZETTE_UNSUBSCRIBE_SECRET.

        Exit status: 0 everyone done; 75 some deferred, uncertain or interrupted
        (run again); 1 errors in the issue or settings, nothing sent.
        """
    )

    @Argument(help: "The issue: number, slug, file name or path.")
    var issue: String

    @Option(help: ArgumentHelp("Delivery for this run: outbox:DIR, smtp://[user@]host[:port], smtps://…, direct:.", valueName: "url"))
    var via: String?

    @Option(help: ArgumentHelp("Trust this CA (PEM) for the relay's certificate, besides the system store.", valueName: "pem"))
    var caFile: String?

    @Flag(help: "Render and validate every message; send nothing and write no log.")
    var dryRun = false

    @Option(help: "Send to at most this many recipients in this run.")
    var limit: Int?

    @Option(help: ArgumentHelp("Send one message with [TEST] in the subject to this address (no log).", valueName: "address"))
    var testTo: String?

    @Option(help: ArgumentHelp("Send only shard K of N (1-based), with its own log, for parallel CI jobs.", valueName: "k/n"))
    var shard: String?

    @Flag(help: "Do not re-send recipients whose outcome is uncertain (at most once instead of at least once).")
    var skipUncertain = false

    @Flag(help: "Continue although the issue changed since its publish began.")
    var force = false

    @Option(help: "Connections at once (overrides delivery.concurrency).")
    var concurrency: Int?

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if let limit, limit < 0 { throw ValidationError("--limit must be 0 or more") }
        if let concurrency, !(1...64).contains(concurrency) { throw ValidationError("--concurrency must be 1 to 64") }
    }

    func run() throws {
        let printer = global.makePrinter()
        let project = try global.loadProject(printer: printer)
        var options = PublishOptions(issue: issue)
        options.via = via
        options.caFile = caFile
        options.dryRun = dryRun
        options.limit = limit
        options.testTo = testTo
        options.skipUncertain = skipUncertain
        options.force = force
        options.concurrency = concurrency
        do {
            options.shard = try shard.map { try Shard(parsing: $0) }
        } catch let error as DiagnosticError {
            printer.print(error.diagnostics)
            throw ExitCode(2)
        }
        let publisher = Publisher(project: project, options: options) { via in
            try Transports.make(via: via, configuration: project.configuration, caFile: options.caFile,
                                environment: options.environment, projectRoot: project.root)
        }
        let display = ProgressDisplay(printer: printer)
        let signals = SignalHandling.install {
            printer.writeError("stopping: finishing the messages in flight (press Ctrl-C again to abort at once)")
            publisher.requestStop()
        }
        defer { signals.cancel() }
        let summary: PublishSummary
        do {
            summary = try publisher.run(onPlan: display.start, progress: display.update)
        } catch let error as DiagnosticError {
            display.finish()
            printer.print(error.diagnostics)
            throw ExitCode(1)
        }
        display.finish()
        if global.format == .json {
            var object: [String: Any] = summary.dictionary
            object["interrupted"] = summary.interrupted
            object["exit_status"] = Int(summary.exitStatus)
            printer.printJSON(object)
        } else {
            printer.say(ProgressDisplay.summaryLine(summary, dryRun: dryRun))
        }
        if summary.exitStatus != 0 { throw ExitCode(summary.exitStatus) }
    }
}

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
          gazette publish 3 --via relay-a,relay-b     # a fallback chain
          gazette publish 3 --max-wait 60             # later retries: next run
          gazette publish 3 --via direct:             # to each recipient's MX
          gazette publish 3 --shard 2/4               # one of four CI jobs
          gazette publish 3 --ab-winner B             # A/B: the rest gets B
          gazette publish 3 --ab-winner auto          # … the best arm by events

        direct: looks up each recipient domain's MX hosts and delivers on port 25
        (settings under direct: in gazette.yml). Without a static IP with reverse
        DNS, SPF and DKIM, most of it lands in spam: a relay is the better default.

        The log is logs/<issue>.jsonl; commit it with logs/<issue>.lists/ so that a
        later run resumes. A rerun skips whoever was sent, failed or invalid, retries
        the deferred and re-sends the uncertain (unless --skip-uncertain).

        A 4xx reply puts only its recipient back in the queue with a backoff
        (delivery.retries, delivery.retry_delay); the others go on. A "slow down"
        reply (421, 4.7.x rate limits, 452 4.5.3) slows only that server's pace.
        When only recipients due later than --max-wait remain, the run ends and
        leaves them deferred. With a chain (delivery.via: [relay-a, direct]) a
        recipient tries the next delivery after a transport failure or a 4xx after
        the retries, never after a 5xx; the log's `via` says which one delivered.

        A/B subject test (`subjects: [A, B]` and `test_share: 20%` in the front
        matter): a plain run sends each test arm its subject, holds the rest back and
        exits 75. `--ab-winner A|B|C|D|1..4|auto` (or `ab_winner:` in the front matter)
        then sends the rest the winning subject. auto takes the highest unique click
        rate, then the highest human open rate, from events/; it refuses without
        events, on a tie, or with fewer than 10 responders or 20 delivered per arm.

        Secrets come from the environment only: GAZETTE_SMTP_PASSWORD,
        GAZETTE_DKIM_KEY or GAZETTE_DKIM_KEY_FILE, GAZETTE_UNSUBSCRIBE_SECRET.

        Exit status: 0 everyone done; 75 some deferred, uncertain or interrupted
        (a signal, or a relay that stopped answering), or an A/B test waiting for
        its winner (run again); 1 errors in the issue or settings, or no A/B
        winner can be chosen yet; nothing sent.
        """
    )

    @Argument(help: "The issue: number, slug, file name or path.")
    var issue: String

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

    @Option(help: ArgumentHelp("A/B subject test: send the rest with this subject (A-D, 1-4) or the best one by events (auto).",
                               valueName: "arm|auto"))
    var abWinner: String?

    @OptionGroup var delivery: DeliveryOptions

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if let limit, limit < 0 { throw ValidationError("--limit must be 0 or more") }
    }

    func run() throws {
        let printer = global.makePrinter()
        let project = try global.loadProject(printer: printer)
        var options = PublishOptions(issue: issue)
        delivery.apply(to: &options)
        options.dryRun = dryRun
        options.limit = limit
        options.testTo = testTo
        options.skipUncertain = skipUncertain
        options.force = force
        options.abWinner = abWinner
        do {
            options.shard = try shard.map { try Shard(parsing: $0) }
        } catch let error as DiagnosticError {
            printer.print(error.diagnostics)
            throw ExitCode(2)
        }
        let publisher = Publisher(project: project, options: options,
                                  makeTransport: Transports.factory(project: project, options: options))
        let display = ProgressDisplay(printer: printer)
        let signals = SignalHandling.installStop(printer: printer) {
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
            if let reason = summary.stopReason { object["stop_reason"] = reason }
            object["exit_status"] = Int(summary.exitStatus)
            if let ab = summary.abJSON { object["ab"] = ab }
            printer.printJSON(object)
        } else {
            printer.say(ProgressDisplay.summaryLine(summary, dryRun: dryRun, issue: issue))
        }
        if summary.exitStatus != 0 { throw ExitCode(summary.exitStatus) }
    }
}

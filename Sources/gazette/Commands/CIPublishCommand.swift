// `gazette ci publish`: every ready issue in order of number, each through the same Publisher as `gazette
// publish`, and a line per issue. One SIGTERM (a cancelled or timed-out job) stops the issue in flight cleanly.
import ArgumentParser
import Foundation
import Gazette

struct CIPublishCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Publish every issue that is ready (see `gazette ci ready`), in order, resumably.",
        discussion: """
        Examples:
          gazette ci publish
          gazette ci publish --via smtps://news@smtp.example.org --shard 2/4
        Secrets come from the environment: GAZETTE_SMTP_PASSWORD, GAZETTE_DKIM_KEY,
        GAZETTE_UNSUBSCRIBE_SECRET. Commit logs/ afterwards, also after a failure.

        A/B subject tests: the first run sends the test arms; the rest is sent by a
        later run once the front matter has `ab_winner: A` (a merge decides), or
        with the best arm by events once `ab_wait: 24h` is over since the test phase.
        Until then the issue is `ab-waiting` and the job stays green.

        Exit status: 0 every issue done (or nothing ready); 75 deferred, uncertain or
        interrupted (commit logs/; the next run resumes); 1 an issue has errors, a
        file cannot be read, or its publish began with another shard count (the
        issues before it were published, none after it); 2 bad usage.
        """
    )

    @Option(help: ArgumentHelp("Publish only shard K of N of each issue (one of N CI jobs).", valueName: "k/n"))
    var shard: String?

    @OptionGroup var delivery: DeliveryOptions

    @OptionGroup var global: GlobalOptions

    /// `--shard K/N`, nil for none or 1/1 (the whole list, logged as logs/<issue>.jsonl); bad text exits 2.
    static func parseShard(_ text: String?, printer: DiagnosticPrinter) throws -> Shard? {
        guard let text, !text.isEmpty else { return nil }
        do {
            let shard = try Shard(parsing: text)
            return shard.count == 1 ? nil : shard
        } catch let error as DiagnosticError {
            printer.print(error.diagnostics)
            throw ExitCode(2)
        }
    }

    func run() throws {
        let printer = global.makePrinter()
        let project = try global.loadProject(printer: printer)
        let job = try Self.parseShard(shard, printer: printer)
        let readiness: PublishReadiness
        do {
            readiness = try PublishReadiness(project: project, job: job)
        } catch let error as DiagnosticError {
            printer.print(error.diagnostics)
            throw ExitCode(1)
        }
        if !readiness.diagnostics.isEmpty {
            printer.print(readiness.diagnostics)
            printer.writeError("Nothing was published: fix the problems above first.")
            throw ExitCode(1)
        }
        let due = readiness.due
        if due.isEmpty {
            printer.say("Nothing to publish\(job.map { " in shard \($0)" } ?? ""): every issue is published, waiting, held or a draft "
                        + "(see `gazette ci ready`).")
            if global.format == .json { printer.printJSON(["issues": [] as [Any], "exit_status": 0]) }
            return
        }

        let current = CurrentPublisher()
        let signals = SignalHandling.installStop(printer: printer) {
            current.stop()
        }
        defer { signals.cancel() }
        var results: [[String: Any]] = []
        var status: Int32 = 0
        for (position, item) in due.enumerated() {
            if current.stopped { break }
            printer.say("[\(position + 1)/\(due.count)] \(item.issue.name): \(item.state == .resume ? "resume" : "publish") (\(item.reason))")
            var options = PublishOptions(issue: item.issue.path)
            delivery.apply(to: &options)
            options.shard = job
            options.abWinner = item.abWinner
            let publisher = Publisher(project: project, options: options,
                                      makeTransport: Transports.factory(project: project, options: options))
            current.set(publisher)
            let display = ProgressDisplay(printer: printer)
            let summary: PublishSummary
            do {
                summary = try publisher.run(onPlan: display.start, progress: display.update)
            } catch let error as DiagnosticError {
                display.finish()
                printer.print(error.diagnostics)
                printer.writeError("\(item.issue.name) was not published; the issues after it wait for it.")
                results.append(["path": item.issue.path, "exit_status": 1])
                status = 1
                break
            }
            display.finish()
            printer.say("[\(position + 1)/\(due.count)] \(item.issue.name): " + ProgressDisplay.summaryLine(summary, dryRun: false, issue: String(item.issue.number)))
            var object: [String: Any] = summary.dictionary
            object["path"] = item.issue.path
            // An A/B test phase that is through waits for its winner: nothing is wrong, the job stays green.
            let issueStatus: Int32 = summary.recipientsLeft ? 75 : 0
            object["exit_status"] = Int(issueStatus)
            object["interrupted"] = summary.interrupted
            if let reason = summary.stopReason { object["stop_reason"] = reason }
            if let ab = summary.abJSON { object["ab"] = ab }
            results.append(object)
            if issueStatus != 0 { status = issueStatus }
            if summary.interrupted { break }
        }
        if global.format == .json { printer.printJSON(["issues": results, "exit_status": Int(status)]) }
        if status != 0 { throw ExitCode(status) }
    }
}

/// The publisher a signal should stop: the one running now, and none after it.
final class CurrentPublisher: @unchecked Sendable {
    private let lock = NSLock()
    private var publisher: Publisher?
    private var stopRequested = false

    func set(_ publisher: Publisher) {
        lock.lock()
        self.publisher = publisher
        let stop = stopRequested
        lock.unlock()
        if stop { publisher.requestStop() }
    }

    func stop() {
        lock.lock()
        stopRequested = true
        let publisher = publisher
        lock.unlock()
        publisher?.requestStop()
    }

    var stopped: Bool { lock.lock(); defer { lock.unlock() }; return stopRequested }
}

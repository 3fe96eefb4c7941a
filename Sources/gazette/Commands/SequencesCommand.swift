// `gazette sequences run|list`: welcome sequences (autoresponders) from content/sequences/<name>/NN-<id>.md. `run`
// is for a scheduled CI job: it sends each subscriber each step that is due and not yet sent, logged per step like a
// publish; `list` shows the steps and who has had, is due or is waiting for each.
import ArgumentParser
import Foundation
import Gazette

struct SequencesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sequences",
        abstract: "Send and inspect welcome sequences (content/sequences/<name>/NN-<id>.md).",
        discussion: """
        A step is a Markdown file like an issue (title, subject, preheader …) with
        `after: 0d` (at once), `2h`, `3d` or `1w` in its front matter, counted from
        the subscriber's subscribed_at. content/sequences/<name>/sequence.yml may name
        `lists:`, an `audience:` (as in an issue) and `catch_up:` (default 7d).

        Examples:
          gazette sequences list
          gazette sequences run                       # hourly in CI
          gazette sequences run welcome --dry-run
          gazette sequences run --now 2026-12-01T09:00:00Z
        """,
        subcommands: [SequencesRunCommand.self, SequencesListCommand.self]
    )

    /// `--now`: an ISO 8601 date or date-time (UTC unless it says otherwise); nil: the clock.
    static func moment(_ text: String?) throws -> Date {
        guard let text else { return Date() }
        guard let date = SubscribedAt.date(text) else {
            throw ValidationError("--now must be an ISO 8601 date or date-time, such as 2026-12-01 or 2026-12-01T09:00:00Z")
        }
        return date
    }
}

struct SequencesRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Send every step that is due (subscribed_at + after ≤ now) and not yet sent.",
        discussion: """
        Rules:
          - each step's log is logs/sequences/<name>/<id>.jsonl (<id>: the file name
            without NN, or `id:` in the front matter), with the publish contract: a
            rerun skips whoever it sent, retries the deferred, re-sends the uncertain.
            Renumbering or removing steps resends nothing; renaming the id does.
          - subscribers without a usable subscribed_at are skipped, with a warning.
          - suppressed addresses are skipped.
          - a step more overdue than catch_up (sequence.yml, default 7d) is skipped
            for that subscriber and never sent later; `catch_up: off` sends it.
          - at most one step per subscriber per run: the next one goes next run.
          - editing a step is fine: whoever it is due to next gets the new text.
          - a step with `draft: true` is not sent (the others are).
        Commit logs/ after each run, as the publish job does (README, "Welcome
        sequences", has a scheduled CI job for it).

        Exit status: 0 done; 75 some deferred, uncertain or interrupted (run again);
        1 errors in a step or the settings, nothing sent.
        """
    )

    @Argument(help: "The sequence (a folder of content/sequences/); default: all.")
    var name: String?

    @Option(help: ArgumentHelp("Count due steps against this moment instead of the clock (ISO 8601).", valueName: "time"))
    var now: String?

    @Flag(help: "Render and validate every due message; send nothing and write no log.")
    var dryRun = false

    @Flag(help: "Do not re-send recipients whose outcome is uncertain.")
    var skipUncertain = false

    @OptionGroup var delivery: DeliveryOptions

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let printer = global.makePrinter()
        let project = try global.loadProject(printer: printer)
        let moment = try SequencesCommand.moment(now)
        var options = PublishOptions(issue: "")
        delivery.apply(to: &options)
        options.dryRun = dryRun
        options.skipUncertain = skipUncertain
        let runner = SequenceRunner(project: project, name: name, now: moment, options: options,
                                    makeTransport: Transports.factory(project: project, options: options))
        let signals = SignalHandling.installStop(printer: printer) {
            runner.requestStop()
        }
        defer { signals.cancel() }
        let result: SequenceRunner.Result
        do {
            result = try runner.run { step in
                guard printer.format == .text else { return }
                printer.say("\(step.sequence)/\(step.step): " + Self.line(step, dryRun: dryRun))
            }
        } catch let error as DiagnosticError {
            printer.print(error.diagnostics)
            throw ExitCode(1)
        }
        if global.format == .json {
            printer.printJSON([
                "steps": result.steps.map { step -> [String: Any] in
                    ["sequence": step.sequence, "step": step.step, "path": step.path,
                     "log": step.logPath.map { $0 as Any } ?? NSNull(),
                     "summary": step.summary.dictionary, "counts": step.counts.dictionary]
                },
                "interrupted": result.interrupted,
                "exit_status": Int(result.exitStatus),
                "warnings": result.warnings.map(DiagnosticPrinter.json),
            ])
        } else {
            for warning in result.warnings { printer.writeError(printer.line(for: warning)) }
            if result.steps.isEmpty { printer.say("No sequence steps in content/sequences/.") }
        }
        if result.exitStatus != 0 { throw ExitCode(result.exitStatus) }
    }

    /// `2 sent, 0 deferred, 0 failed · 3 waiting, 1 too late, 0 without subscribed_at, 1 next run, 4 already done`.
    static func line(_ step: SequenceRunner.StepResult, dryRun: Bool) -> String {
        let summary = step.summary, counts = step.counts
        var parts = [dryRun ? "\(summary.composed) composed" : "\(summary.sent) sent"]
        if !dryRun {
            parts += ["\(summary.deferred) deferred", "\(summary.failed) failed"]
            if summary.uncertain > 0 { parts.append("\(summary.uncertain) uncertain") }
            if summary.invalid > 0 { parts.append("\(summary.invalid) invalid") }
        }
        var later = ["\(counts.waiting) waiting", "\(counts.tooLate) too late", "\(counts.noDate) without subscribed_at"]
        if counts.nextRun > 0 { later.append("\(counts.nextRun) next run") }
        later += ["\(summary.alreadyDone) already done", "\(summary.suppressed) suppressed"]
        return parts.joined(separator: ", ") + " · " + later.joined(separator: ", ")
    }
}

struct SequencesListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Show each step (after, title) with how many were sent, are due now and are waiting.",
        discussion: """
        "sent" counts the step's log (people since removed from a list included); "due"
        is who `sequences run` would send the step to now; "waiting" is not due yet.

        Examples:
          gazette sequences list
          gazette sequences list welcome --format json
        """
    )

    @Argument(help: "The sequence (default: all).")
    var name: String?

    @Option(help: ArgumentHelp("Count against this moment instead of the clock (ISO 8601).", valueName: "time"))
    var now: String?

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let printer = global.makePrinter()
        let project = try global.loadProject(printer: printer)
        let moment = try SequencesCommand.moment(now)
        let steps: [SequenceStatus.Step], diagnostics: [Diagnostic]
        do {
            (steps, diagnostics) = try SequenceStatus(project: project, now: moment).steps(named: name)
        } catch let error as DiagnosticError {
            printer.print(error.diagnostics)
            throw ExitCode(1)
        }
        let failed = diagnostics.contains { $0.severity == .error }
        if global.format == .json {
            printer.printJSON([
                "ok": !failed,
                "steps": steps.map { step -> [String: Any] in
                    ["sequence": step.sequence, "step": step.id, "path": step.path, "after": step.after, "title": step.title, "draft": step.draft,
                     "sent": step.logged[.sent, default: 0], "due": step.counts.due, "waiting": step.counts.waiting,
                     "too_late": step.counts.tooLate, "no_subscribed_at": step.counts.noDate, "suppressed": step.suppressed,
                     "logged": Dictionary(uniqueKeysWithValues: step.logged.map { ($0.key.rawValue, $0.value) })]
                },
                "diagnostics": diagnostics.map(DiagnosticPrinter.json),
            ])
        } else {
            printer.print(diagnostics)
            if steps.isEmpty { printer.say("No sequence steps in content/sequences/.") }
            for step in steps {
                let pending = step.logged[.deferred, default: 0] + step.logged[.uncertain, default: 0]
                printer.say("\(step.sequence)/\(step.id)  after \(step.after)  \"\(step.title)\"\(step.draft ? " (draft)" : "")  "
                            + "sent \(step.logged[.sent, default: 0])" + (pending > 0 ? " (+\(pending) to retry)" : "")
                            + ", due \(step.counts.due), waiting \(step.counts.waiting)"
                            + (step.counts.tooLate > 0 ? ", too late \(step.counts.tooLate)" : "")
                            + (step.counts.noDate > 0 ? ", without subscribed_at \(step.counts.noDate)" : ""))
            }
        }
        if failed { throw ExitCode(1) }
    }
}

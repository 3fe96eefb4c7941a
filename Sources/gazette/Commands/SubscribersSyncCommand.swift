// `gazette subscribers sync [EVENTS… | MAILDIR]`: folds unsubscribe events, mailto unsubscribes and the hard
// bounces of publish logs into subscribers/suppressed.csv, and prints each address it added.
import ArgumentParser
import Foundation
import Gazette

struct SubscribersSyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Fold unsubscribe events, mailto unsubscribes and publish-log hard bounces into suppressed.csv.",
        discussion: """
        Reads the events files of `gazette serve` (events/*.jsonl by default, or the files and folders named), Maildirs of mails sent to the unsubscribe address (their subject carries the token; needs GAZETTE_UNSUBSCRIBE_SECRET), and the permanent mailbox failures (5.1.x, 5.2.1) in logs/*.jsonl. Appends each address not yet suppressed and prints it. The double opt-in confirmations (subscribe-confirmed events) are added to their list CSV with subscribed_at and source; an address in suppressed.csv is never re-added by a confirmation (remove its row by hand if the subscriber came back). Running it twice changes nothing. Bounce reports are read by `gazette bounces import`.

        Examples:
          gazette subscribers sync
          gazette subscribers sync events/2026-12-01.jsonl events/2026-12-02.jsonl
          gazette subscribers sync ~/Maildir/unsubscribe --dry-run
        """
    )

    @Argument(help: ArgumentHelp("Events files, folders of them, or Maildirs (default: events/).", valueName: "events-or-maildir"))
    var sources: [String] = []

    @Flag(help: "Do not read the publish logs in logs/.")
    var noLogs = false

    @Flag(help: "Print what would be added; change nothing.")
    var dryRun = false

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let printer = global.makePrinter()
        let project = try global.loadProject(printer: printer)
        let secret = ProcessInfo.processInfo.environment["GAZETTE_UNSUBSCRIBE_SECRET"].flatMap { $0.isEmpty ? nil : $0 }
        var sync = SuppressionSync(project: project, link: secret.map { UnsubscribeLink(baseURL: nil, mailto: nil, secret: $0) })
        sync.includePublishLogs = !noLogs
        let result: SuppressionSync.Result
        do {
            result = try sync.run(sources: sources.map { URL(fileURLWithPath: $0) }, dryRun: dryRun)
        } catch let error as DiagnosticError {
            printer.print(error.diagnostics)
            throw ExitCode(1)
        }
        if global.format == .json {
            printer.printJSON([
                "added": result.changes.map { ["email": $0.email, "reason": $0.reason, "date": $0.date, "source": $0.source] },
                "unchanged": result.unchanged, "ignored_messages": result.ignoredMessages, "dry_run": dryRun,
                "subscribed": result.subscribed.map { ["email": $0.email, "list": $0.list, "source": $0.source] },
                "already_subscribed": result.alreadySubscribed, "suppressed_confirmations": result.suppressedConfirmations,
                "diagnostics": result.problems.map(DiagnosticPrinter.json),
            ])
            return
        }
        if !result.problems.isEmpty { printer.print(result.problems) }
        let verb = dryRun ? "would add" : "added"
        for change in result.changes {
            printer.say("\(verb) \(change.email) (\(change.reason), \(change.date)) from \(change.source)")
        }
        var summary = "\(SubscriberList.suppressionFileName): \(verb) \(result.changes.count), \(result.unchanged) already suppressed"
        if result.ignoredMessages > 0 { summary += ", \(result.ignoredMessages) message(s) without a valid unsubscribe token" }
        printer.say(summary)
        for subscription in result.subscribed {
            printer.say("\(verb) \(subscription.email) to \(subscription.list) (\(subscription.source))")
        }
        if !result.subscribed.isEmpty || result.alreadySubscribed > 0 || result.suppressedConfirmations > 0 {
            printer.say("confirmed subscriptions: \(verb) \(result.subscribed.count), \(result.alreadySubscribed) already on their list, "
                        + "\(result.suppressedConfirmations) suppressed (not added)")
        }
    }
}

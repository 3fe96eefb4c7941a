// `gazette subscribers …`: the command group for list management, and the small edits (add, remove,
// unsubscribe). Each subcommand calls one Gazette.Lists entry point and prints its report.
import ArgumentParser
import Foundation
import Gazette

struct SubscribersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subscribers",
        abstract: "Manage the subscriber lists in subscribers/*.csv and subscribers/suppressed.csv.",
        discussion: """
        Every change rewrites a list the git-friendly way (rows sorted by address, LF endings) under the project lock logs/gazette.lock (waiting up to GAZETTE_LOCK_WAIT seconds, default 60, for another holder), all or nothing.

        Examples:
          gazette subscribers add ada@example.org --name "Ada Lovelace" --tag rust
          gazette subscribers import export.csv --map "Email Address=email" --dry-run
          gazette subscribers validate --format json
        """,
        subcommands: [SubscribersAddCommand.self, SubscribersRemoveCommand.self, SubscribersUnsubscribeCommand.self,
                      SubscribersImportCommand.self, SubscribersExportCommand.self, SubscribersValidateCommand.self,
                      SubscribersStatsCommand.self, SubscribersSyncCommand.self]
    )

    /// Prints an edit's report: one line per address on stdout, findings on stderr (or one JSON document);
    /// exit 1 when a finding is an error.
    static func print(_ report: ListEdit.Report, printer: DiagnosticPrinter) throws {
        if printer.format == .json {
            printer.printJSON([
                "ok": !report.diagnostics.contains { $0.severity == .error },
                "changes": report.changes.map { ["address": $0.address, "outcome": $0.outcome] },
                "written": report.written,
                "diagnostics": report.diagnostics.map(DiagnosticPrinter.json),
            ])
        } else {
            printer.print(report.diagnostics)
            for change in report.changes { printer.say("\(change.outcome): \(change.address)") }
            printer.say(report.written.isEmpty ? "No file changed." : "Wrote \(report.written.joined(separator: ", ")).")
        }
        if report.diagnostics.contains(where: { $0.severity == .error }) { throw ExitCode(1) }
    }

    /// Runs `body`, printing a thrown diagnostic error and exiting 1.
    static func run(printer: DiagnosticPrinter, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as DiagnosticError {
            printer.print(error.diagnostics)
            throw ExitCode(1)
        }
    }
}

struct SubscribersAddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add addresses to a list (created if missing), or update their name and tags.",
        discussion: """
        The address is cleaned (trimmed, the domain lower-cased and in A-labels) and checked (RFC 5321); an invalid address changes nothing. New rows get today's date in subscribed_at.

        Example:
          gazette subscribers add ada@example.org --list weekly \\
                                  --name "Ada Lovelace" --tag rust --tag events
        """
    )

    @Argument(help: "The addresses to add.")
    var addresses: [String]

    @Option(help: ArgumentHelp("The list (subscribers/<list>.csv).", valueName: "list"))
    var list = "main"

    @Option(help: ArgumentHelp("The subscriber's name (the `name` column).", valueName: "name"))
    var name: String?

    @Option(help: ArgumentHelp("A tag to add (repeatable; the `tags` column, `;`-separated).", valueName: "tag"))
    var tag: [String] = []

    @Option(help: ArgumentHelp("Where consent came from, for new rows (the `source` column).", valueName: "text"))
    var source: String?

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let printer = global.makePrinter()
        let project = try global.loadProject(printer: printer)
        try SubscribersCommand.run(printer: printer) {
            let report = try ListEdit(root: project.root).add(addresses, to: list, name: name, tags: tag, source: source)
            try SubscribersCommand.print(report, printer: printer)
        }
    }
}

struct SubscribersRemoveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Delete addresses from one list, or from every list.",
        discussion: """
        Deletes the rows (the data is gone; to stop mail but keep a record, use `unsubscribe`).

        Examples:
          gazette subscribers remove ada@example.org               # from every list
          gazette subscribers remove ada@example.org --list weekly
        """
    )

    @Argument(help: "The addresses to remove.")
    var addresses: [String]

    @Option(help: ArgumentHelp("Only this list (default: every list).", valueName: "list"))
    var list: String?

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let printer = global.makePrinter()
        let project = try global.loadProject(printer: printer)
        try SubscribersCommand.run(printer: printer) {
            try SubscribersCommand.print(try ListEdit(root: project.root).remove(addresses, from: list), printer: printer)
        }
    }
}

extension SuppressionReason: ExpressibleByArgument {}

struct SubscribersUnsubscribeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unsubscribe",
        abstract: "Add addresses to subscribers/suppressed.csv: no issue is sent to them again.",
        discussion: """
        The list rows stay; suppression wins over every list. An address already suppressed is left alone.

        Example:
          gazette subscribers unsubscribe ada@example.org --detail "asked by mail on 2026-11-30"
        """
    )

    @Argument(help: "The addresses to suppress.")
    var addresses: [String]

    @Option(help: "Why: unsubscribed, hard-bounce, complaint or manual.")
    var reason: SuppressionReason = .unsubscribed

    @Option(help: ArgumentHelp("A note for the `detail` column.", valueName: "text"))
    var detail = ""

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let printer = global.makePrinter()
        let project = try global.loadProject(printer: printer)
        try SubscribersCommand.run(printer: printer) {
            let report = try ListEdit(root: project.root).unsubscribe(addresses, reason: reason, detail: detail)
            try SubscribersCommand.print(report, printer: printer)
        }
    }
}

// `gazette subscribers import FILE`: merge a CSV export into a list, or with --dry-run only say what would happen.
import ArgumentParser
import Foundation
import Gazette

struct SubscribersImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Merge a CSV file of subscribers into a list.",
        discussion: """
        Every row is cleaned and checked; each problem is reported as file:line with a hint. A row that cannot be imported (bad CSV, a wrong number of fields, an invalid address) is an error, and then nothing is written. Duplicates, suppressed addresses, role addresses and typos of big providers' domains are warnings. Addresses already on the list keep their row. Every column is kept.

        Examples:
          gazette subscribers import new.csv --list weekly
          gazette subscribers import mailchimp.csv --dry-run \\
                  --map "Email Address=email" --map "First Name=name"
        """
    )

    @Argument(help: "The CSV file to import (UTF-8, a header row).")
    var file: String

    @Option(help: ArgumentHelp("The list to merge into (created if missing).", valueName: "list"))
    var list = "main"

    @Option(help: ArgumentHelp("Rename a column: the file's column name = the list's field (repeatable).", valueName: "csvcol=field"))
    var map: [String] = []

    @Flag(help: "Read and check everything, write nothing.")
    var dryRun = false

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let printer = global.makePrinter()
        let project = try global.loadProject(printer: printer)
        try SubscribersCommand.run(printer: printer) {
            let url = URL(fileURLWithPath: file)
            let importer = ListImport(root: project.root, source: url, sourcePath: file, listName: list,
                                      mapping: try ListImport.parseMapping(map))
            let report = try importer.run(dryRun: dryRun)
            let failed = report.diagnostics.contains { $0.severity == .error }
            if printer.format == .json {
                printer.printJSON([
                    "ok": !failed, "dry_run": dryRun, "list": report.list, "written": report.written,
                    "rows": report.rows, "added": report.added, "already_on_list": report.alreadyOnList,
                    "duplicates_in_file": report.duplicatesInFile, "suppressed": report.suppressed, "rejected": report.rejected,
                    "diagnostics": report.diagnostics.map(DiagnosticPrinter.json),
                ])
            } else {
                printer.print(report.diagnostics)
                let verb = failed ? "Not imported" : dryRun ? "Would import" : "Imported"
                printer.say("\(verb) \(file) into \(report.list): \(report.rows) rows, \(report.added) new, "
                            + "\(report.alreadyOnList) already on the list, \(report.duplicatesInFile) duplicates in the file, "
                            + "\(report.suppressed) suppressed, \(report.rejected) rejected.")
            }
            if failed { throw ExitCode(1) }
        }
    }
}

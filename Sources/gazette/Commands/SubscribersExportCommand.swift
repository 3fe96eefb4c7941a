// `gazette subscribers export`: the lists as CSV for a spreadsheet (formula cells neutralised) or as JSON.
import ArgumentParser
import Foundation
import Gazette

extension ListExport.Format: ExpressibleByArgument {}

struct SubscribersExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a list (or every list, with a `list` column) to standard output as CSV or JSON.",
        discussion: """
        In CSV, a cell that starts with = + - @ gets a leading ' so that a spreadsheet does not run it as a formula. Rows that cannot be read are reported on standard error (exit 1) and left out.

        Examples:
          gazette subscribers export --list main > main-export.csv
          gazette subscribers export --format json | jq length
        """
    )

    @Option(help: ArgumentHelp("Only this list (default: every list).", valueName: "list"))
    var list: String?

    @Option(help: "csv or json.")
    var format: ListExport.Format = .csv

    @Option(name: .long, help: ArgumentHelp("The newsletter repository (default: walk up from here to gazette.yml).", valueName: "dir"))
    var project: String?

    @Flag(name: .long, help: "No colours (also when NO_COLOR is set or output is not a terminal).")
    var noColor = false

    func run() throws {
        let printer = DiagnosticPrinter.standard(format: .text, noColor: noColor)
        let project = try GlobalOptions.loadProject(project, printer: printer)
        try SubscribersCommand.run(printer: printer) {
            let problems = try ListExport(root: project.root).run(lists: list.map { [$0] }, format: format) { text in
                FileHandle.standardOutput.write(Data(text.utf8))
            }
            printer.print(problems)
            if !problems.isEmpty { throw ExitCode(1) }
        }
    }
}

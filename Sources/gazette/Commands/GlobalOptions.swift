// Flags every subcommand shares: where the project is, and how to print.
import ArgumentParser
import Foundation
import Gazette

struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The newsletter repository (default: walk up from here to gazette.yml).", valueName: "dir"))
    var project: String?

    @Option(name: .long, help: "Output format: text or json.")
    var format: OutputFormat = .text

    @Flag(name: .long, help: "No colours (also when NO_COLOR is set or output is not a terminal).")
    var noColor = false

    /// The project, found or named; a missing one is a content error (exit 1) with a hint.
    func loadProject(printer: DiagnosticPrinter) throws -> Project {
        try Self.loadProject(project, printer: printer)
    }

    /// The project at `project` (or found by walking up), for commands with their own `--format`.
    static func loadProject(_ project: String?, printer: DiagnosticPrinter) throws -> Project {
        do {
            let start = URL(fileURLWithPath: project ?? FileManager.default.currentDirectoryPath)
            let root = project != nil ? start : try Project.locate(from: start)
            return try Project(root: root)
        } catch let error as DiagnosticError {
            printer.print(error.diagnostics)
            throw ExitCode(1)
        }
    }

    func makePrinter() -> DiagnosticPrinter {
        DiagnosticPrinter.standard(format: format, noColor: noColor)
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

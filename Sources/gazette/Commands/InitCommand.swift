// `gazette init [DIR]`: a new newsletter repository from the templates built into the binary.
import ArgumentParser
import Foundation
import Gazette

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a newsletter repository with default templates and an example issue.",
        discussion: """
        Example:
          gazette init my-newsletter && cd my-newsletter && gazette build
        Existing files are never overwritten unless --force is given.
        """
    )

    @Argument(help: "The folder to create (default: the current folder).")
    var directory: String = "."

    @Flag(help: "Overwrite existing files with the defaults.")
    var force = false

    @Flag(help: "Write only templates/ (e.g. to restore the default templates).")
    var templatesOnly = false

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let printer = global.makePrinter()
        let target = URL(fileURLWithPath: directory)
        do {
            let written = try Scaffold.initialize(target, force: force, templatesOnly: templatesOnly)
            if global.format == .json {
                printer.printJSON(["written": written, "directory": target.standardizedFileURL.path])
            } else {
                printer.say("Created \(written.count) files in \(target.standardizedFileURL.path)")
                printer.say("Next: cd \(directory) && gazette build && gazette check")
            }
        } catch let error as DiagnosticError {
            printer.print(error.diagnostics)
            throw ExitCode(1)
        }
    }
}

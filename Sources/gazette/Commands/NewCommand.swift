// `gazette new "Title"`: the next issue file, numbered and slugged, as a draft.
import ArgumentParser
import Foundation
import Gazette

struct NewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new",
        abstract: "Start the next issue: content/issues/NNN-slug.md with front matter and draft: true.",
        discussion: """
        Example:
          gazette new "Spring release notes"
          → content/issues/004-spring-release-notes.md
        Remove `draft: true` when the issue is ready to build and publish.
        """
    )

    @Argument(help: "The issue's title.")
    var title: String

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let printer = global.makePrinter()
        let project = try global.loadProject(printer: printer)
        do {
            let path = try Scaffold.newIssue(in: project, title: title)
            if global.format == .json { printer.printJSON(["path": path]) } else { printer.say(path) }
        } catch let error as DiagnosticError {
            printer.print(error.diagnostics)
            throw ExitCode(1)
        }
    }
}

// `gazette build`: the web archive and prepared emails in public/.
import ArgumentParser
import Foundation
import Gazette

struct BuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Render every issue into public/: web pages, index, Atom feed, prepared emails.",
        discussion: """
        Example:
          gazette build            # all issues that are not drafts
          gazette build --drafts   # drafts too
        Output: public/index.html, public/feed.xml, public/issues/<slug>/index.html,
        and per issue public/email/<slug>/email.html, email.txt (per-recipient
        values shown as {{name}}) and prepared.json.
        """
    )

    @Flag(help: "Include issues marked draft: true.")
    var drafts = false

    @Flag(help: "Treat unknown template variables as errors.")
    var strict = false

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let printer = global.makePrinter()
        let project = try global.loadProject(printer: printer)
        let builder = SiteBuilder(project: project, options: BuildOptions(includeDrafts: drafts, strict: strict))
        let result = builder.build()
        if global.format == .json {
            printer.printJSON([
                "issues": result.rendered.map { issue -> [String: Any] in
                    ["path": issue.source.path, "slug": issue.source.slug, "number": issue.source.number,
                     "audience": result.audiences[issue.source.path].map { $0 as Any } ?? NSNull()]
                },
                "steps": result.steps.map(\.source.path),
                "written": result.writtenFiles,
                "diagnostics": result.diagnostics.map(DiagnosticPrinter.json),
            ])
        } else {
            for diagnostic in result.diagnostics where diagnostic.severity == .error { printer.writeError(printer.line(for: diagnostic)) }
            for issue in result.rendered {
                let count = result.audiences[issue.source.path]
                printer.say("\(issue.source.path): " + (count.map { "\($0) recipient\($0 == 1 ? "" : "s")" } ?? "audience unknown"))
            }
            let warnings = result.diagnostics.filter { $0.severity == .warning }.count
            printer.say("Built \(result.rendered.count) issue\(result.rendered.count == 1 ? "" : "s") into \(Project.outputDirectory)/ (\(result.writtenFiles.count) files)"
                        + (result.steps.isEmpty ? "" : ", rendered \(result.steps.count) sequence step\(result.steps.count == 1 ? "" : "s") (email only)")
                        + (warnings > 0 ? "; \(warnings) warning\(warnings == 1 ? "" : "s"): run `gazette check`" : ""))
        }
        if result.hasErrors { throw ExitCode(1) }
    }
}

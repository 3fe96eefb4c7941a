// `gazette init [DIR]`: a new newsletter repository from the templates built into the binary.
import ArgumentParser
import Foundation
import Gazette

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a newsletter repository with default templates and an example issue.",
        discussion: """
        Examples:
          gazette init my-newsletter && cd my-newsletter && gazette build
          gazette init --ci github             # add .github/workflows/gazette.yml here
          gazette init --ci gitlab --shards 4  # .gitlab-ci.yml, publishing in 4 jobs
        Existing files are never overwritten unless --force is given. With --ci, only
        the CI file (and a line in .gitattributes) is written, into a new or an
        existing newsletter; see README, "Publishing from CI".
        """
    )

    @Argument(help: "The folder to create (default: the current folder).")
    var directory: String = "."

    @Flag(help: "Overwrite existing files with the defaults.")
    var force = false

    @Flag(help: "Write only templates/ (e.g. to restore the default templates).")
    var templatesOnly = false

    @Option(help: ArgumentHelp("Write only a CI configuration that checks pull requests, publishes on merge and runs `gazette sequences run` on a schedule: github or gitlab.",
                               valueName: "system"))
    var ci: CIPlatform?

    @Option(help: ArgumentHelp("With --ci: split each publish across this many parallel jobs (--shard K/N).", valueName: "n"))
    var shards = 1

    @Option(help: ArgumentHelp("With --ci: minutes the publish step may run before it stops cleanly (the job gets 10 more).",
                               valueName: "minutes"))
    var publishMinutes = 50

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if ci == nil && (shards != 1 || publishMinutes != 50) { throw ValidationError("--shards and --publish-minutes go with --ci") }
        if ci != nil && templatesOnly { throw ValidationError("--ci and --templates-only write different things; use one") }
        if !(1...64).contains(shards) { throw ValidationError("--shards must be 1 to 64") }
        if !(5...3000).contains(publishMinutes) { throw ValidationError("--publish-minutes must be 5 to 3000") }
    }

    func run() throws {
        let printer = global.makePrinter()
        let target = URL(fileURLWithPath: directory)
        do {
            if let ci {
                var settings = CISettings()
                settings.shards = shards
                settings.publishMinutes = publishMinutes
                let written = try Scaffold.writeCI(ci, settings: settings, into: target, force: force)
                if global.format == .json {
                    printer.printJSON(["written": written, "directory": target.standardizedFileURL.path])
                } else {
                    printer.say("Wrote \(written.joined(separator: " and ")) in \(target.standardizedFileURL.path)")
                    printer.say("Next: set the secrets GAZETTE_SMTP_PASSWORD, GAZETTE_DKIM_KEY and GAZETTE_UNSUBSCRIBE_SECRET"
                                + (ci == .gitlab ? " and GAZETTE_PUSH_TOKEN" : "") + " (README, \"Publishing from CI\"), then commit.")
                }
                return
            }
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

extension CIPlatform: ExpressibleByArgument {}

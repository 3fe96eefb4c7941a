// The `gazette` command: parses, calls one library entry point per subcommand, prints.
// Exit codes: 0 done, 1 errors in the content, 2 bad usage, 75 interrupted or deferred (resumable).
import ArgumentParser
import Foundation
import Gazette

@main
struct GazetteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gazette",
        abstract: "Write newsletters in Markdown, build them like a static site, check them, publish them.",
        discussion: """
        A newsletter is a git repository: gazette.yml, content/issues/*.md, templates/, subscribers/.
        Start with `gazette init my-newsletter`, write with `gazette new "Title"`,
        then `gazette build` and `gazette check`.
        An issue with `subjects: [A, B]` is an A/B subject test: `gazette publish 3`
        sends the test arms, `gazette publish 3 --ab-winner A|B|auto` the rest.
        """,
        version: GazetteVersion.description,
        subcommands: [InitCommand.self, NewCommand.self, BuildCommand.self, CheckCommand.self, PreviewCommand.self, PublishCommand.self, CICommand.self,
                      ServeCommand.self, SubscribersCommand.self, BouncesCommand.self, ReportCommand.self,
                      SMTPCommand.self, DoctorCommand.self, InlineCommand.self, SequencesCommand.self]
    )

    /// argument-parser exits with 64 (EX_USAGE) on bad usage; Gazette promises 2.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                print(message)
                Foundation.exit(0)
            }
            FileHandle.standardError.write(Data((message + "\n").utf8))
            Foundation.exit(code.rawValue == 64 ? 2 : code.rawValue)
        }
    }
}

// `gazette smtp test`: check a relay before a publish needs it.
import ArgumentParser
import Foundation
import Gazette

struct SMTPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "smtp",
        abstract: "Check the SMTP relay.",
        subcommands: [SMTPTestCommand.self]
    )
}

struct SMTPTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Connect to the relay, show TLS, certificate and extensions, authenticate, and optionally send one message.",
        discussion: """
        Examples:
          gazette smtp test                       # the relay in delivery.via
          gazette smtp test --via smtps://news@smtp.example.org \\
                            --to me@example.org
          gazette smtp test --via 'smtp://127.0.0.1:2525?tls=none' --transcript
        The password comes from GAZETTE_SMTP_PASSWORD; the transcript hides AUTH.
        """
    )

    @Option(help: ArgumentHelp("The relay: a URL or a name from delivery.transports (default: the first relay of delivery.via).", valueName: "url"))
    var via: String?

    @Option(help: ArgumentHelp("Trust this CA (PEM) besides the system store.", valueName: "pem"))
    var caFile: String?

    @Option(help: ArgumentHelp("Send one test message to this address.", valueName: "address"))
    var to: String?

    @Flag(help: "Print the SMTP dialogue.")
    var transcript = false

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let printer = global.makePrinter()
        let project = try global.loadProject(printer: printer)
        let report: RelayCheckReport
        do {
            report = try RelayCheck.run(project: project, via: via, caFile: caFile, to: to,
                                        environment: ProcessInfo.processInfo.environment)
        } catch let error as DiagnosticError {
            printer.print(error.diagnostics)
            throw ExitCode(1)
        }
        if global.format == .json {
            var object: [String: Any] = ["relay": report.relay, "peer": report.peer, "extensions": report.extensions]
            object["tls"] = report.tls
            object["certificate"] = report.certificate
            object["authentication"] = report.authentication
            object["test_message"] = report.testMessage
            if transcript { object["transcript"] = report.transcript }
            printer.printJSON(object)
            return
        }
        printer.say("Relay:          \(report.relay)")
        printer.say("Connected to:   \(report.peer)")
        printer.say("TLS:            \(report.tls ?? "none")")
        if let certificate = report.certificate { printer.say("Certificate:    \(certificate)") }
        printer.say("Extensions:     \(report.extensions.joined(separator: ", "))")
        printer.say("Authenticated:  \(report.authentication ?? "no")")
        if let message = report.testMessage { printer.say("Test message:   \(message)") }
        if transcript { for line in report.transcript { printer.say(line) } }
    }
}

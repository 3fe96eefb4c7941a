// `gazette serve`: the server recipients reach from an issue: the unsubscribe page and RFC 8058 one-click,
// writing accepted unsubscribes to events/<date>.jsonl for `gazette subscribers sync`. Runs until SIGINT/SIGTERM.
import ArgumentParser
import Foundation
import Gazette
import GazetteServer

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve unsubscribe links, one-click unsubscribes, double opt-in subscribing and tracked links, recording them in events/<date>.jsonl.",
        discussion: """
        GET <path>?token=… shows a confirmation page in the newsletter's style; POST with List-Unsubscribe=One-Click (RFC 8058) unsubscribes at once. Each accepted unsubscribe is fsync'd to events/<date>.jsonl before the 200; `gazette subscribers sync` folds the events into subscribers/suppressed.csv. <path> is the path of unsubscribe.url in gazette.yml. POST /subscribe (form fields email, name, list; `website` is a honeypot) sends a confirmation message (templates/confirm.txt) through the delivery chain of gazette.yml; GET /confirm/<token> shows a button whose POST records a subscribe-confirmed event, which sync adds to the list (docs/serve.md). GET /c/<token> records a click and redirects to the link the token seals; GET /o/<token>.gif records an open and answers a transparent GIF, flagging opens from tracking/machine-ranges.txt (Apple Mail Privacy Protection), with the bare User-Agent "Mozilla/5.0", or within seconds of the send as machine opens (docs/tracking.md). GET /_gazette/health answers "ok". Needs GAZETTE_UNSUBSCRIBE_SECRET, the secret the issues were sent with. Serve it behind a reverse proxy for TLS (docs/serve.md).

        Examples:
          gazette serve                                  # http://127.0.0.1:8080/unsubscribe
          gazette serve --host 0.0.0.0 --port 8080 --events /var/lib/gazette/events
          gazette serve --trust-forwarded-for            # behind nginx or Caddy on the same host
        """
    )

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port (0 picks a free one).")
    var port = 8080

    @Option(help: ArgumentHelp("Where events are written (default: events/ in the project).", valueName: "dir"))
    var events: String?

    @Option(help: "Requests per client address and minute; 0 turns the limit off.")
    var rateLimit = 60

    @Flag(help: "Trust a reverse proxy on this host (peers 127.0.0.0/8 and ::1) to name the client in Forwarded or X-Forwarded-For: for the rate limit, the consent record and machine opens. Other proxies: serve.trusted_proxies in gazette.yml.")
    var trustForwardedFor = false

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let printer = global.makePrinter()
        let project = try global.loadProject(printer: printer)
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard rateLimit >= 0 else { throw ValidationError("--rate-limit must be 0 or more") }
        guard let secret = ProcessInfo.processInfo.environment["GAZETTE_UNSUBSCRIBE_SECRET"], !secret.isEmpty else {
            printer.print([.error("unsubscribe-secret", "GAZETTE_UNSUBSCRIBE_SECRET is not set",
                                  hint: "set it to the secret the issues were sent with; without it no link verifies")])
            throw ExitCode(1)
        }
        let folder = events.map { URL(fileURLWithPath: $0) } ?? project.url(EventsFile.directoryName)
        let unsubscriber = Unsubscriber(secret: secret, events: EventsFile(directory: folder))
        let path = SubscriberServer.path(ofUnsubscribeURL: project.configuration.unsubscribeURL)
        let optIn = makeOptIn(project: project, secret: secret, events: unsubscriber.events, printer: printer)
        // Always on: links of issues sent with tracking keep working after gazette.yml turns it off.
        let machineRules = MachineOpenRules(project: project)
        printer.print(machineRules.problems)
        let tracking = try EngagementRecorder(secret: secret, events: unsubscriber.events, machineRules: machineRules)
        let server = SubscriberServer(project: project, unsubscriber: unsubscriber, optIn: optIn, tracking: tracking,
                                      options: .init(host: host, port: port, path: path, requestsPerMinute: rateLimit,
                                                     trustForwardedFor: trustForwardedFor,
                                                     trustedProxies: project.configuration.serve.trustedProxies))
        let base = try ServerLifecycle.start(host: host, port: port, printer: printer,
                                             hint: "another program uses the port; choose another with --port") {
            try await server.start()
        }
        let address = String(base.absoluteString.dropLast()) + path
        if global.format == .json {
            printer.printJSON(["url": address, "port": base.port ?? port, "events": folder.path])
        } else {
            // Written at once, unbuffered: a script (or a test) waits for this line to know the port.
            FileHandle.standardOutput.write(Data("Serving: \(address)\nEvents: \(folder.path)\nCtrl-C stops.\n".utf8))
        }

        _ = optIn  // kept alive with the server
        // SIGINT or SIGTERM: stop accepting, let requests in flight finish, exit 0. Every 200 was fsync'd already.
        ServerLifecycle.waitForSignal { await server.stop() }
    }

    /// Double opt-in through the project's delivery chain; when a delivery cannot be made (a relay's password
    /// missing, say), the subscribe routes are off and a warning says why.
    func makeOptIn(project: Project, secret: String, events: EventsFile, printer: DiagnosticPrinter) -> DoubleOptIn? {
        let environment = ProcessInfo.processInfo.environment
        do {
            let configuration = project.configuration
            let transports = try configuration.delivery.chain.map { entry in
                try Transports.make(via: entry, configuration: configuration, caFile: nil, environment: environment, projectRoot: project.root)
            }
            let (signer, findings) = try DoubleOptIn.signer(configuration: configuration, environment: environment)
            printer.print(findings)
            return try DoubleOptIn(project: project, secret: secret, events: events, transports: transports, signer: signer)
        } catch let error as DiagnosticError {
            printer.print(error.diagnostics.map { finding in
                var warning = finding
                warning.severity = .warning
                warning.message = "subscribing is off: " + finding.message
                return warning
            })
        } catch {
            printer.print([.warning("subscribe-off", "subscribing is off: \(error)")])
        }
        return nil
    }
}

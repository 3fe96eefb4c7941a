// `gazette preview [ISSUE]`: serves the issues as subscribers receive them, with live reload, until Ctrl-C.
import ArgumentParser
import Foundation
import Gazette
import GazetteServer

struct PreviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview",
        abstract: "Preview issues in a browser as subscribers receive them, reloading as you write.",
        discussion: """
        Each issue's page shows the email in a desktop and a mobile frame, a dark-mode simulation, a subscriber picker, the text part, the web page, the .eml and the check results. Saving a Markdown file, a template, gazette.yml or a list reloads the open pages.

        Examples:
          gazette preview               # http://127.0.0.1:4000/
          gazette preview 3 --open      # issue 3, in the default browser
          gazette preview --port 0      # any free port (printed)

        Only loopback is served unless --host names another address.
        """
    )

    @Argument(help: "An issue to open first, by number, slug, file name or path.")
    var issue: String?

    @Option(help: "The address to listen on (127.0.0.1; 0.0.0.0 serves your network on purpose).")
    var host = "127.0.0.1"

    @Option(help: "The port (0 picks a free one).")
    var port = 4000

    @Flag(help: "Open the page in a browser (xdg-open, or $BROWSER).")
    var open = false

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let printer = global.makePrinter()
        let project = try global.loadProject(printer: printer)
        guard (0...65535).contains(port) else {
            throw ValidationError("--port must be between 0 and 65535")
        }
        var path = "/"
        if let issue {
            do {
                path = "/preview/\(try project.findIssue(issue).deletingPathExtension().lastPathComponent)/"
            } catch let error as DiagnosticError {
                printer.print(error.diagnostics)
                throw ExitCode(1)
            }
        }
        let server = PreviewServer(session: PreviewSession(root: project.root), options: .init(host: host, port: port))
        let base = try ServerLifecycle.start(
            host: host, port: port, printer: printer,
            hint: "another program (or another preview) uses the port; try --port 0 for a free one") { try await server.start() }
        let address = base.absoluteString.dropLast() + path
        if global.format == .json {
            printer.printJSON(["url": String(address), "port": base.port ?? port])
        } else {
            // Written at once, unbuffered: a script (or a test) waits for this line to know the port.
            FileHandle.standardOutput.write(Data("Preview: \(address)\nWatching gazette.yml, content/, templates/ and subscribers/; Ctrl-C stops.\n".utf8))
        }
        if open { Self.openBrowser(String(address)) }

        // Ctrl-C or SIGTERM: stop serving (live-reload streams end), then exit 0.
        ServerLifecycle.waitForSignal { await server.stop() }
    }

    static func openBrowser(_ url: String) {
        let environment = ProcessInfo.processInfo.environment
        let candidates = [environment["BROWSER"], "xdg-open", "open"].compactMap { $0 }
        for name in candidates {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [name, url]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            if (try? process.run()) != nil { return }
        }
    }
}

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
        Each issue's page shows the email in a desktop and a mobile frame, a dark-mode simulation,
        a subscriber picker, the text part, the web page, the .eml and the check results. Saving a
        Markdown file, a template, gazette.yml or a list reloads the open pages.
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
        let started = BlockingResult<URL>()
        Task { started.set(await Result(catching: { try await server.start() })) }
        let base: URL
        switch started.wait() {
        case .success(let url): base = url
        case .failure(let error):
            printer.writeError("error: cannot listen on \(host):\(port): \(error)")
            printer.writeError("    hint: another program (or another preview) uses the port; try --port 0 for a free one")
            throw ExitCode(1)
        }
        let address = base.absoluteString.dropLast() + path
        if global.format == .json {
            printer.printJSON(["url": String(address), "port": base.port ?? port])
        } else {
            // Written at once, unbuffered: a script (or a test) waits for this line to know the port.
            FileHandle.standardOutput.write(Data("Preview: \(address)\nWatching gazette.yml, content/, templates/ and subscribers/; Ctrl-C stops.\n".utf8))
        }
        if open { Self.openBrowser(String(address)) }

        // Ctrl-C or SIGTERM: stop serving (live-reload streams end), then exit 0.
        let stopped = BlockingResult<Void>()
        let signals = [SIGINT, SIGTERM].map { number -> DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { Task { await server.stop(); stopped.set(.success(())) } }
            source.resume()
            return source
        }
        _ = stopped.wait()
        signals.forEach { $0.cancel() }
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

/// A value handed from an async task to the blocked main thread, once.
final class BlockingResult<Value: Sendable>: @unchecked Sendable {  // guarded by `condition`
    private let condition = NSCondition()
    private var value: Result<Value, any Error>?

    func set(_ result: Result<Value, any Error>) {
        condition.lock()
        if value == nil { value = result }
        condition.broadcast()
        condition.unlock()
    }

    func wait() -> Result<Value, any Error> {
        condition.lock()
        defer { condition.unlock() }
        while value == nil { condition.wait() }
        return value ?? .failure(CancellationError())
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}

// How `preview` and `serve` run a server from the synchronous command line: start it on a task and wait for
// the bound URL (a failure to bind is an error with a hint, exit 1), then block until SIGINT or SIGTERM and stop it.
import ArgumentParser
import Dispatch
import Foundation

enum ServerLifecycle {
    /// Runs `start` and returns the URL it bound; prints why not and exits 1 when it cannot listen.
    static func start(host: String, port: Int, printer: DiagnosticPrinter, hint: String,
                      _ start: @escaping @Sendable () async throws -> URL) throws -> URL {
        let started = BlockingResult<URL>()
        Task { started.set(await Result(catching: start)) }
        switch started.wait() {
        case .success(let url):
            return url
        case .failure(let error):
            printer.writeError("error: cannot listen on \(host):\(port): \(error)")
            printer.writeError("    hint: \(hint)")
            throw ExitCode(1)
        }
    }

    /// Blocks until SIGINT or SIGTERM, then awaits `stop` (requests in flight finish) and returns.
    static func waitForSignal(thenStop stop: @escaping @Sendable () async -> Void) {
        let stopped = BlockingResult<Void>()
        let signals = [SIGINT, SIGTERM].map { number -> DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { Task { await stop(); stopped.set(.success(())) } }
            source.resume()
            return source
        }
        _ = stopped.wait()
        signals.forEach { $0.cancel() }
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

// SIGINT and SIGTERM for a publish: the first asks for a clean stop, the second exits 75 at once.
// Log lines are written whole by single write(2) calls, so an abrupt exit leaves the log valid.
import Dispatch
import Foundation

enum SignalHandling {
    /// The handlers of a sending command: the first signal says so and asks `stop` for a clean stop.
    static func installStop(printer: DiagnosticPrinter, _ stop: @escaping @Sendable () -> Void) -> SignalSources {
        install {
            printer.writeError("stopping: finishing the messages in flight (press Ctrl-C again to abort at once)")
            stop()
        }
    }

    /// Installs the handlers; cancel the returned sources to restore the defaults.
    static func install(onFirst: @escaping @Sendable () -> Void) -> SignalSources {
        let count = SignalCount()
        var sources: [DispatchSourceSignal] = []
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: DispatchQueue.global())
            source.setEventHandler {
                if count.increment() == 1 {
                    onFirst()
                } else {
                    _exit(75)
                }
            }
            source.resume()
            sources.append(source)
        }
        return SignalSources(sources: sources)
    }
}

struct SignalSources {
    let sources: [DispatchSourceSignal]
    func cancel() {
        for source in sources { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}

final class SignalCount: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() -> Int {
        lock.lock()
        defer { lock.unlock() }
        count += 1
        return count
    }
}

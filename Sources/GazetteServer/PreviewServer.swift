// `gazette preview`'s HTTP server: Hummingbird on loopback, the preview routes, the project watcher and live
// reload. It renders nothing itself: PreviewSession (in Gazette) does, with the code publish uses.
import Foundation
import Gazette
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// Serves a PreviewSession until stopped.
public final class PreviewServer: @unchecked Sendable {  // `task`, `watcher` and `pinger` are set by start/stop only
    public struct Options: Sendable {
        public var host: String
        /// 0 picks a free port; `start()` returns the one bound.
        public var port: Int
        /// The longest time between two full scans of the project; inotify wakes the watcher at once besides.
        public var pollInterval: TimeInterval

        public init(host: String = "127.0.0.1", port: Int = 4000, pollInterval: TimeInterval = 0.5) {
            self.host = host
            self.port = port
            self.pollInterval = pollInterval
        }

        /// Loopback only: then requests must name a loopback host too (no DNS rebinding into the preview).
        var isLoopback: Bool { ["127.0.0.1", "localhost", "::1"].contains(host) || host.hasPrefix("127.") }
    }

    public let session: PreviewSession
    public let options: Options
    let liveReload = LiveReload()
    private var task: Task<Void, Never>?
    private var watcher: ProjectWatcher?
    private var pinger: Task<Void, Never>?

    public init(session: PreviewSession, options: Options = Options()) {
        self.session = session
        self.options = options
    }

    /// The router with every preview route; tests use it as the server does.
    func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        if options.isLoopback { router.add(middleware: LoopbackHostMiddleware()) }
        PreviewRoutes(session: session, liveReload: liveReload).add(to: router)
        return router
    }

    /// Binds and starts serving; returns the base URL (`http://127.0.0.1:4000/`) once the socket listens.
    /// Throws when the address cannot be bound (a port in use …).
    public func start() async throws -> URL {
        let listener = try await Listener.start(router: makeRouter(), host: options.host, port: options.port, serverName: "gazette-preview")
        task = listener.task
        let port = listener.port
        let watcher = ProjectWatcher(session: session, interval: options.pollInterval) { [liveReload] change in
            liveReload.publish(.change(change))
        }
        watcher.start()
        self.watcher = watcher
        pinger = Task { [liveReload] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(15))
                liveReload.publish(.ping)
            }
        }
        let host = options.host.contains(":") ? "[\(options.host)]" : options.host
        guard let url = URL(string: "http://\(host):\(port)/") else {
            throw PreviewServerError(message: "cannot make a URL of host \(options.host)")
        }
        return url
    }

    /// Stops watching, ends the live-reload streams, and stops the server.
    public func stop() async {
        watcher?.stop()
        pinger?.cancel()
        liveReload.finishAll()
        task?.cancel()
        await task?.value
    }
}

/// Why the preview could not start.
public struct PreviewServerError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// The bound port, or the error that stopped the server from binding; resolved once.
final class BindResult: @unchecked Sendable {  // guarded by `lock`
    private let lock = NSLock()
    private var result: Result<Int, any Error>?
    private var waiter: CheckedContinuation<Int, any Error>?

    func resolve(_ outcome: Result<Int, any Error>) {
        let waiting: CheckedContinuation<Int, any Error>? = lock.withLock {
            guard result == nil else { return nil }
            result = outcome
            defer { waiter = nil }
            return waiter
        }
        waiting?.resume(with: outcome)
    }

    func value() async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            let ready: Result<Int, any Error>? = lock.withLock {
                if result == nil { waiter = continuation }
                return result
            }
            if let ready { continuation.resume(with: ready) }
        }
    }
}

/// On a loopback preview, only requests that name a loopback host are answered: a web page the writer visits
/// cannot rebind its own host name to 127.0.0.1 and read the subscribers shown in the picker.
struct LoopbackHostMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let authority = request.head.authority ?? ""
        var host = Substring(authority)
        if host.hasPrefix("["), let end = host.firstIndex(of: "]") {
            host = host[host.index(after: host.startIndex)..<end]
        } else if let colon = host.lastIndex(of: ":") {
            host = host[..<colon]
        }
        let loopback = host == "localhost" || host == "::1" || host.hasPrefix("127.")
        guard loopback else {
            return HTTPResponses.html(PreviewPages.message(title: "Not here", text:
                "This preview answers requests for localhost and 127.0.0.1 only. Start it with --host to serve other names."),
                status: .forbidden)
        }
        return try await next(request, context)
    }
}

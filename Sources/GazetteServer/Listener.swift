// Starting a Hummingbird application, shared by `preview` and `serve`: bind, read the port back (0 picks a free
// one), and return once the socket listens, or throw what stopped it binding.
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// A running HTTP/1.1 server: its task (cancel it to stop) and the port it bound.
struct Listener {
    /// What the HTTP/1 decoder and connections tolerate before the server closes them.
    struct Limits: Sendable {
        var idleTimeout: TimeAmount = .seconds(120)
        var maxHeaderFieldSize = 16 * 1024
        var maxHeaderListSize = 32 * 1024
        var maxHeaderFieldCount = 100
    }

    let task: Task<Void, Never>
    let port: Int

    /// Binds `host:port` and serves `router` until the task is cancelled.
    static func start<Context: RequestContext>(router: Router<Context>, host: String, port: Int, serverName: String,
                                               limits: Limits = Limits()) async throws -> Listener
    where Context: InitializableFromSource<ApplicationRequestContextSource> {
        var logger = Logger(label: serverName)
        logger.logLevel = .critical  // a stop cancels open connections, which NIO logs as errors
        let bound = BindResult()
        let configuration = HTTP1Channel.Configuration(
            idleTimeout: limits.idleTimeout,
            httpDecoderConfiguration: .init(maxHeaderFieldSize: limits.maxHeaderFieldSize, maxHeaderListSize: limits.maxHeaderListSize,
                                            maxHeaderFieldCount: limits.maxHeaderFieldCount))
        let app = Application(
            router: router, server: .http1(configuration: configuration),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: serverName),
            onServerRunning: { channel in bound.resolve(.success(channel.localAddress?.port ?? 0)) },
            logger: logger)
        let task = Task {
            do {
                try await app.run()
                bound.resolve(.failure(PreviewServerError(message: "the server stopped before it listened")))
            } catch {
                bound.resolve(.failure(error))
            }
        }
        return Listener(task: task, port: try await bound.value())
    }
}

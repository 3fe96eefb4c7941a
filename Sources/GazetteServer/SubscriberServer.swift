// `gazette serve`'s HTTP server: what recipients click (unsubscribe page and RFC 8058 one-click), a health
// endpoint for the proxy or orchestrator, a rate limit per client, small body and header limits.
import Foundation
import Gazette
import Hummingbird
import NIOCore

/// Serves the unsubscribe, subscribe and tracking routes of a project until stopped.
public final class SubscriberServer: @unchecked Sendable {  // `task` is set by start/stop only
    public struct Options: Sendable {
        public var host: String
        /// 0 picks a free port; `start()` returns the one bound.
        public var port: Int
        /// Where the unsubscribe page answers: the path of `unsubscribe.url` in gazette.yml.
        public var path: String
        /// Requests per client address and minute (0: no limit).
        public var requestsPerMinute: Int
        /// Trust a proxy on this host (loopback peers) to name the client (`--trust-forwarded-for`).
        public var trustForwardedFor: Bool
        /// Peers trusted to name the client in Forwarded / X-Forwarded-For (`serve.trusted_proxies`).
        public var trustedProxies: [IPRange]
        /// A connection that sends nothing for this long is closed (slow or stuck clients).
        public var idleTimeout: Int

        public init(host: String = "127.0.0.1", port: Int = 8080, path: String = "/unsubscribe", requestsPerMinute: Int = 60,
                    trustForwardedFor: Bool = false, trustedProxies: [IPRange] = [], idleTimeout: Int = 15) {
            self.host = host
            self.port = port
            self.path = path
            self.requestsPerMinute = requestsPerMinute
            self.trustForwardedFor = trustForwardedFor
            self.trustedProxies = trustedProxies
            self.idleTimeout = idleTimeout
        }
    }

    public static let healthPath = "/_gazette/health"

    public let unsubscriber: Unsubscriber
    /// Double opt-in (POST /subscribe, /confirm/<token>); nil: those routes answer 404.
    public let optIn: DoubleOptIn?
    /// Click redirects and the open pixel (/c/<token>, /o/<token>.gif); nil: they answer 400 and an empty pixel.
    public let tracking: EngagementRecorder?
    public let options: Options
    let pages: UnsubscribePages
    private var task: Task<Void, Never>?

    public convenience init(project: Project, unsubscriber: Unsubscriber, optIn: DoubleOptIn? = nil, tracking: EngagementRecorder? = nil,
                            options: Options = Options()) {
        self.init(pages: UnsubscribePages(project: project), unsubscriber: unsubscriber, optIn: optIn, tracking: tracking, options: options)
    }

    init(pages: UnsubscribePages, unsubscriber: Unsubscriber, optIn: DoubleOptIn? = nil, tracking: EngagementRecorder? = nil, options: Options) {
        self.pages = pages
        self.unsubscriber = unsubscriber
        self.optIn = optIn
        self.tracking = tracking
        self.options = options
    }

    /// The path of the configured unsubscribe URL (`https://example.org/u/x?a=b` → `/u/x`), `/unsubscribe` without one.
    public static func path(ofUnsubscribeURL url: String?) -> String {
        guard let url, let components = URLComponents(string: url), !components.path.isEmpty, components.path != "/" else { return "/unsubscribe" }
        return components.path
    }

    func makeRouter() -> Router<ServeRequestContext> {
        let router = Router(context: ServeRequestContext.self)
        let clients = ClientAddress(trusted: options.trustedProxies + (options.trustForwardedFor ? ClientAddress.loopback : []))
        router.add(middleware: ClientRateLimitMiddleware(limiter: ClientRateLimit(requestsPerMinute: options.requestsPerMinute),
                                                         clients: clients, exempt: [Self.healthPath]))
        router.get(RouterPath(Self.healthPath)) { _, _ in HTTPResponses.text("ok\n") }
        UnsubscribeRoutes(unsubscriber: unsubscriber, pages: pages, path: options.path).add(to: router)
        SubscribeRoutes(optIn: optIn, pages: pages, clients: clients).add(to: router)
        TrackingRoutes(recorder: tracking, pages: pages, clients: clients).add(to: router)
        let pages = self.pages
        router.get("**") { _, _ in UnsubscribeRoutes.page(pages.message(title: "Not found", text: "Nothing is served here."), status: .notFound) }
        return router
    }

    /// Binds and starts serving; returns the base URL once the socket listens. Throws when it cannot bind.
    public func start() async throws -> URL {
        // Headers: one-click requests are small; 8 KiB per field and 16 KiB in all is more than any mail client sends.
        let limits = Listener.Limits(idleTimeout: .seconds(Int64(options.idleTimeout)), maxHeaderFieldSize: 8 * 1024,
                                     maxHeaderListSize: 16 * 1024, maxHeaderFieldCount: 64)
        let listener = try await Listener.start(router: makeRouter(), host: options.host, port: options.port,
                                                serverName: "gazette-serve", limits: limits)
        task = listener.task
        let host = options.host.contains(":") ? "[\(options.host)]" : options.host
        guard let url = URL(string: "http://\(host):\(listener.port)/") else {
            throw PreviewServerError(message: "cannot make a URL of host \(options.host)")
        }
        optIn?.serverStarted(at: url)
        return url
    }

    public func stop() async {
        task?.cancel()
        await task?.value
    }
}

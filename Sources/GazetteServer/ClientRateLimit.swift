// Requests per client address and minute for `gazette serve`: a fixed window per address, answered with 429
// and Retry-After beyond the limit. Behind a trusted reverse proxy the client is the one its Forwarded or
// X-Forwarded-For header names (ClientAddress); from any other peer, the peer.
import Foundation
import Hummingbird

final class ClientRateLimit: @unchecked Sendable {  // `windows` is guarded by `lock`
    let limit: Int
    let window: TimeInterval
    private let lock = NSLock()
    private var windows: [String: (start: TimeInterval, count: Int)] = [:]
    private static let trackedLimit = 50_000

    init(requestsPerMinute: Int, window: TimeInterval = 60) {
        self.limit = requestsPerMinute
        self.window = window
    }

    /// Whether one more request from `client` is allowed now; counts it.
    func allow(_ client: String, now: TimeInterval = ProcessInfo.processInfo.systemUptime) -> Bool {
        guard limit > 0 else { return true }
        return lock.withLock {
            if windows.count >= Self.trackedLimit {  // bounded memory under a flood of addresses
                windows = windows.filter { now - $0.value.start < window }
                if windows.count >= Self.trackedLimit { windows.removeAll(keepingCapacity: true) }
            }
            var entry = windows[client] ?? (now, 0)
            if now - entry.start >= window { entry = (now, 0) }
            entry.count += 1
            windows[client] = entry
            return entry.count <= limit
        }
    }
}

struct ClientRateLimitMiddleware: RouterMiddleware {
    typealias Context = ServeRequestContext
    let limiter: ClientRateLimit
    let clients: ClientAddress
    let exempt: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !exempt.contains(request.uri.path) else { return try await next(request, context) }
        let client = context.clientAddress(of: request, clients) ?? "unknown"
        guard limiter.allow(client) else {
            var response = HTTPResponses.text("Too many requests; try again in a minute.\n", status: .tooManyRequests)
            response.headers[.retryAfter] = String(Int(limiter.window))
            return response
        }
        return try await next(request, context)
    }
}

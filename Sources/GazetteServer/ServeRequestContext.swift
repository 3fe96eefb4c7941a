// The request context of `gazette serve`: Hummingbird's basics plus the peer's address (for the rate limit)
// and a small upload limit (the one-click body is 26 bytes).
import Hummingbird
import NIOCore

struct ServeRequestContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    var maxUploadSize: Int { 4 * 1024 }

    /// The client's address: the peer's, or behind a trusted proxy the last X-Forwarded-For entry (the one the
    /// proxy itself appended).
    func clientAddress(of request: Request, trustForwardedFor: Bool) -> String? {
        if trustForwardedFor, let forwarded = request.headers[.init("X-Forwarded-For")!],
           let last = forwarded.split(separator: ",").last?.trimmingCharacters(in: .whitespaces), !last.isEmpty {
            return last
        }
        return remoteAddress?.ipAddress
    }
}

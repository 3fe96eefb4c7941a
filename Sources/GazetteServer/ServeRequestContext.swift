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

    /// The client's address: the peer's, or, when the peer is a trusted proxy, the one its headers name (ClientAddress).
    func clientAddress(of request: Request, _ clients: ClientAddress) -> String? {
        clients.client(peer: remoteAddress?.ipAddress, headers: request.headers)
    }
}

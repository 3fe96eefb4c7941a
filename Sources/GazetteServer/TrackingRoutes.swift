// `gazette serve`'s tracking routes: GET /c/<token> records a click and redirects (302) to the link the token
// seals; GET /o/<token>.gif records an open and answers a 43-byte transparent GIF. EngagementRecorder (in Gazette)
// opens tokens, flags machine opens and writes the events file; a handler only turns that into a response.
import Foundation
import Gazette
import Hummingbird

struct TrackingRoutes: Sendable {
    let recorder: EngagementRecorder?
    let pages: UnsubscribePages
    let clients: ClientAddress
    static let clickPath = "/c"
    static let openPath = "/o"

    /// A 1×1 transparent GIF89a: header, screen, a two-colour table, transparency, one pixel, trailer.
    static let pixel: [UInt8] = [
        0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF,
        0x21, 0xF9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2C, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
        0x02, 0x02, 0x44, 0x01, 0x00, 0x3B,
    ]

    func add(to router: Router<ServeRequestContext>) {
        router.get(RouterPath(Self.clickPath + "/:token")) { _, context in await click(context) }
        router.get(RouterPath(Self.openPath + "/:file")) { request, context in await open(request, context) }
    }

    func click(_ context: ServeRequestContext) async -> Response {
        guard let recorder, let click = recorder.click(token: context.parameters.get("token") ?? "") else {
            // Never a redirect for a token we did not seal: no open redirect, whatever the URL says.
            return UnsubscribeRoutes.page(pages.message(title: "Link not valid", text: "This link is broken or was not made by this newsletter."),
                                          status: .badRequest)
        }
        // The reader reaches the link even when the event cannot be written (a full disk loses the click, not the page).
        _ = try? await UnsubscribeRoutes.offTheEventLoop { try recorder.record(click) }
        var headers = HTTPFields()
        headers[.location] = click.url
        headers[.cacheControl] = "no-store"
        headers[.init("Referrer-Policy")!] = "no-referrer"
        headers[.contentLength] = "0"
        return Response(status: .found, headers: headers)
    }

    func open(_ request: Request, _ context: ServeRequestContext) async -> Response {
        let file = context.parameters.get("file") ?? ""
        // Always the pixel: a forged token or a failed write shows nothing different to the mail client.
        if let recorder, file.hasSuffix(".gif"), let open = recorder.open(token: String(file.dropLast(4))) {
            let client = context.clientAddress(of: request, clients)
            let userAgent = request.headers[.userAgent]
            _ = try? await UnsubscribeRoutes.offTheEventLoop { try recorder.record(open, client: client, userAgent: userAgent) }
        }
        return HTTPResponses.bytes(Self.pixel, type: "image/gif")
    }
}

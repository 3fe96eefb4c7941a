// `gazette serve`'s routes for what recipients click: GET shows the confirmation page, POST unsubscribes —
// RFC 8058 one-click (`List-Unsubscribe=One-Click`, no page) or the page's button. Unsubscriber (in Gazette)
// checks tokens and writes the events file; a handler only turns its answer into a response.
import Foundation
import Gazette
import Hummingbird

struct UnsubscribeRoutes: Sendable {
    let unsubscriber: Unsubscriber
    let pages: UnsubscribePages
    let path: String

    func add(to router: Router<ServeRequestContext>) {
        router.get(RouterPath(path)) { request, _ in confirmationPage(request) }
        router.post(RouterPath(path)) { request, context in try await unsubscribe(request, context) }
    }

    func confirmationPage(_ request: Request) -> Response {
        guard let target = target(of: request) else { return Self.page(pages.invalidLink(), status: .badRequest) }
        return Self.page(pages.confirm(target, action: path + "?" + (request.uri.query ?? "")))
    }

    func unsubscribe(_ request: Request, _ context: ServeRequestContext) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: context.maxUploadSize)  // beyond it: 413
        let form = FormBody(bytes: Array(buffer: body), contentType: request.headers[.contentType])
        let channel: UnsubscribeEvent.Channel
        if form.value("List-Unsubscribe") == "One-Click" {
            channel = .oneClick
        } else if form.value("confirm") == "yes" {
            channel = .page
        } else {
            return HTTPResponses.text("expected List-Unsubscribe=One-Click (RFC 8058)\n", status: .badRequest)
        }
        guard let target = target(of: request) else {
            return channel == .oneClick ? HTTPResponses.text("invalid unsubscribe token\n", status: .badRequest)
                : Self.page(pages.invalidLink(), status: .badRequest)
        }
        do {
            _ = try await Self.offTheEventLoop { try unsubscriber.unsubscribe(target, via: channel) }
        } catch {
            // Not on disk: no 200, so the mail client (or the person) tries again.
            return HTTPResponses.text("cannot record the unsubscribe right now; try again\n", status: .serviceUnavailable)
        }
        return channel == .oneClick ? HTTPResponses.text("unsubscribed\n") : Self.page(pages.done(target))
    }

    func target(of request: Request) -> UnsubscribeTarget? {
        let query = request.uri.queryParameters
        return unsubscriber.target(token: query.get("token"), email: query.get("email"), list: query.get("list"))
    }

    /// A page whose URL carries a token: not cached, not sent on as a referrer, no script.
    static func page(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
        var response = HTTPResponses.html(html, status: status)
        response.headers[.init("Referrer-Policy")!] = "no-referrer"
        response.headers[.contentSecurityPolicy] = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'"
        return response
    }

    /// Runs blocking work (an fsync) on a Dispatch thread, keeping Swift's cooperative pool free to serve.
    static func offTheEventLoop<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result(catching: work)) }
        }
    }
}

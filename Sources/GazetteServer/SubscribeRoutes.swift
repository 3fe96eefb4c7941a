// `gazette serve`'s double opt-in: POST /subscribe sends a confirmation message (and records nothing);
// GET /confirm/<token> shows a page whose button POSTs the same URL, and only that POST records the
// subscription (mail scanners and previews follow GET links). DoubleOptIn (in Gazette) does the work.
//
// No CSRF token, by design: a forged cross-site POST can only make the server send a confirmation message to
// an address, which records nothing until its owner presses the button; the per-address limit bounds how many
// such messages one address gets.
import Foundation
import Gazette
import Hummingbird

struct SubscribeRoutes: Sendable {
    let optIn: DoubleOptIn?
    let pages: UnsubscribePages
    /// Form requests per address and hour: a flood cannot fill one inbox with confirmations.
    let perAddress: ClientRateLimit
    /// Who confirmed: the consent record's client address (behind a trusted proxy, the one it names).
    let clients: ClientAddress
    /// The hidden field a person never fills; a bot that fills it gets the usual answer and no message.
    static let honeypotField = "website"
    static let subscribePath = "/subscribe"
    static let confirmPath = "/confirm"

    init(optIn: DoubleOptIn?, pages: UnsubscribePages, clients: ClientAddress, requestsPerAddressAndHour: Int = 3) {
        self.optIn = optIn
        self.pages = pages
        self.clients = clients
        self.perAddress = ClientRateLimit(requestsPerMinute: requestsPerAddressAndHour, window: 3600)
    }

    func add(to router: Router<ServeRequestContext>) {
        router.post(RouterPath(Self.subscribePath)) { request, context in try await subscribe(request, context) }
        router.get(RouterPath(Self.confirmPath + "/:token")) { _, context in confirmationPage(context) }
        router.post(RouterPath(Self.confirmPath + "/:token")) { request, context in try await confirm(request, context) }
    }

    func subscribe(_ request: Request, _ context: ServeRequestContext) async throws -> Response {
        guard let optIn else { return unavailable() }
        var request = request
        let body = try await request.collectBody(upTo: context.maxUploadSize)  // beyond it: 413
        let form = FormBody(bytes: Array(buffer: body), contentType: request.headers[.contentType])
        if let trap = form.value(Self.honeypotField), !trap.isEmpty { return UnsubscribeRoutes.page(pages.checkInbox()) }
        let email = form.value("email") ?? ""
        guard !email.isEmpty else {
            return UnsubscribeRoutes.page(pages.message(title: "Address missing", text: "Type your email address in the form."),
                                          status: .badRequest)
        }
        guard perAddress.allow(AddressKey.normalize(email)) else {
            var response = UnsubscribeRoutes.page(pages.message(title: "Too many requests",
                                                                text: "A confirmation was sent to this address a short while ago; check your inbox."),
                                                  status: .tooManyRequests)
            response.headers[.retryAfter] = String(Int(perAddress.window))
            return response
        }
        let name = form.value("name") ?? "", list = form.value("list").flatMap { $0.isEmpty ? nil : $0 } ?? "main"
        let outcome: DoubleOptIn.RequestOutcome
        do {
            outcome = try await UnsubscribeRoutes.offTheEventLoop { try optIn.request(email: email, name: name, list: list) }
        } catch {
            return UnsubscribeRoutes.page(pages.message(title: "Try again later", text: "The confirmation message could not be sent right now."),
                                          status: .serviceUnavailable)
        }
        switch outcome {
        case .sent: return UnsubscribeRoutes.page(pages.checkInbox())
        case .invalidAddress(let reason):
            return UnsubscribeRoutes.page(pages.message(title: "Address not valid", text: "The address cannot receive mail: \(reason)."),
                                          status: .badRequest)
        case .unknownList:
            return UnsubscribeRoutes.page(pages.message(title: "Unknown list", text: "This newsletter has no such list."), status: .badRequest)
        }
    }

    func confirmationPage(_ context: ServeRequestContext) -> Response {
        guard let optIn else { return unavailable() }
        let token = context.parameters.get("token") ?? ""
        switch optIn.open(token) {
        case .valid(let pending): return UnsubscribeRoutes.page(pages.confirmSubscription(pending, action: Self.confirmPath + "/" + token))
        case .expired: return UnsubscribeRoutes.page(pages.expiredConfirmation(), status: .gone)
        case .invalid: return UnsubscribeRoutes.page(pages.invalidConfirmation(), status: .badRequest)
        }
    }

    func confirm(_ request: Request, _ context: ServeRequestContext) async throws -> Response {
        guard let optIn else { return unavailable() }
        var request = request
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        let form = FormBody(bytes: Array(buffer: body), contentType: request.headers[.contentType])
        guard form.value("confirm") == "yes" else { return HTTPResponses.text("expected confirm=yes\n", status: .badRequest) }
        let pending: PendingSubscription
        switch optIn.open(context.parameters.get("token") ?? "") {
        case .valid(let value): pending = value
        case .expired: return UnsubscribeRoutes.page(pages.expiredConfirmation(), status: .gone)
        case .invalid: return UnsubscribeRoutes.page(pages.invalidConfirmation(), status: .badRequest)
        }
        let client = context.clientAddress(of: request, clients) ?? "form"
        do {
            _ = try await UnsubscribeRoutes.offTheEventLoop { try optIn.confirm(pending, client: client) }
        } catch {
            return HTTPResponses.text("cannot record the subscription right now; try again\n", status: .serviceUnavailable)
        }
        return UnsubscribeRoutes.page(pages.subscribed(pending))
    }

    func unavailable() -> Response {
        UnsubscribeRoutes.page(pages.message(title: "Not available", text: "Subscribing is not set up on this server."), status: .notFound)
    }
}

// The preview's routes. Each handler asks PreviewSession for what to show and hands it to PreviewPages; only
// what the project renders is served: issues by file stem, the web archive's pages and stylesheet, and files
// of content/ that the build publishes (PreviewSession.contentFile decides, symlinks resolved). No listings.
import Foundation
import Gazette
import Hummingbird

struct PreviewRoutes: Sendable {
    let session: PreviewSession
    let liveReload: LiveReload

    func add(to router: Router<BasicRequestContext>) {
        router.get("/") { _, _ in HTTPResponses.html(PreviewPages.index(session.index())) }
        router.get("/_gazette/health") { _, _ in HTTPResponses.text("ok\n") }
        router.get("/_gazette/events") { _, _ in liveReload.response(generation: session.generation) }

        router.get("/preview/:stem") { request, context in issuePage(request, context) }
        // Exactly the HTML part publish sends, unless the page's toggles ask for a simulation.
        router.get("/preview/:stem/email.html") { request, context in
            withPreview(request, context) { preview in
                let display = PreviewDisplay(theme: PreviewDisplay.Theme(rawValue: request.uri.queryParameters.get("theme") ?? "") ?? .light,
                                             localImages: request.uri.queryParameters.get("images") == "local")
                return HTTPResponses.html(display.apply(to: preview.personalized.html, baseURL: session.baseURL))
            }
        }
        router.get("/preview/:stem/text") { request, context in
            withPreview(request, context) { HTTPResponses.html(PreviewPages.textPart($0)) }
        }
        router.get("/preview/:stem/message.eml") { request, context in
            withPreview(request, context) { HTTPResponses.download($0.message, named: "\($0.entry.stem).eml", type: "message/rfc822") }
        }
        router.get("/preview/:stem/checks.json") { request, context in
            let stem = Self.stem(context)
            switch session.preview(stem, recipient: Self.recipient(request), find: request.uri.queryParameters.get("find")) {
            case .success(let preview):
                return HTTPResponses.json(PreviewPages.checksJSON(entry: preview.entry, findings: preview.findings,
                                                                     measurements: preview.measurements))
            case .failure(.failed(let entry, let findings, _)):
                return HTTPResponses.json(PreviewPages.checksJSON(entry: entry, findings: findings, measurements: nil))
            case .failure(.notFound):
                return PreviewRoutes.notFound()
            }
        }

        // The web archive, at the paths `gazette build` gives it under public/.
        router.get("/issues/:slug") { _, context in webPage(context) }
        router.get("/issues/:slug/index.html") { _, context in webPage(context) }
        // Everything else: a stylesheet of the site or a file of content/, else 404.
        router.get("**") { request, context in try await staticFile(request.uri.path, context) }
    }

    func issuePage(_ request: Request, _ context: BasicRequestContext) -> Response {
        let stem = Self.stem(context)
        switch session.preview(stem, recipient: Self.recipient(request), find: request.uri.queryParameters.get("find")) {
        case .success(let preview):
            return HTTPResponses.html(PreviewPages.issue(preview, newsletter: session.newsletterName))
        case .failure(.failed(let entry, let findings, let generation)):
            return HTTPResponses.html(PreviewPages.failure(stem: stem, entry: entry, findings: findings, generation: generation))
        case .failure(.notFound):
            return PreviewRoutes.notFound()
        }
    }

    /// Runs `body` with the preview of the issue named in the path; a failure shows its findings (HTTP 500 —
    /// the server is fine, the issue does not render), a stem that names no issue gets a 404.
    func withPreview(_ request: Request, _ context: BasicRequestContext,
                     _ body: (PreviewSession.IssuePreview) -> Response) -> Response {
        let stem = Self.stem(context)
        switch session.preview(stem, recipient: Self.recipient(request), find: request.uri.queryParameters.get("find")) {
        case .success(let preview):
            return body(preview)
        case .failure(.failed(let entry, let findings, let generation)):
            return HTTPResponses.html(PreviewPages.failure(stem: stem, entry: entry, findings: findings, generation: generation),
                                         status: .internalServerError)
        case .failure(.notFound):
            return PreviewRoutes.notFound()
        }
    }

    func webPage(_ context: BasicRequestContext) -> Response {
        let slug = context.parameters.get("slug").flatMap { $0.removingPercentEncoding } ?? ""
        guard let stem = session.issueStem(forSlug: slug) else { return PreviewRoutes.notFound() }
        switch session.webPage(stem) {
        case .success(let page):
            return HTTPResponses.html(PreviewPages.withLiveReload(page, stem: stem, generation: session.generation))
        case .failure(.failed(let entry, let findings, let generation)):
            return HTTPResponses.html(PreviewPages.failure(stem: stem, entry: entry, findings: findings, generation: generation),
                                         status: .internalServerError)
        case .failure(.notFound):
            return PreviewRoutes.notFound()
        }
    }

    func staticFile(_ path: String, _ context: BasicRequestContext) async throws -> Response {
        let relative = String(path.drop { $0 == "/" })
        if !relative.contains("/"), let css = session.webStylesheet(relative) {
            return HTTPResponses.bytes(Array(css.utf8), type: "text/css; charset=utf-8")
        }
        guard path.hasPrefix("/"), !path.hasPrefix("//"), let file = session.contentFile(relative) else {
            return PreviewRoutes.notFound()
        }
        return try await HTTPResponses.file(file, context: context)
    }

    /// The issue's file stem from the path, percent-escapes decoded (PreviewSession validates it).
    static func stem(_ context: BasicRequestContext) -> String {
        context.parameters.get("stem").flatMap { $0.removingPercentEncoding } ?? ""
    }

    static func recipient(_ request: Request) -> Int {
        request.uri.queryParameters.get("recipient").flatMap { Int($0) } ?? 0
    }

    static func notFound() -> Response {
        HTTPResponses.html(PreviewPages.message(title: "Not found", text: "The preview serves issues, their web pages and the files of content/ that a build publishes."),
                           status: .notFound)
    }
}

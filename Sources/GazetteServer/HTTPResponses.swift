// Responses of the preview and of `serve`: pages, text, JSON, downloads and files, each with headers that keep
// browsers from caching a page that changes under them (or names a subscriber) or guessing types.
import Foundation
import Hummingbird

enum HTTPResponses {
    static func html(_ page: String, status: HTTPResponse.Status = .ok) -> Response {
        bytes(Array(page.utf8), type: "text/html; charset=utf-8", status: status)
    }

    static func text(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        bytes(Array(text.utf8), type: "text/plain; charset=utf-8", status: status)
    }

    static func json(_ object: [String: Any]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])) ?? Data("{}".utf8)
        return bytes(Array(data) + [0x0A], type: "application/json")
    }

    static func bytes(_ bytes: [UInt8], type: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.cacheControl] = "no-store"
        headers[.init("X-Content-Type-Options")!] = "nosniff"
        headers[.contentLength] = String(bytes.count)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func download(_ bytes: [UInt8], named name: String, type: String) -> Response {
        var response = self.bytes(bytes, type: type)
        let safeName = String(name.unicodeScalars.filter { $0.isASCII && $0 != "\"" && $0 != "\\" && $0.value >= 0x20 }.map(Character.init))
        response.headers[.contentDisposition] = "attachment; filename=\"\(safeName)\""
        return response
    }

    /// A file streamed from disk (a large one in chunks), typed by its extension.
    static func file(_ url: URL, context: BasicRequestContext) async throws -> Response {
        let body = try await FileIO().loadFile(path: url.path, context: context)
        var headers = HTTPFields()
        let type = MediaType.getMediaType(forExtension: url.pathExtension)
        headers[.contentType] = type?.description ?? "application/octet-stream"
        headers[.cacheControl] = "no-store"
        headers[.init("X-Content-Type-Options")!] = "nosniff"
        return Response(status: .ok, headers: headers, body: body)
    }
}

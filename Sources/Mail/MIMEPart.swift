// One part of a message as read by `MIMEReader`: its header, its body still transfer-encoded, and its children
// (the parts of a multipart, or the message inside a message/rfc822). Decoding happens when asked for.

/// A message or a body part, read from bytes.
public struct MIMEPart: Sendable {
    /// The header fields, in order.
    public let headers: [MIMEHeader]
    /// The Content-Type (text/plain when missing or unreadable; message/rfc822 inside multipart/digest).
    public let contentType: MIMEContentType
    /// The body as it is in the message (before Content-Transfer-Encoding is undone).
    public let body: [UInt8]
    /// The parts of a multipart, or the one enclosed message of a message/rfc822 or message/global part.
    public let parts: [MIMEPart]

    public init(headers: [MIMEHeader], contentType: MIMEContentType, body: [UInt8], parts: [MIMEPart]) {
        self.headers = headers
        self.contentType = contentType
        self.body = body
        self.parts = parts
    }

    /// The first value of the header field `name` (any case).
    public func header(_ name: String) -> String? { headers.value(name) }

    /// The first value of `name` with encoded words decoded (for Subject and other free text).
    public func headerText(_ name: String) -> String? { header(name).map(EncodedWord.decode) }

    /// The Content-Transfer-Encoding, lower-cased ("7bit" when missing).
    public var transferEncoding: String { header("Content-Transfer-Encoding")?.lowercased().trimmedWhitespace ?? "7bit" }

    /// The body with its Content-Transfer-Encoding undone (base64 and quoted-printable; others as they are).
    public var decodedBody: [UInt8] {
        switch transferEncoding {
        case "base64": return Base64.decode(body)
        case "quoted-printable": return QuotedPrintable.decode(body)
        default: return body
        }
    }

    /// The decoded body as text in the part's charset.
    public var text: String { MIMECharset.decode(decodedBody, charset: contentType.parameters["charset"]) }

    /// True for multipart/* parts.
    public var isMultipart: Bool { contentType.type == "multipart" }

    /// This part and every part below it, depth first (the parts of enclosed messages included).
    public var allParts: [MIMEPart] {
        var result: [MIMEPart] = [self]
        for part in parts { result += part.allParts }
        return result
    }
}

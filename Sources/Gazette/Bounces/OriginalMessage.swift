// The returned message inside a bounce or complaint: an attached `message/rfc822` (or `message/global`), or a
// `text/rfc822-headers` part. Its To field names whom we sent to when the report itself does not say.
import Mail

/// Access to the message a report returns.
enum OriginalMessage {
    /// The header of the returned message, when the report carries one.
    static func headers(in message: MIMEPart) -> [MIMEHeader]? {
        for part in message.allParts.dropFirst() {
            let media = part.contentType.mediaType
            if media == "message/rfc822" || media == "message/global", let inner = part.parts.first {
                return inner.headers
            }
            if media == "text/rfc822-headers" || media == "message/rfc822-headers" || media == "message/global-headers" {
                let fields = HeaderFieldReader.read(part.decodedBody[...]).fields
                if !fields.isEmpty { return fields }
            }
        }
        return nil
    }

    /// The parts of `message` that are its own explanation: text parts outside any returned message.
    static func explanationParts(of message: MIMEPart) -> [MIMEPart] {
        var result: [MIMEPart] = []
        func walk(_ part: MIMEPart) {
            if part.contentType.type == "message" { return }
            if part.isMultipart, !part.parts.isEmpty {
                for child in part.parts { walk(child) }
                return
            }
            if part.isMultipart {  // a multipart that could not be split: its body is all there is
                result.append(part)
                return
            }
            if part.contentType.type == "text", part.contentType.subtype != "rfc822-headers" { result.append(part) }
        }
        walk(message)
        return result
    }
}

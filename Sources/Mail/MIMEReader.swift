// Reads a whole message into a tree of `MIMEPart`s (RFC 2045, RFC 2046 §5.1 multipart, §5.2 message/rfc822):
// enough MIME for bounce and complaint reports and nothing that writes. Bounded in depth and number of parts, so
// a hostile or broken message costs little; only input that is no message at all is an error.

/// Parses message bytes into parts.
public enum MIMEReader {
    /// Nesting deeper than this is kept as an unsplit body.
    public static let maximumDepth = 12
    /// At most this many parts in one message; the rest are kept inside the last part's body.
    public static let maximumParts = 500
    /// Messages larger than this are refused (bounces are small; 25 MB is a common size limit of MTAs).
    public static let maximumSize = 32 * 1024 * 1024

    /// The message in `bytes`. Throws `MIMEReadError` when they are empty, binary or have no header.
    public static func read(_ bytes: [UInt8]) throws -> MIMEPart {
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) { throw MIMEReadError(.empty) }
        if bytes.count > maximumSize { throw MIMEReadError(.tooLarge(bytes: bytes.count, limit: maximumSize)) }
        let (fields, bodyStart) = HeaderFieldReader.read(bytes[...])
        let headerBytes = bytes[..<bodyStart]
        if headerBytes.contains(where: { $0 == 0 || ($0 < 0x09) || ($0 > 0x0D && $0 < 0x20 && $0 != 0x1B) }) {
            throw MIMEReadError(.binary)
        }
        guard !fields.isEmpty else {
            let probe = bytes.prefix(512)
            if probe.contains(where: { $0 == 0 || ($0 < 0x09) || ($0 > 0x0D && $0 < 0x20 && $0 != 0x1B) }) {
                throw MIMEReadError(.binary)
            }
            throw MIMEReadError(.noHeader)
        }
        var budget = maximumParts
        return part(fields: fields, body: Array(bytes[bodyStart...]), depth: 0, defaultType: .textPlain, budget: &budget)
    }

    /// A part whose header has been read.
    static func part(fields: [MIMEHeader], body: [UInt8], depth: Int, defaultType: MIMEContentType,
                     budget: inout Int) -> MIMEPart {
        let contentType = fields.value("Content-Type").flatMap(MIMEContentType.init(parsing:)) ?? defaultType
        var children: [MIMEPart] = []
        if depth < maximumDepth, budget > 0 {
            if contentType.type == "multipart", let boundary = contentType.parameters["boundary"], !boundary.isEmpty {
                let childDefault = contentType.subtype == "digest"
                    ? MIMEContentType(type: "message", subtype: "rfc822", parameters: [:]) : .textPlain
                var chunks = split(body, boundary: Array(boundary.utf8))
                // A boundary that the body never uses (mangled by a relay, or masked in a sample): read the
                // delimiter the body does use, as lenient readers do.
                if chunks.isEmpty, let guessed = guessBoundary(body) { chunks = split(body, boundary: guessed) }
                for chunk in chunks {
                    guard budget > 0 else { break }
                    budget -= 1
                    let (childFields, childStart) = HeaderFieldReader.read(chunk[...])
                    children.append(part(fields: childFields, body: Array(chunk[childStart...]), depth: depth + 1,
                                         defaultType: childDefault, budget: &budget))
                }
            } else if contentType.type == "message", ["rfc822", "global"].contains(contentType.subtype) {
                let encoding = fields.value("Content-Transfer-Encoding")?.lowercased().trimmedWhitespace
                let inner = encoding == "base64" ? Base64.decode(body)
                    : encoding == "quoted-printable" ? QuotedPrintable.decode(body) : body
                let (innerFields, innerStart) = HeaderFieldReader.read(inner[...])
                if !innerFields.isEmpty {
                    budget -= 1
                    children.append(part(fields: innerFields, body: Array(inner[innerStart...]), depth: depth + 1,
                                         defaultType: .textPlain, budget: &budget))
                }
            }
        }
        return MIMEPart(headers: fields, contentType: contentType, body: body, parts: children)
    }

    /// The boundary of the first line that looks like a delimiter (`--` and at least 8 characters, no spaces).
    static func guessBoundary(_ body: [UInt8]) -> [UInt8]? {
        var lineStart = 0
        while lineStart < body.count {
            var lineEnd = lineStart
            while lineEnd < body.count, body[lineEnd] != 0x0A { lineEnd += 1 }
            var end = lineEnd
            if end > lineStart, body[end - 1] == 0x0D { end -= 1 }
            if end - lineStart >= 10, body[lineStart] == 0x2D, body[lineStart + 1] == 0x2D,
               !body[lineStart..<end].contains(where: { $0 == 0x20 || $0 == 0x09 }),
               !body[(lineStart + 2)..<end].allSatisfy({ $0 == 0x2D || $0 == 0x3D }) {
                var boundary = Array(body[(lineStart + 2)..<end])
                if boundary.count > 2, boundary.suffix(2) == [0x2D, 0x2D] { boundary.removeLast(2) }
                return boundary
            }
            lineStart = lineEnd + 1
        }
        return nil
    }

    /// The body parts between `--boundary` lines (RFC 2046 §5.1.1): the preamble and epilogue are dropped, the
    /// line break before each delimiter belongs to the delimiter. A missing close delimiter (a truncated
    /// message) ends the last part at the end of the input.
    static func split(_ body: [UInt8], boundary: [UInt8]) -> [[UInt8]] {
        var parts: [[UInt8]] = []
        var partStart: Int?
        var lineStart = 0
        let count = body.count
        while lineStart < count {
            var lineEnd = lineStart
            while lineEnd < count, body[lineEnd] != 0x0A { lineEnd += 1 }
            if lineEnd - lineStart >= boundary.count + 2, body[lineStart] == 0x2D, body[lineStart + 1] == 0x2D,
               body[(lineStart + 2)..<(lineStart + 2 + boundary.count)].elementsEqual(boundary) {
                let rest = body[(lineStart + 2 + boundary.count)..<lineEnd]
                let isClose = rest.starts(with: [0x2D, 0x2D])
                let isDelimiter = isClose || rest.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
                if isDelimiter {
                    if let start = partStart {
                        var end = lineStart
                        if end > start, body[end - 1] == 0x0A { end -= 1 }
                        if end > start, body[end - 1] == 0x0D { end -= 1 }
                        parts.append(Array(body[start..<max(start, end)]))
                    }
                    if isClose { return parts }
                    partStart = lineEnd < count ? lineEnd + 1 : count
                }
            }
            lineStart = lineEnd + 1
        }
        if let start = partStart, start < count { parts.append(Array(body[start..<count])) }
        return parts
    }
}

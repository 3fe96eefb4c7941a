// The fields of a small POST body, as RFC 8058 §3.1 allows it: application/x-www-form-urlencoded or
// multipart/form-data. Only what one-click and the confirmation button need; anything else has no fields.

struct FormBody {
    private var fields: [String: String] = [:]

    init(bytes: [UInt8], contentType: String?) {
        let type = contentType?.lowercased() ?? "application/x-www-form-urlencoded"
        let text = String(decoding: bytes, as: UTF8.self)
        if type.hasPrefix("multipart/form-data") {
            fields = Self.multipart(text, contentType: contentType ?? "")
        } else {
            for pair in text.split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard let name = Self.decode(parts[0]) else { continue }
                let value = parts.count > 1 ? Self.decode(parts[1]) ?? "" : ""
                if fields[name] == nil { fields[name] = value.trimmingCharacters(in: .whitespacesAndNewlines) }
            }
        }
    }

    func value(_ name: String) -> String? { fields[name] }

    /// `+` is a space, `%XX` a byte (HTML's form encoding).
    static func decode(_ part: Substring) -> String? {
        part.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }

    /// Each part's `name` from Content-Disposition and its content (RFC 7578).
    static func multipart(_ text: String, contentType: String) -> [String: String] {
        guard let range = contentType.range(of: "boundary=", options: .caseInsensitive) else { return [:] }
        var boundary = String(contentType[range.upperBound...].prefix { $0 != ";" }).trimmingCharacters(in: .whitespaces)
        if boundary.hasPrefix("\""), boundary.hasSuffix("\""), boundary.count >= 2 { boundary = String(boundary.dropFirst().dropLast()) }
        guard !boundary.isEmpty else { return [:] }
        var fields: [String: String] = [:]
        for part in text.components(separatedBy: "--" + boundary) {
            guard let split = part.range(of: "\r\n\r\n") ?? part.range(of: "\n\n") else { continue }
            let head = part[..<split.lowerBound]
            guard let nameRange = head.range(of: "name=\"") else { continue }
            let name = String(head[nameRange.upperBound...].prefix { $0 != "\"" })
            let value = part[split.upperBound...].trimmingCharacters(in: .whitespacesAndNewlines)
            if fields[name] == nil { fields[name] = value }
        }
        return fields
    }
}

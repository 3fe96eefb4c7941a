// A Content-Type value read from a message (RFC 2045 §5.1): `type/subtype; name=value; name="quoted value"`,
// with RFC 2231 continuations (`name*0=`, `name*1=`) joined. Unknown or broken values read as text/plain.

/// The media type and parameters of a part.
public struct MIMEContentType: Sendable, Hashable {
    /// Lower-cased top-level type ("multipart").
    public let type: String
    /// Lower-cased subtype ("report").
    public let subtype: String
    /// Parameters with lower-cased names ("boundary", "report-type", "charset").
    public let parameters: [String: String]

    /// text/plain; charset=us-ascii, the default of RFC 2045 §5.2.
    public static let textPlain = MIMEContentType(type: "text", subtype: "plain", parameters: [:])

    public init(type: String, subtype: String, parameters: [String: String]) {
        self.type = type
        self.subtype = subtype
        self.parameters = parameters
    }

    /// `type/subtype`, lower-cased.
    public var mediaType: String { type + "/" + subtype }

    /// Parses a Content-Type field value; nil when it has no `type/subtype`.
    public init?(parsing value: String) {
        let bytes = Array(value.utf8)
        var index = 0
        func skipSpace() { while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0A || bytes[index] == 0x0D { index += 1 } }
        func token() -> String {
            let start = index
            while index < bytes.count, !"; \t\r\n=\"".utf8.contains(bytes[index]) { index += 1 }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }
        skipSpace()
        let media = token().lowercased()
        let pieces = media.split(separator: "/", maxSplits: 1)
        guard pieces.count == 2, !pieces[0].isEmpty, !pieces[1].isEmpty else { return nil }
        var parameters: [String: String] = [:]
        var continued: [String: [(Int, String)]] = [:]
        while index < bytes.count {
            while index < bytes.count, bytes[index] != UInt8(ascii: ";") { index += 1 }
            guard index < bytes.count else { break }
            index += 1
            skipSpace()
            let name = token().lowercased()
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else { continue }
            index += 1
            skipSpace()
            var parameterValue = ""
            if index < bytes.count, bytes[index] == UInt8(ascii: "\"") {
                index += 1
                var collected: [UInt8] = []
                while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                    if bytes[index] == UInt8(ascii: "\\"), index + 1 < bytes.count { index += 1 }
                    collected.append(bytes[index])
                    index += 1
                }
                index += 1
                parameterValue = String(decoding: collected, as: UTF8.self)
            } else {
                let start = index
                while index < bytes.count, bytes[index] != UInt8(ascii: ";"), bytes[index] != 0x20, bytes[index] != 0x09 { index += 1 }
                parameterValue = String(decoding: bytes[start..<index], as: UTF8.self)
            }
            if name.isEmpty { continue }
            // RFC 2231: name*0, name*1*, … are pieces of one value; name* carries charset'language'value.
            var baseName = name
            if baseName.hasSuffix("*") { baseName.removeLast() }
            if let star = baseName.firstIndex(of: "*"), let number = Int(baseName[baseName.index(after: star)...]) {
                continued[String(baseName[..<star]), default: []].append((number, parameterValue))
                continue
            }
            if name.hasSuffix("*"), let quote = parameterValue.lastIndex(of: "'") {
                parameterValue = String(parameterValue[parameterValue.index(after: quote)...])
            }
            if parameters[baseName] == nil { parameters[baseName] = parameterValue }
        }
        for (name, pieces) in continued where parameters[name] == nil {
            parameters[name] = pieces.sorted { $0.0 < $1.0 }.map(\.1).joined()
        }
        self.init(type: String(pieces[0]), subtype: String(pieces[1]), parameters: parameters)
    }
}

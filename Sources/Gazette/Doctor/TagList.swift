// The `tag=value; tag=value` syntax that DKIM key records (RFC 6376 §3.2) and DMARC records (RFC 7489 §6.4)
// share: names lower-cased, values trimmed, a repeated tag an error.
import Foundation

struct TagList: Sendable, Equatable {
    struct SyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
        var description: String
    }

    /// Tag names in the order written.
    var names: [String] = []
    var values: [String: String] = [:]

    init(_ text: String) throws(SyntaxError) {
        for piece in text.split(separator: ";", omittingEmptySubsequences: true) {
            let trimmed = piece.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            guard let equals = trimmed.firstIndex(of: "=") else {
                throw SyntaxError(description: "\"\(trimmed)\" is not tag=value")
            }
            let name = trimmed[..<equals].trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            guard !name.isEmpty, values[name] == nil else {
                throw SyntaxError(description: name.isEmpty ? "a tag without a name" : "the tag \(name)= appears twice")
            }
            values[name] = trimmed[trimmed.index(after: equals)...].trimmingCharacters(in: .whitespacesAndNewlines)
            names.append(name)
        }
    }

    subscript(name: String) -> String? { values[name] }
}

// Finds Mustache tags in template text with their lines, for the checks swift-mustache leaves to us:
// unknown variables (it renders them as empty) and missing partials (it renders them as nothing).

/// A `{{…}}` tag found in a template.
struct TemplateTag: Equatable {
    enum Kind: Equatable { case variable, unescaped, sectionOpen, invertedOpen, sectionClose, partial, other }
    var kind: Kind
    var name: String
    var line: Int
    var column: Int

    /// Every tag in `text`, in order. Comments, pragmas and delimiter changes come back as `.other`.
    static func scan(_ text: String) -> [TemplateTag] {
        var tags: [TemplateTag] = []
        let bytes = Array(text.utf8)
        var index = 0, line = 1, lineStart = 0
        while index + 1 < bytes.count {
            if bytes[index] == UInt8(ascii: "\n") {
                line += 1
                lineStart = index + 1
                index += 1
                continue
            }
            guard bytes[index] == UInt8(ascii: "{"), bytes[index + 1] == UInt8(ascii: "{") else { index += 1; continue }
            let triple = index + 2 < bytes.count && bytes[index + 2] == UInt8(ascii: "{")
            let start = index + (triple ? 3 : 2)
            let closing: [UInt8] = triple ? Array("}}}".utf8) : Array("}}".utf8)
            guard let end = find(closing, in: bytes, from: start) else { break }
            let inner = String(decoding: bytes[start..<end], as: UTF8.self).trimmingWhitespaces()
            let tagLine = line, column = index - lineStart + 1
            for byte in bytes[start..<end] where byte == UInt8(ascii: "\n") { line += 1 }
            index = end + closing.count
            if triple {
                tags.append(TemplateTag(kind: .unescaped, name: inner, line: tagLine, column: column))
                continue
            }
            guard let sigil = inner.first else { continue }
            let rest = String(inner.dropFirst()).trimmingWhitespaces()
            let kind: Kind
            let name: String
            switch sigil {
            case "#": (kind, name) = (.sectionOpen, rest)
            case "^": (kind, name) = (.invertedOpen, rest)
            case "/": (kind, name) = (.sectionClose, rest)
            case ">": (kind, name) = (.partial, rest)
            case "&": (kind, name) = (.unescaped, rest)
            case "!", "%", "=", "$", "<": (kind, name) = (.other, inner)
            default: (kind, name) = (.variable, inner)
            }
            tags.append(TemplateTag(kind: kind, name: name, line: tagLine, column: column))
        }
        return tags
    }

    private static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard needle.count <= bytes.count else { return nil }
        var index = start
        while index + needle.count <= bytes.count {
            if bytes[index] == needle[0] && Array(bytes[index..<(index + needle.count)]) == needle { return index }
            index += 1
        }
        return nil
    }
}

// Personalization markers written in the Markdown body ("Hi {{subscriber.name}},"). They are replaced in the
// HTML cmark made, outside <code> and <pre> only: an issue about templating shows its examples unchanged.
import Foundation

/// Replaces `{{name}}` markers in cmark's HTML output, leaving code literal.
struct BodyMarkers {
    /// A marker found in the body, for diagnostics.
    struct Marker: Equatable {
        var name: String
        var resolved: Bool
    }

    /// Returns the HTML with each marker outside code replaced by `resolve(name)`; unresolved markers are kept
    /// and reported. Markers inside link URLs come percent-encoded by cmark (`%7B%7Bname%7D%7D`) and count too.
    static func replace(in html: String, resolve: (String) -> String?) -> (html: String, markers: [Marker]) {
        var output = ""
        output.reserveCapacity(html.utf8.count)
        var markers: [Marker] = []
        var codeDepth = 0
        var rest = Substring(html)
        while let open = rest.firstRange(of: "<") {
            output += text(rest[..<open.lowerBound], codeDepth: codeDepth, resolve: resolve, markers: &markers)
            guard let close = rest[open.lowerBound...].firstIndex(of: ">") else {
                rest = rest[open.lowerBound...]
                break
            }
            let tag = rest[open.lowerBound...close]
            let lower = tag.lowercased()
            if lower.hasPrefix("<code") || lower.hasPrefix("<pre") { codeDepth += 1 }
            if lower.hasPrefix("</code") || lower.hasPrefix("</pre") { codeDepth = max(0, codeDepth - 1) }
            // Attributes (href="%7B%7Bunsubscribe_url%7D%7D") are markup, not code: replace there as well.
            output += codeDepth > 0 && !lower.hasPrefix("<a ")
                ? String(tag) : text(tag, codeDepth: 0, resolve: resolve, markers: &markers, percentEncoded: true)
            rest = rest[rest.index(after: close)...]
        }
        output += text(rest, codeDepth: codeDepth, resolve: resolve, markers: &markers)
        return (output, markers)
    }

    private static func text(
        _ segment: Substring, codeDepth: Int, resolve: (String) -> String?, markers: inout [Marker],
        percentEncoded: Bool = false
    ) -> String {
        guard codeDepth == 0 else { return String(segment) }
        var result = String(segment)
        for (open, close) in percentEncoded ? [("{{", "}}"), ("%7B%7B", "%7D%7D")] : [("{{", "}}")] {
            guard result.contains(open) else { continue }
            var rebuilt = ""
            var remaining = Substring(result)
            while let start = remaining.range(of: open) {
                guard let end = remaining[start.upperBound...].range(of: close) else { break }
                let name = remaining[start.upperBound..<end.lowerBound].trimmingCharacters(in: .whitespaces)
                rebuilt += remaining[..<start.lowerBound]
                if Self.isMarkerName(name), let value = resolve(name) {
                    rebuilt += value
                    markers.append(Marker(name: name, resolved: true))
                } else {
                    rebuilt += remaining[start.lowerBound..<end.upperBound]
                    if Self.isMarkerName(name) { markers.append(Marker(name: name, resolved: false)) }
                }
                remaining = remaining[end.upperBound...]
            }
            result = rebuilt + remaining
        }
        return result
    }

    /// Names are dotted identifiers; anything else between braces (`{{ 1 + 2 }}`) is left alone unreported.
    static func isMarkerName(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy {
            ($0.isASCII && CharacterSet.alphanumerics.contains($0)) || $0 == "." || $0 == "_" || $0 == "-"
        }
    }
}

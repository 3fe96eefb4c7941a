// Personalization markers written in the Markdown body ("Hi {{subscriber.name}},"). They are replaced in the
// HTML cmark made, outside <code> and <pre> only: an issue about templating shows its examples unchanged.
// Works on UTF-8 bytes: it runs over every issue body (and its subject) on each build.
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
        // Most bodies have no marker at all: one scan for "{{" and "%7B%7B" settles it.
        let source = Array(html.utf8)
        guard find(open, in: source, from: 0) != nil || find(percentOpen, in: source, from: 0) != nil else {
            return (html, [])
        }
        var output: [UInt8] = []
        output.reserveCapacity(source.count + 64)
        var markers: [Marker] = []
        var codeDepth = 0
        var index = 0
        while let open = source[index...].firstIndex(of: UInt8(ascii: "<")) {
            text(source[index..<open], codeDepth: codeDepth, resolve: resolve, markers: &markers, into: &output)
            guard let close = source[open...].firstIndex(of: UInt8(ascii: ">")) else {
                index = open
                break
            }
            let tag = source[open...close]
            if hasPrefix(tag, "<code") || hasPrefix(tag, "<pre") { codeDepth += 1 }
            if hasPrefix(tag, "</code") || hasPrefix(tag, "</pre") { codeDepth = max(0, codeDepth - 1) }
            // Attributes (href="%7B%7Bunsubscribe_url%7D%7D") are markup, not code: replace there as well.
            if codeDepth > 0 && !hasPrefix(tag, "<a ") {
                output += tag
            } else {
                var first: [UInt8] = []
                text(tag, codeDepth: 0, resolve: resolve, markers: &markers, into: &first)
                replaceMarkers(first[...], open: percentOpen, close: percentClose, resolve: resolve, markers: &markers,
                               into: &output)
            }
            index = close + 1
            if index == source.count { break }
        }
        if index < source.count {
            text(source[index...], codeDepth: codeDepth, resolve: resolve, markers: &markers, into: &output)
        }
        return (String(decoding: output, as: UTF8.self), markers)
    }

    private static let open = Array("{{".utf8), close = Array("}}".utf8)
    private static let percentOpen = Array("%7B%7B".utf8), percentClose = Array("%7D%7D".utf8)

    private static func text(
        _ segment: ArraySlice<UInt8>, codeDepth: Int, resolve: (String) -> String?, markers: inout [Marker],
        into output: inout [UInt8]
    ) {
        guard codeDepth == 0 else { output += segment; return }
        replaceMarkers(segment, open: open, close: close, resolve: resolve, markers: &markers, into: &output)
    }

    /// Copies `segment` to `output` with each `open name close` marker resolved.
    private static func replaceMarkers(
        _ segment: ArraySlice<UInt8>, open: [UInt8], close: [UInt8], resolve: (String) -> String?,
        markers: inout [Marker], into output: inout [UInt8]
    ) {
        var rest = segment.startIndex
        while let start = find(open, in: segment, from: rest),
              let end = find(close, in: segment, from: start + open.count) {
            let name = trimmedName(segment[(start + open.count)..<end])
            output += segment[rest..<start]
            if isMarkerName(name), let value = resolve(name) {
                output += value.utf8
                markers.append(Marker(name: name, resolved: true))
            } else {
                output += segment[start..<(end + close.count)]
                if isMarkerName(name) { markers.append(Marker(name: name, resolved: false)) }
            }
            rest = end + close.count
        }
        output += segment[rest...]
    }

    /// The text between the braces without surrounding spaces and tabs (Foundation's rule for other blanks).
    private static func trimmedName(_ bytes: ArraySlice<UInt8>) -> String {
        if bytes.contains(where: { $0 >= 0x80 }) {
            return String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespaces)
        }
        let isBlank: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 }
        guard let first = bytes.firstIndex(where: { !isBlank($0) }), let last = bytes.lastIndex(where: { !isBlank($0) })
        else { return "" }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }

    /// Whether the tag starts with the lower-case ASCII `prefix`, ignoring ASCII case.
    private static func hasPrefix(_ tag: ArraySlice<UInt8>, _ prefix: StaticString) -> Bool {
        guard tag.count >= prefix.utf8CodeUnitCount else { return false }
        var index = tag.startIndex
        for offset in 0..<prefix.utf8CodeUnitCount {
            let byte = tag[index]
            let lower = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
            if lower != prefix.utf8Start[offset] { return false }
            index += 1
        }
        return true
    }

    private static func find<C: RandomAccessCollection<UInt8>>(_ needle: [UInt8], in bytes: C, from start: C.Index) -> C.Index?
    where C.Index == Int {
        guard let first = needle.first, bytes.endIndex - start >= needle.count else { return nil }
        // memchr for the first byte where the bytes are contiguous (they always are here): this runs over a whole
        // body on each build, and a byte-by-byte loop was its cost.
        if let found = bytes.withContiguousStorageIfAvailable({ buffer -> Int in
            guard let base = buffer.baseAddress else { return -1 }
            var offset = start - bytes.startIndex
            let lastStart = buffer.count - needle.count
            while offset <= lastStart, let hit = memchr(base + offset, Int32(first), lastStart - offset + 1) {
                let candidate = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
                if needle.withUnsafeBytes({ memcmp(base + candidate, $0.baseAddress!, needle.count) }) == 0 {
                    return bytes.startIndex + candidate
                }
                offset = candidate + 1
            }
            return -1
        }) {
            return found == -1 ? nil : found
        }
        var index = start
        let last = bytes.endIndex - needle.count
        while index <= last {
            if bytes[index] == first {
                var offset = 1
                while offset < needle.count, bytes[index + offset] == needle[offset] { offset += 1 }
                if offset == needle.count { return index }
            }
            index += 1
        }
        return nil
    }

    /// Names are dotted identifiers; anything else between braces (`{{ 1 + 2 }}`) is left alone unreported.
    static func isMarkerName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A)
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
    }
}

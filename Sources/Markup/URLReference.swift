// URI references resolved against a base URI as RFC 3986 §5.2 says: split (Appendix B), merge (§5.2.3),
// remove_dot_segments (§5.2.4), recompose (§5.3). On the text as written: nothing is percent-encoded or decoded.

/// A URI reference split into its five components (RFC 3986 §3); an absent component is nil, an empty one "".
public struct URLReference: Sendable, Equatable {
    public var scheme: String?
    public var authority: String?
    public var path: String
    public var query: String?
    public var fragment: String?

    /// Splits `text` as the regular expression of RFC 3986 Appendix B does; every string splits. The delimiters
    /// are ASCII, so the text is split by its UTF-8 bytes (finding them by Character cost more than the rest of a
    /// build's URL work).
    public init(_ text: String) {
        let utf8 = text.utf8
        var rest = utf8.startIndex
        let end = utf8.endIndex
        let colon = UInt8(ascii: ":"), slash = UInt8(ascii: "/"), question = UInt8(ascii: "?"), hash = UInt8(ascii: "#")
        if let delimiter = utf8.firstIndex(where: { $0 == colon || $0 == slash || $0 == question || $0 == hash }),
           utf8[delimiter] == colon, delimiter != rest {
            scheme = String(decoding: utf8[rest..<delimiter], as: UTF8.self)
            rest = utf8.index(after: delimiter)
        }
        if rest != end, utf8[rest] == slash, utf8.index(after: rest) != end, utf8[utf8.index(after: rest)] == slash {
            let start = utf8.index(rest, offsetBy: 2)
            let stop = utf8[start...].firstIndex { $0 == slash || $0 == question || $0 == hash } ?? end
            authority = String(decoding: utf8[start..<stop], as: UTF8.self)
            rest = stop
        }
        var pathEnd = end
        if let mark = utf8[rest...].firstIndex(of: hash) {
            fragment = String(decoding: utf8[utf8.index(after: mark)..<end], as: UTF8.self)
            pathEnd = mark
        }
        if let mark = utf8[rest..<pathEnd].firstIndex(of: question) {
            query = String(decoding: utf8[utf8.index(after: mark)..<pathEnd], as: UTF8.self)
            pathEnd = mark
        }
        path = String(decoding: utf8[rest..<pathEnd], as: UTF8.self)
    }

    /// The reference written back (RFC 3986 §5.3).
    public var text: String {
        var result = ""
        if let scheme { result += scheme + ":" }
        if let authority { result += "//" + authority }
        result += path
        if let query { result += "?" + query }
        if let fragment { result += "#" + fragment }
        return result
    }

    /// The target of `reference` resolved against the absolute `base` (RFC 3986 §5.2.2, strict: a reference
    /// with a scheme is taken as it is, even the base's own scheme).
    public static func resolve(_ reference: String, against base: String) -> String {
        let reference = URLReference(reference), base = URLReference(base)
        var target = reference
        if reference.scheme != nil {
            target.path = removeDotSegments(reference.path)
        } else {
            if reference.authority != nil {
                target.path = removeDotSegments(reference.path)
            } else {
                if reference.path.isEmpty {
                    target.path = base.path
                    target.query = reference.query ?? base.query
                } else if reference.path.hasPrefix("/") {
                    target.path = removeDotSegments(reference.path)
                } else {
                    target.path = removeDotSegments(merge(base: base, path: reference.path))
                }
                target.authority = base.authority
            }
            target.scheme = base.scheme
        }
        return target.text
    }

    /// RFC 3986 §5.2.3: the reference's path appended to the base's path without its last segment.
    static func merge(base: URLReference, path: String) -> String {
        if base.authority != nil && base.path.isEmpty { return "/" + path }
        guard let slash = base.path.lastIndex(of: "/") else { return path }
        return base.path[...slash] + path
    }

    /// RFC 3986 §5.2.4: `.` and `..` segments interpreted and removed (`/a/b/../c/./d` → `/a/c/d`); a `..`
    /// above the root is dropped (`/../g` → `/g`). On the path's bytes: every rule starts at a "." or "/".
    public static func removeDotSegments(_ path: String) -> String {
        let dot = UInt8(ascii: "."), slash = UInt8(ascii: "/")
        let bytes = Array(path.utf8)
        // Without a segment that starts with a dot, every step is rule E and the path comes out as it went in.
        if bytes.first != dot, !zip(bytes, bytes.dropFirst()).contains(where: { $0 == slash && $1 == dot }) { return path }
        var input = bytes[...]
        var output: [ArraySlice<UInt8>] = []  // segments, each with its leading "/" when it had one
        func starts(_ prefix: StaticString) -> Bool {
            let count = prefix.utf8CodeUnitCount
            return input.count >= count && (0..<count).allSatisfy { input[input.startIndex + $0] == prefix.utf8Start[$0] }
        }
        func equals(_ literal: StaticString) -> Bool { input.count == literal.utf8CodeUnitCount && starts(literal) }
        while !input.isEmpty {
            if starts("../") {
                input = input.dropFirst(3)                                     // A
            } else if starts("./") {
                input = input.dropFirst(2)                                     // A
            } else if starts("/./") {
                input = input.dropFirst(2)                                     // B: "/./" → "/"
            } else if equals("/.") {
                input = [slash][...]                                           // B
            } else if starts("/../") || equals("/..") {
                input = input.count == 3 ? [slash][...] : input.dropFirst(3)   // C: "/../" → "/", drop last output
                if !output.isEmpty { output.removeLast() }
            } else if equals(".") || equals("..") {
                input = []                                                     // D
            } else {
                // E: the first segment, with its "/" if any, up to the next "/".
                let start = input.first == slash ? input.startIndex + 1 : input.startIndex
                let end = input[start...].firstIndex(of: slash) ?? input.endIndex
                output.append(input[..<end])
                input = input[end...]
            }
        }
        return String(decoding: output.joined(), as: UTF8.self)
    }
}

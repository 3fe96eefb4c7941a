// URI references resolved against a base URI as RFC 3986 §5.2 says: split (Appendix B), merge (§5.2.3),
// remove_dot_segments (§5.2.4), recompose (§5.3). On the text as written: nothing is percent-encoded or decoded.

/// A URI reference split into its five components (RFC 3986 §3); an absent component is nil, an empty one "".
public struct URLReference: Sendable, Equatable {
    public var scheme: String?
    public var authority: String?
    public var path: String
    public var query: String?
    public var fragment: String?

    /// Splits `text` as the regular expression of RFC 3986 Appendix B does; every string splits.
    public init(_ text: String) {
        var rest = Substring(text)
        if let end = rest.firstIndex(where: { $0 == ":" || $0 == "/" || $0 == "?" || $0 == "#" }),
           rest[end] == ":", end != rest.startIndex {
            scheme = String(rest[..<end])
            rest = rest[rest.index(after: end)...]
        }
        if rest.hasPrefix("//") {
            rest = rest.dropFirst(2)
            let end = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
            authority = String(rest[..<end])
            rest = rest[end...]
        }
        if let hash = rest.firstIndex(of: "#") {
            fragment = String(rest[rest.index(after: hash)...])
            rest = rest[..<hash]
        }
        if let question = rest.firstIndex(of: "?") {
            query = String(rest[rest.index(after: question)...])
            rest = rest[..<question]
        }
        path = String(rest)
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
    /// above the root is dropped (`/../g` → `/g`).
    public static func removeDotSegments(_ path: String) -> String {
        var input = Substring(path)
        var output: [Substring] = []  // segments, each with its leading "/" when it had one
        while !input.isEmpty {
            if input.hasPrefix("../") {
                input = input.dropFirst(3)                                     // A
            } else if input.hasPrefix("./") {
                input = input.dropFirst(2)                                     // A
            } else if input.hasPrefix("/./") {
                input = input.dropFirst(2)                                     // B: "/./" → "/"
            } else if input == "/." {
                input = "/"                                                    // B
            } else if input.hasPrefix("/../") || input == "/.." {
                input = input.count == 3 ? "/" : input.dropFirst(3)            // C: "/../" → "/", drop last output
                if !output.isEmpty { output.removeLast() }
            } else if input == "." || input == ".." {
                input = ""                                                     // D
            } else {
                // E: the first segment, with its "/" if any, up to the next "/".
                let start = input.hasPrefix("/") ? input.index(after: input.startIndex) : input.startIndex
                let end = input[start...].firstIndex(of: "/") ?? input.endIndex
                output.append(input[..<end])
                input = input[end...]
            }
        }
        return output.joined()
    }
}

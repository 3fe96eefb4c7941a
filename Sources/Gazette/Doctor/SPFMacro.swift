// SPF macros (RFC 7208 §7): `%{i}`, `%{d}`, `%{l1r-}`… in domain-specs, checked at parse time and expanded
// when a record is evaluated. `%{p}` expands to "unknown", which the RFC allows and which costs no look-up.

enum SPFMacro {
    /// What the letters stand for during one check_host().
    struct Context {
        var sender: String
        var domain: String
        var address: IPAddress
        var helo: String
    }

    /// Throws when `spec` is not a macro-string.
    static func check(_ spec: String, term: String) throws(SPFRecord.SyntaxError) {
        let dummy = Context(sender: "postmaster@example.org", domain: "example.org", address: .documentation,
                            helo: "example.org")
        _ = try expand(spec, context: dummy, term: term)
    }

    /// `spec` with its macros replaced (RFC 7208 §7.3, §7.4).
    static func expand(_ spec: String, context: Context, term: String) throws(SPFRecord.SyntaxError) -> String {
        var output = ""
        var characters = Array(spec)[...]
        while let character = characters.popFirst() {
            guard character == "%" else {
                guard character.isASCII, let value = character.asciiValue, value >= 0x21, value <= 0x7E else {
                    throw SPFRecord.SyntaxError(term: term, problem: "\"\(character)\" is not allowed in a domain-spec")
                }
                output.append(character)
                continue
            }
            switch characters.popFirst() {
            case "%": output += "%"
            case "_": output += " "
            case "-": output += "%20"
            case "{":
                guard let close = characters.firstIndex(of: "}") else {
                    throw SPFRecord.SyntaxError(term: term, problem: "a macro `%{` without `}`")
                }
                let body = characters[..<close]
                characters = characters[characters.index(after: close)...]
                output += try expandOne(String(body), context: context, term: term)
            default:
                throw SPFRecord.SyntaxError(term: term, problem: "`%` must be followed by {, %, _ or - (write %% for a percent sign)")
            }
        }
        return output
    }

    private static func expandOne(_ body: String, context: Context, term: String) throws(SPFRecord.SyntaxError) -> String {
        guard let letter = body.first?.lowercased() else { throw SPFRecord.SyntaxError(term: term, problem: "an empty macro `%{}`") }
        var rest = body.dropFirst()
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        rest = rest.dropFirst(digits.count)
        let reverse = rest.first?.lowercased() == "r"
        if reverse { rest = rest.dropFirst() }
        guard rest.allSatisfy({ ".-+,/_=".contains($0) }) else {
            throw SPFRecord.SyntaxError(term: term, problem: "bad macro transformers in `%{\(body)}`")
        }
        let value: String
        let local = context.sender.split(separator: "@", maxSplits: 1).first.map(String.init) ?? "postmaster"
        switch letter {
        case "s": value = context.sender
        case "l": value = local
        case "o": value = context.sender.split(separator: "@").last.map(String.init) ?? context.domain
        case "d": value = context.domain
        case "i": value = context.address.unmapped.isIPv4 ? context.address.unmapped.text : context.address.dottedNibbles
        case "p": value = "unknown"
        case "v": value = context.address.unmapped.isIPv4 ? "in-addr" : "ip6"
        case "h": value = context.helo
        case "c", "r", "t": value = letter == "c" ? context.address.text : letter == "r" ? "unknown" : "0"
        default: throw SPFRecord.SyntaxError(term: term, problem: "unknown macro letter `\(letter)` in `%{\(body)}`")
        }
        let delimiters = rest.isEmpty ? Set<Character>(["."]) : Set(rest)
        var parts = value.split(omittingEmptySubsequences: false) { delimiters.contains($0) }.map(String.init)
        if reverse { parts.reverse() }
        if let count = Int(digits) {
            guard count > 0 else { throw SPFRecord.SyntaxError(term: term, problem: "a macro may not keep 0 parts") }
            parts = Array(parts.suffix(count))
        }
        return parts.joined(separator: ".")
    }
}

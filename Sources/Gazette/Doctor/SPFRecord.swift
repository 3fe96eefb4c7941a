// An SPF record (RFC 7208 §4.6, §5, §6) parsed into its directives and modifiers, with the syntax errors a
// receiver would answer `permerror` to. Evaluating it against an address is SPFEvaluator's job.

/// A parsed `v=spf1 …` record.
struct SPFRecord: Sendable, Equatable {
    /// The result a matching directive gives (RFC 7208 §4.6.2).
    enum Qualifier: String, Sendable {
        case pass = "+", fail = "-", softfail = "~", neutral = "?"
        var name: String { self == .pass ? "pass" : self == .fail ? "fail" : self == .softfail ? "softfail" : "neutral" }
    }

    /// A mechanism (RFC 7208 §5); domains are domain-specs, possibly with macros.
    enum Mechanism: Sendable, Equatable {
        case all
        case include(String)
        case a(String?, ipv4Prefix: Int, ipv6Prefix: Int)
        case mx(String?, ipv4Prefix: Int, ipv6Prefix: Int)
        case ptr(String?)
        case ip4(IPAddress, prefix: Int)
        case ip6(IPAddress, prefix: Int)
        case exists(String)

        /// Mechanisms that cost one of the ten DNS look-ups (RFC 7208 §4.6.4).
        var queriesDNS: Bool {
            switch self {
            case .include, .a, .mx, .ptr, .exists: true
            case .all, .ip4, .ip6: false
            }
        }
    }

    /// A qualifier and a mechanism, with the text it was written as (for "matched `ip4:192.0.2.0/24`").
    struct Directive: Sendable, Equatable {
        var qualifier: Qualifier
        var mechanism: Mechanism
        var text: String
    }

    /// Why a record is a permerror: the term and what is wrong with it.
    struct SyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
        var term: String
        var problem: String
        var description: String { term.isEmpty ? problem : "`\(term)`: \(problem)" }
    }

    var text: String
    var directives: [Directive] = []
    var redirect: String?
    var explanation: String?

    /// Whether a TXT string is an SPF record: `v=spf1` alone or followed by a space (RFC 7208 §4.5).
    static func isSPF(_ text: String) -> Bool {
        let lower = text.lowercased()
        return lower == "v=spf1" || lower.hasPrefix("v=spf1 ")
    }

    /// DNS-querying terms of this record alone: the mechanisms above plus `redirect`.
    var lookupTerms: Int { directives.filter(\.mechanism.queriesDNS).count + (redirect == nil ? 0 : 1) }

    init(_ text: String) throws(SyntaxError) {
        self.text = text
        guard Self.isSPF(text) else { throw SyntaxError(term: "", problem: "the record does not start with v=spf1") }
        let terms = text.split(separator: " ", omittingEmptySubsequences: true).dropFirst()
        for term in terms {
            let term = String(term)
            if let equals = term.firstIndex(of: "="), Self.isModifierName(term[..<equals]) {
                try addModifier(name: term[..<equals].lowercased(), value: String(term[term.index(after: equals)...]), term: term)
            } else {
                directives.append(try Self.directive(term))
            }
        }
    }

    private mutating func addModifier(name: String, value: String, term: String) throws(SyntaxError) {
        switch name {
        case "redirect", "exp":
            guard (name == "redirect" ? redirect : explanation) == nil else {
                throw SyntaxError(term: term, problem: "\(name)= may appear only once (RFC 7208 §6)")
            }
            try Self.checkDomainSpec(value, term: term)
            if name == "redirect" { redirect = value } else { explanation = value }
        default:
            // Unknown modifiers are ignored (RFC 7208 §6), but their value must still be a macro-string.
            try SPFMacro.check(value, term: term)
        }
    }

    private static func isModifierName(_ name: Substring) -> Bool {
        guard let first = name.first, first.isASCII, first.isLetter else { return false }
        return name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
    }

    private static func directive(_ term: String) throws(SyntaxError) -> Directive {
        var body = Substring(term)
        var qualifier = Qualifier.pass
        if let first = body.first, let given = Qualifier(rawValue: String(first)) {
            qualifier = given
            body = body.dropFirst()
        }
        let nameEnd = body.firstIndex { $0 == ":" || $0 == "/" } ?? body.endIndex
        let name = body[..<nameEnd].lowercased()
        let rest = body[nameEnd...]
        let argument: String? = rest.hasPrefix(":") ? String(rest.dropFirst()) : nil
        let mechanism: Mechanism
        switch name {
        case "all":
            guard rest.isEmpty else { throw SyntaxError(term: term, problem: "`all` takes no argument") }
            mechanism = .all
        case "include", "exists":
            guard let domain = argument, !domain.isEmpty else {
                throw SyntaxError(term: term, problem: "`\(name)` needs a domain, like \(name):_spf.example.net")
            }
            try checkDomainSpec(domain, term: term)
            mechanism = name == "include" ? .include(domain) : .exists(domain)
        case "a", "mx":
            let (domain, v4, v6) = try domainAndDualCIDR(rest, term: term)
            mechanism = name == "a" ? .a(domain, ipv4Prefix: v4, ipv6Prefix: v6) : .mx(domain, ipv4Prefix: v4, ipv6Prefix: v6)
        case "ptr":
            if let domain = argument { try checkDomainSpec(domain, term: term) }
            guard argument != nil || rest.isEmpty else { throw SyntaxError(term: term, problem: "`ptr` takes no prefix length") }
            mechanism = .ptr(argument)
        case "ip4", "ip6":
            guard let network = argument, !network.isEmpty else {
                throw SyntaxError(term: term, problem: "`\(name)` needs an address, like \(name == "ip4" ? "ip4:192.0.2.0/24" : "ip6:2001:db8::/32")")
            }
            let parts = network.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            let maximum = name == "ip4" ? 32 : 128
            guard let address = IPAddress(String(parts[0])), address.isIPv4 == (name == "ip4") else {
                throw SyntaxError(term: term, problem: "\"\(parts[0])\" is not an \(name == "ip4" ? "IPv4" : "IPv6") address")
            }
            let prefix = parts.count == 2 ? try cidr(parts[1], maximum: maximum, term: term) : maximum
            mechanism = name == "ip4" ? .ip4(address, prefix: prefix) : .ip6(address, prefix: prefix)
        default:
            let hint = name == "ipv4" || name == "ip" ? " (did you mean ip4?)" : name == "includes" ? " (did you mean include?)" : ""
            throw SyntaxError(term: term, problem: "unknown mechanism `\(name)`\(hint)")
        }
        return Directive(qualifier: qualifier, mechanism: mechanism, text: term)
    }

    /// `[:domain][/ip4-cidr][//ip6-cidr]` after `a` or `mx` (RFC 7208 §5.3, §5.4).
    private static func domainAndDualCIDR(_ rest: Substring, term: String) throws(SyntaxError) -> (String?, Int, Int) {
        var text = rest
        var v4 = 32, v6 = 128
        if let slash = text.firstIndex(of: "/") {
            let cidrText = text[slash...]
            text = text[..<slash]
            if cidrText.hasPrefix("//") {
                v6 = try cidr(cidrText.dropFirst(2), maximum: 128, term: term)
            } else {
                let pieces = cidrText.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
                v4 = try cidr(pieces[0], maximum: 32, term: term)
                if pieces.count == 3, pieces[1].isEmpty {
                    v6 = try cidr(pieces[2], maximum: 128, term: term)
                } else if pieces.count != 1 {
                    throw SyntaxError(term: term, problem: "expected /ip4-prefix or /ip4-prefix//ip6-prefix")
                }
            }
        }
        guard !text.isEmpty else { return (nil, v4, v6) }
        guard text.hasPrefix(":"), text.count > 1 else { throw SyntaxError(term: term, problem: "expected `:domain` after the mechanism") }
        let domain = String(text.dropFirst())
        try checkDomainSpec(domain, term: term)
        return (domain, v4, v6)
    }

    private static func cidr(_ text: Substring, maximum: Int, term: String) throws(SyntaxError) -> Int {
        // RFC 7208 §5.6: no leading zeros, within the address length.
        guard let value = Int(text), value >= 0, value <= maximum, String(value) == text else {
            throw SyntaxError(term: term, problem: "prefix length \"/\(text)\" must be 0 to \(maximum)")
        }
        return value
    }

    /// A domain-spec: a macro-string that, when it has no macros, ends in a label that is not all digits.
    static func checkDomainSpec(_ spec: String, term: String) throws(SyntaxError) {
        try SPFMacro.check(spec, term: term)
        guard !spec.contains("%") else { return }
        let labels = (spec.hasSuffix(".") ? String(spec.dropLast()) : spec).split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty && $0.utf8.count <= 63 }) else {
            throw SyntaxError(term: term, problem: "\"\(spec)\" is not a domain name")
        }
        guard let last = labels.last, last.contains(where: \.isLetter),
              last.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
            throw SyntaxError(term: term, problem: "\"\(spec)\" does not end in a top-level domain")
        }
    }
}

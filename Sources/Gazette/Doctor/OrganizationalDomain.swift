// The organizational domain of RFC 7489 §3.2 (the registrable domain) without the Public Suffix List:
// the last two labels, or three under a small built-in set of common multi-label suffixes (co.uk, com.au…).
// Rare suffixes are not known; a domain under one is then treated as its own organization.

enum OrganizationalDomain {
    /// Common public suffixes of two labels, where registrations sit one level lower.
    static let multiLabelSuffixes: Set<String> = [
        "co.uk", "org.uk", "me.uk", "ltd.uk", "plc.uk", "net.uk", "ac.uk", "gov.uk", "sch.uk",
        "com.au", "net.au", "org.au", "edu.au", "gov.au", "asn.au", "id.au",
        "co.nz", "org.nz", "net.nz", "ac.nz", "govt.nz",
        "co.jp", "ne.jp", "or.jp", "ac.jp", "go.jp",
        "co.za", "org.za", "com.br", "net.br", "org.br", "com.cn", "net.cn", "org.cn", "com.hk", "com.tw",
        "co.in", "net.in", "org.in", "co.kr", "or.kr", "com.mx", "com.ar", "com.tr", "com.sg", "com.my",
        "co.il", "org.il", "com.ua", "com.pl", "co.at", "or.at", "com.es", "co.id", "co.th",
        "github.io", "gitlab.io", "netlify.app", "herokuapp.com", "pages.dev", "vercel.app",
    ]

    /// `news.example.co.uk` → `example.co.uk`; `mail.example.org` → `example.org`.
    static func of(_ domain: String) -> String {
        let labels = domain.lowercased().split(separator: ".").map(String.init)
        guard labels.count > 2 else { return labels.joined(separator: ".") }
        let lastTwo = labels.suffix(2).joined(separator: ".")
        return labels.suffix(multiLabelSuffixes.contains(lastTwo) ? 3 : 2).joined(separator: ".")
    }

    /// DMARC identifier alignment (RFC 7489 §3.1): the same domain (strict) or the same organization (relaxed).
    static func aligned(_ lhs: String, _ rhs: String, strict: Bool) -> Bool {
        let a = lhs.lowercased(), b = rhs.lowercased()
        return strict ? a == b : of(a) == of(b)
    }
}

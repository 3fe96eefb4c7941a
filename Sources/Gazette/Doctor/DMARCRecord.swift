// A DMARC record (RFC 7489 §6.3): the policy for the domain and its subdomains, the share of mail it applies
// to, where reports go, and whether alignment is relaxed or strict.

struct DMARCRecord: Sendable, Equatable {
    typealias SyntaxError = TagList.SyntaxError

    enum Policy: String, Sendable { case none, quarantine, reject }
    enum Alignment: String, Sendable {
        case relaxed = "r", strict = "s"
        var name: String { self == .relaxed ? "relaxed" : "strict" }
    }

    var text: String
    var policy: Policy
    /// `sp=`: the policy for subdomains, `p=` when absent.
    var subdomainPolicy: Policy
    /// `pct=`: the percentage of failing mail the policy applies to.
    var percent: Int
    /// `rua=`: where aggregate reports go.
    var aggregateReports: [String]
    var dkimAlignment: Alignment
    var spfAlignment: Alignment

    /// Whether a TXT string is a DMARC record (RFC 7489 §6.6.3: it begins with `v=DMARC1`).
    static func isDMARC(_ text: String) -> Bool {
        let compact = text.filter { $0 != " " && $0 != "\t" }
        return compact.hasPrefix("v=DMARC1;") || compact == "v=DMARC1"
    }

    init(_ text: String) throws(SyntaxError) {
        self.text = text
        let tags = try TagList(text)
        guard tags.names.first == "v", tags["v"] == "DMARC1" else { throw SyntaxError(description: "the record must begin with v=DMARC1") }
        func policy(_ name: String) throws(SyntaxError) -> Policy? {
            guard let value = tags[name] else { return nil }
            guard let policy = Policy(rawValue: value.lowercased()) else {
                throw SyntaxError(description: "\(name)=\(value); expected none, quarantine or reject")
            }
            return policy
        }
        func alignment(_ name: String) throws(SyntaxError) -> Alignment {
            guard let value = tags[name] else { return .relaxed }
            guard let alignment = Alignment(rawValue: value.lowercased()) else {
                throw SyntaxError(description: "\(name)=\(value); expected r (relaxed) or s (strict)")
            }
            return alignment
        }
        guard let main = try policy("p") else { throw SyntaxError(description: "no p= tag (the policy); write p=none to start") }
        self.policy = main
        subdomainPolicy = try policy("sp") ?? main
        if let value = tags["pct"] {
            guard let number = Int(value), (0...100).contains(number) else {
                throw SyntaxError(description: "pct=\(value); expected a whole number from 0 to 100")
            }
            percent = number
        } else {
            percent = 100
        }
        aggregateReports = (tags["rua"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        dkimAlignment = try alignment("adkim")
        spfAlignment = try alignment("aspf")
        for uri in aggregateReports where !uri.lowercased().hasPrefix("mailto:") {
            throw SyntaxError(description: "rua=\(uri); report addresses are mailto: URIs")
        }
    }
}

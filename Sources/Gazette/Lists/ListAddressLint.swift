// Warnings about addresses that are valid but probably unwanted: role accounts and typos of the big providers'
// domains. Findings only; nothing is changed or dropped because of them.

/// Checks a cleaned address (from `ListAddress.clean`) for a role local part or a mistyped provider domain.
public struct ListAddressLint {
    /// Local parts that name a function, not a person (RFC 2142 and the usual no-reply forms).
    static let roleLocalParts: Set<String> = [
        "abuse", "admin", "administrator", "hostmaster", "mailer-daemon", "noc", "no-reply", "noreply", "postmaster",
        "root", "security", "webmaster",
    ]
    /// Domains of the big mailbox providers, long enough that one edit away is almost surely a typo
    /// (`live.com` and `life.com` are both real; `gmial.com` is not).
    static let providers = [
        "gmail.com", "googlemail.com", "yahoo.com", "hotmail.com", "outlook.com", "icloud.com", "protonmail.com",
    ]
    /// Real providers one edit away from those above.
    static let realNeighbours: Set<String> = ["mail.com", "email.com", "ymail.com", "gmx.com"]
    private var typoCache: [String: String?] = [:]

    public init() {}

    /// Warnings for `address` at `location`.
    public mutating func warnings(for address: String, at location: SourceLocation) -> [Diagnostic] {
        let utf8 = address.utf8
        guard let at = utf8.lastIndex(of: UInt8(ascii: "@")) else { return [] }
        let domain = String(address[utf8.index(after: at)...])
        var found: [Diagnostic] = []
        // Role names are short: longer local parts (most of them) skip the lower-casing and the look-up.
        let localLength = utf8.distance(from: utf8.startIndex, to: at)
        if localLength <= 13 || utf8[..<at].contains(UInt8(ascii: "+")) {
            let local = address[..<at].lowercased()
            let base = local.firstIndex(of: "+").map { String(local[..<$0]) } ?? local
            if Self.roleLocalParts.contains(base) {
                found.append(.warning("address-role", "\(address) is a role address (\(base)@), not a person's",
                                      at: location, hint: "role addresses rarely opt in and often report mail as spam; remove the row unless someone asked for it"))
            }
        }
        if let fix = typo(of: domain) {
            found.append(.warning("address-domain-typo", "\(address): \"\(domain)\" looks like a typo of \(fix)",
                                  at: location, hint: "correct the domain if the subscriber meant \(fix)"))
        }
        return found
    }

    /// The provider domain `domain` is probably a typo of, or nil.
    mutating func typo(of domain: String) -> String? {
        if let cached = typoCache[domain] { return cached }
        var result: String?
        if !Self.providers.contains(domain), !Self.realNeighbours.contains(domain) {
            if domain.hasSuffix(".con") || domain.hasSuffix(".cmo") || domain.hasSuffix(".comm") {
                let stem = domain.dropLast(domain.hasSuffix(".comm") ? 5 : 4) + ".com"
                if Self.providers.contains(String(stem)) { result = String(stem) }
            }
            if result == nil {
                let bytes = Array(domain.utf8)
                result = Self.providers.first { provider in
                    let target = Array(provider.utf8)
                    return abs(target.count - bytes.count) <= 1 && Self.distance(bytes, target, limit: 1) <= 1
                }
            }
        }
        if typoCache.count < 100_000 { typoCache[domain] = result }
        return result
    }

    /// Optimal-string-alignment distance (edits and adjacent swaps), giving up above `limit`.
    static func distance(_ a: [UInt8], _ b: [UInt8], limit: Int) -> Int {
        if a == b { return 0 }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            current[0] = i
            var rowMinimum = i
            for j in 1...max(b.count, 1) where !b.isEmpty {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { value = min(value, previous2[j - 2] + 1) }
                current[j] = value
                rowMinimum = min(rowMinimum, value)
            }
            if rowMinimum > limit { return limit + 1 }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return a.isEmpty ? b.count : previous[b.count]
    }
}

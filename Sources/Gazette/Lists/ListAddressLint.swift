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

    /// The role names as bytes by length, for `role(ofLocalPart:)`.
    private static let rolesByLength: [[[UInt8]]] = {
        var table = [[[UInt8]]](repeating: [], count: (roleLocalParts.map(\.utf8.count).max() ?? 0) + 1)
        for role in roleLocalParts.sorted() { table[role.utf8.count].append(Array(role.utf8)) }
        return table
    }()

    /// Warnings for `address` at `location`.
    public mutating func warnings(for address: String, at location: SourceLocation) -> [Diagnostic] {
        var copy = address
        return copy.withUTF8 { bytes -> [Diagnostic] in
            guard let at = bytes.lastIndex(of: UInt8(ascii: "@")) else { return [] }
            let domain = String(decoding: bytes[(at + 1)...], as: UTF8.self)
            var found: [Diagnostic] = []
            if let role = Self.role(ofLocalPart: UnsafeBufferPointer(rebasing: bytes[..<at])) {
                found.append(Self.roleWarning(address, role: role, at: location))
            }
            if let fix = typo(of: domain) { found.append(Self.typoWarning(address, domain: domain, fix: fix, at: location)) }
            return found
        }
    }

    /// For each lower-case first byte, the lengths of the role names that start with it (bit n: length n).
    private static let roleLengthsByFirstByte: [UInt64] = {
        var table = [UInt64](repeating: 0, count: 256)
        for role in roleLocalParts { table[Int(role.utf8.first ?? 0)] |= 1 << UInt64(role.utf8.count) }
        return table
    }()

    /// The role name (`postmaster`) when `local`, up to a `+` tag and in any case, is one; nil for a person's.
    /// Bytes and no allocation: validate asks this of every row. A role name of length n that starts with the
    /// local part's first byte can match only when the local part ends at n or has its `+` there (role names hold
    /// no `+`): one byte rules out nearly every row, with no search for the `+`.
    static func role(ofLocalPart local: UnsafeBufferPointer<UInt8>) -> String? {
        guard let first = local.first else { return nil }
        var lengths = roleLengthsByFirstByte[Int(first >= 0x41 && first <= 0x5A ? first | 0x20 : first)]
        while lengths != 0 {
            let end = lengths.trailingZeroBitCount
            lengths &= lengths &- 1
            guard end == local.count || (end < local.count && local[end] == UInt8(ascii: "+")) else { continue }
            // The role names are lower-case ASCII: compare with each byte lower-cased, no copy.
            for role in rolesByLength[end] where role.withUnsafeBufferPointer({ name in
                (0..<end).allSatisfy { index in
                    let byte = local[index]
                    return (byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte) == name[index]
                }
            }) {
                return String(decoding: role, as: UTF8.self)
            }
        }
        return nil
    }

    static func roleWarning(_ address: String, role: String, at location: SourceLocation) -> Diagnostic {
        .warning("address-role", "\(address) is a role address (\(role)@), not a person's", at: location,
                 hint: "role addresses rarely opt in and often report mail as spam; remove the row unless someone asked for it")
    }

    static func typoWarning(_ address: String, domain: String, fix: String, at location: SourceLocation) -> Diagnostic {
        .warning("address-domain-typo", "\(address): \"\(domain)\" looks like a typo of \(fix)",
                 at: location, hint: "correct the domain if the subscriber meant \(fix)")
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

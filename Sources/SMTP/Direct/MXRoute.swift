// Where a domain's mail goes (RFC 5321 §5.1): its MX hosts by preference, equal preferences in
// random order, each with its addresses; the domain itself when it has no MX (the implicit MX); or
// the verdict that it takes no mail (null MX, RFC 7505; NXDOMAIN; neither MX nor address).

/// The hosts to try for one domain, or why there are none.
public enum MXRoute: Sendable, Equatable {
    /// One mail host and the addresses to dial, in order.
    public struct Host: Sendable, Equatable {
        public let name: String
        public let preference: Int
        public let addresses: [String]
        /// True for the implicit MX (no MX record: the domain's own A/AAAA).
        public let isImplicit: Bool
    }

    /// Why a domain takes no mail at all.
    public enum NoMail: Sendable, Equatable {
        /// RFC 7505: `MX 0 .`.
        case nullMX
        /// NXDOMAIN.
        case noSuchDomain
        /// Neither an MX record nor an address (RFC 5321 §5.1).
        case noMailHost
    }

    /// Try these, in order.
    case hosts([Host])
    /// Permanent: the domain publishes a null MX, does not exist, or has neither MX nor address; with the words.
    case noMail(NoMail, String)
    /// For now: the look-up failed, or no MX host resolves ("an MX pointing nowhere"). Try later.
    case unavailable(String)

    /// Resolves `domain`'s route through `resolver` (its cache makes this one look-up per TTL).
    public static func resolve(_ domain: String, resolver: DNSResolver,
                               shuffle: (inout [MXRecord]) -> Void = { $0.shuffle() }) -> MXRoute {
        let records: [MXRecord]
        do {
            records = try resolver.mx(domain).value
        } catch {
            switch error {
            case .noSuchDomain:
                return .noMail(.noSuchDomain, "\(domain) does not exist (NXDOMAIN)")
            case .noData:
                return implicit(domain, resolver: resolver)
            default:
                return .unavailable("the MX look-up for \(domain) failed: \(error)")
            }
        }
        // RFC 7505 §3: a null MX is the only record; one mixed with others is ignored.
        let real = records.filter { !$0.isNull }
        if real.isEmpty {
            return records.isEmpty ? implicit(domain, resolver: resolver)
                : .noMail(.nullMX, "\(domain) accepts no mail: its MX is \".\" (null MX, RFC 7505)")
        }
        var hosts: [Host] = []
        var problems: [String] = []
        for group in ordered(real, shuffle: shuffle) {
            do {
                hosts.append(Host(name: group.exchange, preference: group.preference,
                                  addresses: try resolver.addresses(group.exchange).value, isImplicit: false))
            } catch {
                problems.append("\(group.exchange): \(error)")
            }
        }
        guard !hosts.isEmpty else {
            return .unavailable("no MX host of \(domain) has an address (\(problems.joined(separator: "; ")))")
        }
        return .hosts(hosts)
    }

    /// By preference, each group of equal preference shuffled (RFC 5321 §5.1: spread the load).
    static func ordered(_ records: [MXRecord], shuffle: (inout [MXRecord]) -> Void) -> [MXRecord] {
        let preferences = Set(records.map(\.preference)).sorted()
        return preferences.flatMap { preference in
            var group = records.filter { $0.preference == preference }
            shuffle(&group)
            return group
        }
    }

    private static func implicit(_ domain: String, resolver: DNSResolver) -> MXRoute {
        do {
            let addresses = try resolver.addresses(domain).value
            return .hosts([Host(name: domain, preference: 0, addresses: addresses, isImplicit: true)])
        } catch {
            switch error {
            case .noSuchDomain: return .noMail(.noSuchDomain, "\(domain) does not exist (NXDOMAIN)")
            case .noData: return .noMail(.noMailHost, "\(domain) has neither an MX record nor an address (RFC 5321 §5.1)")
            default: return .unavailable("the address look-up for \(domain) (no MX) failed: \(error)")
            }
        }
    }
}

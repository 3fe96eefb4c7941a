// `subscribers validate --check-mx`: asks DNS, once per domain, whether each address's domain can
// receive mail at all (SMTP's MXRoute, the same verdict direct delivery acts on). Opt-in: it is network I/O.
import SMTP

/// Judges domains through a resolver, remembering each verdict for the run.
public final class ListMXCheck {
    /// The resolver asked (its statistics count the look-ups).
    public let resolver: DNSResolver
    private var verdicts: [String: MXRoute] = [:]

    /// A check through `server`, or the system's resolver when nil.
    public init(server: DNSServer? = nil) {
        resolver = DNSResolver(server: server)
    }

    /// A check through the server written as `127.0.0.1:5353`, `[::1]:53` or `9.9.9.9` (nil: the system's);
    /// throws DNSServer.InvalidServer, whose text says what to write.
    public convenience init(dnsServer text: String?) throws {
        self.init(server: try text.map { try DNSServer(parsing: $0) })
    }

    /// Domains judged so far.
    public var domainsChecked: Int { verdicts.count }

    /// A diagnostic for `address` at `location` when its domain takes no mail (an error: every message
    /// to it bounces) or could not be checked (a warning), nil when it has a mail host.
    func diagnostic(for address: String, at location: SourceLocation) -> Diagnostic? {
        guard let at = address.lastIndex(of: "@") else { return nil }
        let domain = address[address.index(after: at)...].lowercased()
        let route: MXRoute
        if let known = verdicts[domain] {
            route = known
        } else {
            route = MXRoute.resolve(domain, resolver: resolver, shuffle: { _ in })
            verdicts[domain] = route
        }
        switch route {
        case .hosts:
            return nil
        case .noMail(let kind, let reason):
            let code: String, hint: String
            switch kind {
            case .nullMX:
                code = "domain-null-mx"
                hint = "the domain says it never receives mail: remove the row (or unsubscribe it)"
            case .noSuchDomain:
                code = "domain-missing"
                hint = "check the spelling of the domain; if it is right, the domain is gone: remove the row"
            case .noMailHost:
                code = "domain-no-mail-host"
                hint = "mail to it cannot be delivered: check the spelling, or remove the row"
            }
            return .error(code, "\(address): \(reason)", at: location, hint: hint)
        case .unavailable(let reason):
            return .warning("domain-unchecked", "\(address): \(reason)", at: location,
                            hint: "may be a DNS problem of the moment: run again later, or try --dns-server")
        }
    }
}

// Gmail's and Yahoo's requirements of bulk senders (February 2024): SPF and DKIM, DMARC at least p=none with
// From aligned, one-click unsubscribe (RFC 8058), TLS; for direct delivery also reverse DNS that matches
// the EHLO name. Each is one line, summarising the detailed checks above it where they overlap.
import SMTP

extension Doctor {
    func checkBulkSender(fromDomain: String, spf: DoctorFinding.Status, dkim: DKIMState, dmarc: DMARCState, route: Route,
                         sending: SendingAddresses) -> [DoctorFinding] {
        var findings: [DoctorFinding] = []
        let authentication = "SPF " + (spf == .pass ? "passes" : spf == .fail ? "does not pass" : "is not known")
            + ", DKIM " + (dkim.verifies ? "verifies" : dkim.unchecked ? "is not known" : "does not verify") + " (both are required)"
        findings.append(Self.summary("bulk-authentication", fromDomain, max(spf, dkim.status), authentication,
                                     fix: "fix the spf and dkim lines above"))
        if dmarc.unchecked {
            findings.append(.unchecked("bulk-dmarc", fromDomain, "the DMARC record could not be read"))
        } else {
            findings.append(DoctorFinding("bulk-dmarc", fromDomain, dmarc.record == nil ? .fail : .pass,
                                          dmarc.record.map { "DMARC p=\($0.policy.rawValue) (p=none at least is required)" } ?? "no DMARC record",
                                          fix: "publish the DMARC record shown above"))
        }
        findings.append(Self.summary("bulk-alignment", fromDomain, dmarc.alignment,
                                     dmarc.alignment == .pass ? "From aligns with a passing SPF or DKIM domain"
                                         : dmarc.alignment == .fail ? "From aligns with no passing SPF or DKIM domain"
                                         : "From aligns with SPF or DKIM domains whose result is not known",
                                     fix: "see dmarc-alignment above"))
        findings.append(oneClickFinding(fromDomain))
        findings.append(tlsFinding(route, fromDomain: fromDomain))
        if case .direct(let helo) = route { findings += reverseDNSFindings(sending: sending, helo: helo ?? hostName) }
        return findings
    }

    /// A line that sums up checks above it, with their combined status.
    private static func summary(_ check: String, _ subject: String, _ status: DoctorFinding.Status, _ message: String,
                                fix: String) -> DoctorFinding {
        status == .unchecked ? .unchecked(check, subject, message) : DoctorFinding(check, subject, status, message, fix: fix)
    }

    /// RFC 8058 one-click needs an https URL to POST to; a mailto alone does not count for Gmail or Yahoo.
    private func oneClickFinding(_ fromDomain: String) -> DoctorFinding {
        let fix = "set `unsubscribe: { url: https://…/unsubscribe }` in gazette.yml (`gazette serve` answers there)"
        guard let url = configuration.unsubscribeURL else {
            return DoctorFinding("bulk-one-click", fromDomain, .fail, "no unsubscribe.url: messages carry no List-Unsubscribe-Post one-click header"
                                 + (configuration.unsubscribeMailto == nil ? "" : " (a mailto alone is not one-click)"), fix: fix)
        }
        guard url.lowercased().hasPrefix("https://") else {
            return DoctorFinding("bulk-one-click", fromDomain, .fail, "unsubscribe.url \(url) is not https, which one-click (RFC 8058) needs", fix: fix)
        }
        return DoctorFinding("bulk-one-click", fromDomain, .pass, "List-Unsubscribe-Post one-click to \(url)")
    }

    private func tlsFinding(_ route: Route, fromDomain: String) -> DoctorFinding {
        switch route {
        case .relay(let relay):
            switch relay.security {
            case .implicitTLS: return DoctorFinding("bulk-tls", relay.host, .pass, "implicit TLS to \(relay.host):\(relay.port) (smtps)")
            case .startTLS: return DoctorFinding("bulk-tls", relay.host, .pass, "STARTTLS required by \(relay.host):\(relay.port)")
            case .opportunistic:
                return DoctorFinding("bulk-tls", relay.host, .warn, "TLS to \(relay.host) only when offered, certificate unchecked",
                                     fix: "use smtps:// or smtp:// (STARTTLS required)")
            case .none:
                return DoctorFinding("bulk-tls", relay.host, .fail, "delivery.via has ?tls=none: mail crosses the network in the clear",
                                     fix: "remove ?tls=none (STARTTLS) or use smtps://")
            }
        case .direct:
            return DoctorFinding("bulk-tls", fromDomain, .pass, "direct delivery uses STARTTLS wherever the MX offers it (Gmail's and Yahoo's do)")
        case .outbox:
            return DoctorFinding("bulk-tls", fromDomain, .warn, "delivery.via is an outbox: TLS is up to whatever sends it on",
                                 fix: "check again with delivery.via set to the relay")
        case .unknown(let via):
            return DoctorFinding("bulk-tls", fromDomain, .fail, "delivery.via \"\(via)\" is not a delivery Gazette knows",
                                 fix: "use smtps://host, smtp://host (STARTTLS), direct or outbox:DIR")
        }
    }

    /// Direct delivery: each sending address needs a PTR whose name resolves back to it (forward-confirmed),
    /// and EHLO should say that name.
    private func reverseDNSFindings(sending: SendingAddresses, helo: String?) -> [DoctorFinding] {
        guard !sending.addresses.isEmpty else {
            return [DoctorFinding("bulk-ptr", "this host", sending.problem == .unchecked ? .unchecked : .warn,
                                  "reverse DNS not checked: \(sending.note)", fix: "check the PTR of your public address from outside")]
        }
        var findings: [DoctorFinding] = []
        for address in sending.addresses {
            let subject = address.reverseName
            let names: [String]
            switch LookupResult({ try lookups.ptr(address.text) }) {
            case .failed(let reason):
                findings.append(.unchecked("bulk-ptr", address.text, reason))
                continue
            case .absent:
                findings.append(DoctorFinding("bulk-ptr", address.text, .fail,
                    "\(address.text) has no reverse DNS (PTR at \(subject)): Gmail and Yahoo refuse mail from such addresses",
                    fix: "ask whoever owns \(address.text) (your ISP or host) to set its PTR to \(helo ?? "this host's name")"))
                continue
            case .found(let found):
                names = found.map { $0.hasSuffix(".") ? String($0.dropLast()) : $0 }
            }
            let confirmed = names.filter { name in
                LookupResult({ try lookups.addresses(name) }).values?.compactMap(IPAddress.init).contains(address.unmapped) ?? false
            }
            findings.append(DoctorFinding("bulk-ptr", address.text, confirmed.isEmpty ? .fail : .pass,
                "PTR \(names.joined(separator: ", "))" + (confirmed.isEmpty ? ", which does not resolve back to \(address.text)" : ", confirmed forward"),
                fix: "make the PTR name's A/AAAA record point to \(address.text)"))
            guard let helo else {
                findings.append(DoctorFinding("ehlo", address.text, .warn, "this host's name is not fully qualified, so EHLO says an address literal",
                                              fix: "set `direct: { helo: \(names.first ?? "the PTR name") }` in gazette.yml"))
                continue
            }
            let matches = names.contains { $0.lowercased() == helo.lowercased() }
            findings.append(DoctorFinding("ehlo", address.text, matches ? .pass : .warn,
                "EHLO \(helo) " + (matches ? "matches the reverse DNS" : "differs from the reverse DNS \(names.joined(separator: ", "))"),
                fix: "set `direct: { helo: \(names.first ?? helo) }` in gazette.yml (or set the PTR to \(helo))"))
        }
        return findings
    }
}

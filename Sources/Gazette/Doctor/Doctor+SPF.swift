// The SPF checks of one domain: is there exactly one valid record, does it stay within the look-up limits,
// and does it authorise the addresses mail leaves from. Fixes are whole records to publish.
import SMTP

extension Doctor {
    func checkSPF(domain: String, sender: String, sending: SendingAddresses, route: Route)
        -> (findings: [DoctorFinding], authorised: DoctorFinding.Status) {
        let envelope = sender.split(separator: "@").last.map { $0.lowercased() } == domain
        let record: SPFRecord
        switch SPFFetch.fetch(domain, lookups: lookups) {
        case .failed(let reason):
            return ([.unchecked("spf", domain, "the TXT records of \(domain): \(reason)")], .unchecked)
        case .none:
            let suggestion = suggestedSPF(sending: sending, route: route)
            // Receivers check SPF of the envelope domain; a From domain that is not it only should have one.
            return ([DoctorFinding("spf", domain, envelope ? .fail : .warn, "\(domain) publishes no SPF record",
                                   fix: "publish a TXT record at \(domain)", record: .init(name: domain, type: "TXT", value: suggestion))], .fail)
        case .several(let records):
            return ([DoctorFinding("spf", domain, .fail,
                                   "\(domain) publishes \(records.count) SPF records, which receivers treat as an error (permerror)",
                                   fix: "keep one TXT record starting with v=spf1 and merge the others into it: "
                                       + records.map { "\"\($0)\"" }.joined(separator: " and "))], .fail)
        case .invalid(let text, let error):
            return ([DoctorFinding("spf", domain, .fail, "the SPF record of \(domain) has a syntax error (permerror): \(error)",
                                   fix: "correct the record \"\(text)\"")], .fail)
        case .record(let found):
            record = found
        }
        var findings = [recordFinding(record, domain: domain)]
        findings.append(lookupFinding(record, domain: domain))
        let authorised = authorisationFinding(record, domain: domain, sender: sender, sending: sending, route: route,
                                              isEnvelopeDomain: envelope)
        findings.append(authorised)
        return (findings, authorised.status)
    }

    /// The record's own problems: `+all`, no `all`, `ptr`, terms after `all`.
    private func recordFinding(_ record: SPFRecord, domain: String) -> DoctorFinding {
        let allIndex = record.directives.firstIndex { $0.mechanism == .all }
        if let allIndex, record.directives[allIndex].qualifier == .pass {
            return DoctorFinding("spf", domain, .fail, "\"\(record.text)\" ends in `\(record.directives[allIndex].text)`, which authorises every address on the Internet",
                                 fix: "end the record with ~all or -all",
                                 record: .init(name: domain, type: "TXT", value: replacingAll(in: record, with: "~all")))
        }
        var notes: [String] = []
        if let allIndex, allIndex < record.directives.count - 1 {
            notes.append("terms after `\(record.directives[allIndex].text)` are never reached")
        }
        if allIndex == nil, record.redirect == nil {
            notes.append("it has no `all`, so unlisted addresses get neutral; end it with ~all or -all")
        }
        if record.directives.contains(where: { if case .ptr = $0.mechanism { true } else { false } }) {
            notes.append("`ptr` is slow and discouraged (RFC 7208 §5.5); some receivers ignore it")
        }
        if allIndex != nil, record.redirect != nil { notes.append("redirect= is ignored because the record has `all`") }
        guard notes.isEmpty else {
            return DoctorFinding("spf", domain, .warn, "\"\(record.text)\": " + notes.joined(separator: "; "),
                                 fix: "edit the SPF record of \(domain)")
        }
        return DoctorFinding("spf", domain, .pass, "\"\(record.text)\"")
    }

    private func lookupFinding(_ record: SPFRecord, domain: String) -> DoctorFinding {
        let audit = SPFLookupAudit.audit(record, domain: domain, lookups: lookups)
        let counts = "\(audit.lookupTerms) DNS-querying term\(audit.lookupTerms == 1 ? "" : "s") (limit \(SPFEvaluator.lookupLimit)), "
            + "\(audit.voidLookups) void look-up\(audit.voidLookups == 1 ? "" : "s") (limit \(SPFEvaluator.voidLimit))"
        let problems = audit.problems.isEmpty ? "" : ": " + audit.problems.joined(separator: "; ")
        if audit.lookupTerms > SPFEvaluator.lookupLimit {
            return DoctorFinding("spf-lookups", domain, .fail, "\(counts): receivers stop at the limit and answer permerror\(problems)",
                                 fix: "remove includes you no longer use, or replace an include with the ip4:/ip6: ranges it publishes, "
                                     + "until at most \(SPFEvaluator.lookupLimit) of include, a, mx, ptr, exists and redirect remain")
        }
        if audit.voidLookups > SPFEvaluator.voidLimit {
            return DoctorFinding("spf-lookups", domain, .fail, "\(counts): receivers answer permerror\(problems)",
                                 fix: "remove the terms that name domains without records")
        }
        if !audit.failures.isEmpty {
            return .unchecked("spf-lookups", domain, "\(counts) so far; " + audit.failures.joined(separator: "; "))
        }
        return DoctorFinding("spf-lookups", domain, audit.problems.isEmpty ? .pass : .warn, counts + problems,
                             fix: "remove the terms that name domains without records")
    }

    private func authorisationFinding(_ record: SPFRecord, domain: String, sender: String, sending: SendingAddresses,
                                      route: Route, isEnvelopeDomain: Bool) -> DoctorFinding {
        if let problem = sending.problem {
            return problem == .unchecked ? .unchecked("spf-authorised", domain, sending.note)
                : DoctorFinding("spf-authorised", domain, problem, "not evaluated: \(sending.note)",
                                fix: "run `gazette doctor` where delivery.via names the relay or direct delivery that sends")
        }
        let helo: String
        switch route {
        case .direct(let name): helo = name ?? hostName ?? domain
        case .relay(let relay): helo = relay.heloName ?? hostName ?? domain
        case .outbox, .unknown: helo = hostName ?? domain
        }
        let evaluator = SPFEvaluator(lookups: lookups)
        var lines: [String] = []
        var worst = DoctorFinding.Status.pass
        var missing: [IPAddress] = []
        for address in sending.addresses {
            let result = evaluator.checkHost(address: address, domain: domain, sender: sender, helo: helo)
            lines.append("\(address.text): \(result.kind.rawValue) (\(result.detail))")
            switch result.kind {
            case .pass: break
            case .temperror: worst = max(worst, .unchecked)
            case .permerror: worst = .fail
            case .fail, .softfail, .neutral, .none:
                missing.append(address)
                worst = max(worst, isEnvelopeDomain ? .fail : .warn)
            }
        }
        let message = lines.joined(separator: "; ")
            + (isEnvelopeDomain ? "" : "; receivers check SPF of the return-path domain, not of this one")
        if worst == .unchecked { return .unchecked("spf-authorised", domain, message) }
        let fixed = addingAddresses(missing, to: record)
        return DoctorFinding("spf-authorised", domain, worst, message,
                             fix: missing.isEmpty ? "correct the SPF record of \(domain)"
                                 : "authorise \(missing.map(\.text).joined(separator: ", ")) (or add the include your relay documents)",
                             record: missing.isEmpty ? nil : .init(name: domain, type: "TXT", value: fixed))
    }

    /// A first record for a domain with none: the known addresses (or the relay's name), then ~all.
    func suggestedSPF(sending: SendingAddresses, route: Route) -> String {
        var terms = sending.addresses.map { ($0.isIPv4 ? "ip4:" : "ip6:") + $0.text }
        if terms.isEmpty, case .relay(let relay) = route { terms.append("a:\(relay.host)") }
        if terms.isEmpty { terms.append("mx") }
        return (["v=spf1"] + terms + ["~all"]).joined(separator: " ")
    }

    /// `record` with ip4:/ip6: terms for `addresses` put in front of its other directives.
    private func addingAddresses(_ addresses: [IPAddress], to record: SPFRecord) -> String {
        let added = addresses.map { ($0.isIPv4 ? "ip4:" : "ip6:") + $0.text }
        let rest = record.text.split(separator: " ").dropFirst().map(String.init)
        return (["v=spf1"] + added + rest).joined(separator: " ")
    }

    private func replacingAll(in record: SPFRecord, with all: String) -> String {
        record.text.split(separator: " ").map { ["all", "+all"].contains($0.lowercased()) ? all : String($0) }.joined(separator: " ")
    }
}

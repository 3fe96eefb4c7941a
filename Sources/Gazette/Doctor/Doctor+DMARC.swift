// The DMARC checks: the policy at `_dmarc.<From domain>` (or at the organizational domain's, RFC 7489 §6.6.3),
// and whether From aligns with the return-path domain (SPF) or the DKIM d= domain, relaxed or strict.
import Foundation
import SMTP

extension Doctor {
    struct DMARCState {
        var findings: [DoctorFinding] = []
        var record: DMARCRecord?
        /// Where the record was found (the From domain or its organizational domain).
        var recordDomain: String?
        var unchecked = false
        /// pass when From aligns with a domain whose check passes (SPF for the return path, DKIM for d=).
        var alignment = DoctorFinding.Status.fail
    }

    func checkDMARC(fromDomain: String, returnPathDomain: String, spf: DoctorFinding.Status, dkim: DKIMState) -> DMARCState {
        var state = DMARCState()
        let organization = OrganizationalDomain.of(fromDomain)
        let suggestion = DoctorFinding.Record(name: "_dmarc.\(organization)", type: "TXT",
                                              value: "v=DMARC1; p=none; rua=mailto:dmarc-reports@\(organization)")
        var candidates = ["_dmarc.\(fromDomain)"]
        if organization != fromDomain { candidates.append("_dmarc.\(organization)") }
        search: for name in candidates {
            switch LookupResult({ try lookups.txt(name) }) {
            case .failed(let reason):
                state.findings.append(.unchecked("dmarc", name, reason))
                state.unchecked = true
                break search
            case .absent:
                continue
            case .found(let texts):
                let records = texts.filter(DMARCRecord.isDMARC)
                if records.isEmpty { continue }
                state.recordDomain = String(name.dropFirst("_dmarc.".count))
                guard records.count == 1, let text = records.first else {
                    state.findings.append(DoctorFinding("dmarc", name, .fail,
                        "\(name) publishes \(records.count) DMARC records, so receivers ignore them all (RFC 7489 §6.6.3)",
                        fix: "keep one record", record: suggestion))
                    break search
                }
                do {
                    let record = try DMARCRecord(text)
                    state.record = record
                    state.findings.append(policyFinding(record, name: name, isSubdomain: state.recordDomain != fromDomain))
                } catch {
                    state.findings.append(DoctorFinding("dmarc", name, .fail, "the DMARC record \"\(text)\" is invalid: \(error)",
                                                        fix: "correct it", record: suggestion))
                }
                break search
            }
        }
        if state.recordDomain == nil, !state.unchecked {
            state.findings.append(DoctorFinding("dmarc", "_dmarc.\(fromDomain)", .fail,
                "no DMARC record at " + candidates.joined(separator: " or ") + ": Gmail and Yahoo require one of bulk senders",
                fix: "publish a DMARC record (p=none to start; raise it once the reports show your mail aligned)", record: suggestion))
        }
        state.findings.append(alignmentFinding(fromDomain: fromDomain, returnPathDomain: returnPathDomain, spf: spf,
                                               dkim: dkim, record: state.record, state: &state))
        return state
    }

    private func policyFinding(_ record: DMARCRecord, name: String, isSubdomain: Bool) -> DoctorFinding {
        let policy = isSubdomain ? record.subdomainPolicy : record.policy
        var found = "\"\(record.text)\": policy \(policy.rawValue)" + (isSubdomain ? " (sp= for subdomains of the organizational domain)" : "")
        if record.percent < 100 { found += ", applied to \(record.percent) % of failing mail" }
        found += record.aggregateReports.isEmpty ? ", no rua= (nobody receives aggregate reports)" : ", reports to " + record.aggregateReports.joined(separator: ", ")
        switch policy {
        case .none:
            return DoctorFinding("dmarc", name, .warn, found + ": monitoring only, which meets the Gmail/Yahoo minimum but protects nothing",
                                 fix: "once the reports show your mail passing aligned, raise the policy",
                                 record: .init(name: name, type: "TXT", value: record.text.replacingPolicy(with: "quarantine")))
        case .quarantine, .reject:
            return DoctorFinding("dmarc", name, record.percent < 100 ? .warn : .pass, found, fix: "raise pct= to 100 (or remove it)")
        }
    }

    private func alignmentFinding(fromDomain: String, returnPathDomain: String, spf: DoctorFinding.Status, dkim: DKIMState,
                                  record: DMARCRecord?, state: inout DMARCState) -> DoctorFinding {
        let spfMode = record?.spfAlignment ?? .relaxed, dkimMode = record?.dkimAlignment ?? .relaxed
        let spfAligned = OrganizationalDomain.aligned(returnPathDomain, fromDomain, strict: spfMode == .strict)
        var parts = ["SPF: return path \(returnPathDomain) " + (spfAligned ? "aligned" : "not aligned") + " (\(spfMode.name))"
            + (spf == .pass ? ", SPF passes" : spf == .fail ? ", SPF does not pass" : ", SPF not known")]
        var dkimAligned = false
        if let signing = dkim.signingDomain {
            dkimAligned = OrganizationalDomain.aligned(signing, fromDomain, strict: dkimMode == .strict)
            parts.append("DKIM: d=\(signing) " + (dkimAligned ? "aligned" : "not aligned") + " (\(dkimMode.name))"
                + (dkim.verifies ? ", key published and matching" : ", signatures would not verify"))
        } else {
            parts.append("DKIM: not signing")
        }
        // Aligned and passing on either side is enough (RFC 7489 §4.2); otherwise the best of the aligned sides.
        let candidates = (spfAligned ? [spf] : []) + (dkimAligned ? [dkim.status] : [])
        state.alignment = candidates.min() ?? .fail
        let message = "From \(fromDomain) — " + parts.joined(separator: "; ")
        switch state.alignment {
        case .pass: return DoctorFinding("dmarc-alignment", fromDomain, .pass, message)
        case .unchecked: return .unchecked("dmarc-alignment", fromDomain, message)
        case .warn: return DoctorFinding("dmarc-alignment", fromDomain, .warn, message + ": whether SPF passes is not known here",
                                         fix: "check again with delivery.via set to what sends")
        case .fail: break
        }
        guard candidates.isEmpty else {
            return DoctorFinding("dmarc-alignment", fromDomain, .fail, message + ": DMARC fails for every message",
                                 fix: "make the aligned side pass: fix the spf-authorised and dkim lines above")
        }
        return DoctorFinding("dmarc-alignment", fromDomain, .fail, message + ": DMARC fails for every message",
                             fix: "sign with `dkim.domain: \(fromDomain)` and publish its key, or use a `delivery.return_path` "
                                 + "at \(fromDomain) whose SPF record authorises the sending address")
    }
}

extension String {
    /// A DMARC record with its p= set to `policy`.
    func replacingPolicy(with policy: String) -> String {
        split(separator: ";").map { tag in
            tag.trimmingCharacters(in: .whitespaces).lowercased().hasPrefix("p=") ? " p=\(policy)" : String(tag)
        }.joined(separator: ";")
    }
}

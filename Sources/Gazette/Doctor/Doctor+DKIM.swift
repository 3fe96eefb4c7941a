// The DKIM checks: is signing configured (a `dkim:` block and a key, both or neither is the question), is
// `<selector>._domainkey.<domain>` published, is it the public half of the configured key, and is it big enough.
import Mail
import SMTP

extension Doctor {
    /// What the DKIM checks concluded, for the DMARC and bulk-sender checks.
    struct DKIMState {
        var findings: [DoctorFinding] = []
        /// The `d=` of the signatures, when signing is configured.
        var signingDomain: String?
        /// Signing is configured with a usable key whose public half is published.
        var verifies = false
        /// A look-up failed, so `verifies` is not known.
        var unchecked = false

        /// pass when signatures verify, could-not-check when that is unknown, else fail.
        var status: DoctorFinding.Status { verifies ? .pass : unchecked ? .unchecked : .fail }
    }

    static let keyCommand = "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out dkim.pem"

    func checkDKIM(fromDomain: String) -> DKIMState {
        var state = DKIMState()
        let pem: (pem: String, source: String)?
        do {
            pem = try PublishSecrets.dkimKeyPEM(environment: environment)
        } catch let error as DiagnosticError {
            state.findings.append(DoctorFinding("dkim-key", "GAZETTE_DKIM_KEY_FILE", .fail, error.diagnostics.first?.message ?? "\(error)",
                                                fix: error.diagnostics.first?.hint))
            return state
        } catch {
            state.findings.append(DoctorFinding("dkim-key", "GAZETTE_DKIM_KEY_FILE", .fail, "\(error)"))
            return state
        }
        let domain = configuration.delivery.dkimDomain, selector = configuration.delivery.dkimSelector
        guard let domain, let selector else {
            guard let pem else {
                state.findings.append(DoctorFinding(
                    "dkim", fromDomain, .fail,
                    "DKIM is not configured: messages go out unsigned, and Gmail and Yahoo require DKIM of bulk senders",
                    fix: "create a key (`\(Self.keyCommand)`), set GAZETTE_DKIM_KEY_FILE=dkim.pem (or GAZETTE_DKIM_KEY to the PEM, "
                        + "as a CI secret), add `dkim: { domain: \(fromDomain), selector: gazette }` to gazette.yml, "
                        + "and run `gazette doctor` again for the record to publish"))
                return state
            }
            let record = try? SigningKey(pem: pem.pem, source: pem.source).dnsRecord()
            state.findings.append(DoctorFinding(
                "dkim", fromDomain, .fail,
                "a DKIM key is set in \(pem.source) but gazette.yml has no `dkim:` block, so every message goes out unsigned",
                fix: "add `dkim: { domain: \(fromDomain), selector: gazette }` to gazette.yml"
                    + (record == nil ? "" : " and publish the key's record"),
                record: record.map { .init(name: "gazette._domainkey.\(fromDomain)", type: "TXT", value: $0) }))
            return state
        }
        state.signingDomain = domain.lowercased()
        let name = "\(selector)._domainkey.\(domain)"
        var key: SigningKey?
        if let pem {
            do {
                key = try SigningKey(pem: pem.pem, source: pem.source)
                state.findings.append(DoctorFinding("dkim", domain, .pass,
                    "signing as d=\(domain) s=\(selector) with the \(key.map { "\($0.bits)-bit \($0.algorithm.rawValue)" } ?? "") key in \(pem.source)"))
            } catch {
                state.findings.append(DoctorFinding("dkim", domain, .fail, "the DKIM key in \(pem.source) cannot be used: \(error)",
                                                    fix: "create an RSA key of 2048 bits: `\(Self.keyCommand)`"))
            }
        } else {
            state.findings.append(DoctorFinding(
                "dkim", domain, .fail,
                "gazette.yml has `dkim: { domain: \(domain), selector: \(selector) }` but neither GAZETTE_DKIM_KEY nor "
                    + "GAZETTE_DKIM_KEY_FILE is set, so publish refuses to send",
                fix: "set GAZETTE_DKIM_KEY_FILE to the private key's path (or GAZETTE_DKIM_KEY to the PEM, as a CI secret)"))
        }
        let wanted = (try? key?.dnsRecord()).map { DoctorFinding.Record(name: name, type: "TXT", value: $0) }
        let publishHint = wanted == nil ? "publish the public half of your DKIM key at \(name)" : "publish this TXT record at \(name)"
            + " (DNS providers split values over 255 characters into several strings; that is fine)"
        let texts: [String]
        switch LookupResult({ try lookups.txt(name) }) {
        case .failed(let reason):
            state.findings.append(.unchecked("dkim-record", name, reason))
            state.unchecked = true
            return state
        case .absent:
            state.findings.append(DoctorFinding("dkim-record", name, .fail, "no DKIM key is published at \(name): every signature fails",
                                                fix: publishHint, record: wanted))
            return state
        case .found(let found):
            texts = found.filter { $0.contains("p=") }
        }
        guard texts.count == 1, let text = texts.first else {
            state.findings.append(DoctorFinding("dkim-record", name, .fail,
                texts.isEmpty ? "the TXT record at \(name) is not a DKIM key (no p=)" : "\(name) publishes \(texts.count) DKIM keys; verifiers may pick either",
                fix: publishHint + ", and only that", record: wanted))
            return state
        }
        let record: DKIMKeyRecord, published: DKIMPublicKey
        do {
            record = try DKIMKeyRecord(text)
            guard !record.isRevoked else {
                state.findings.append(DoctorFinding("dkim-record", name, .fail, "the key at \(name) is revoked (empty p=): every signature fails",
                                                    fix: key == nil ? "sign with a new key under a new selector and publish it"
                                                        : publishHint, record: wanted))
                return state
            }
            published = try record.publicKey()
        } catch {
            state.findings.append(DoctorFinding("dkim-record", name, .fail, "the DKIM record at \(name) cannot be used: \(error)",
                                                fix: publishHint, record: wanted))
            return state
        }
        state.findings.append(DoctorFinding("dkim-record", name, record.testing ? .warn : .pass,
            "a \(published.bits)-bit \(published.type.rawValue) key is published at \(name)"
                + (record.testing ? " with t=y (testing: receivers may treat failing signatures as absent)" : ""),
            fix: "remove t=y once signatures verify"))
        state.findings.append(sizeFinding(published, name: name, wanted: wanted))
        if let key {
            if published.matches(key) {
                state.findings.append(DoctorFinding("dkim-key", name, .pass, "the published key is the public half of the configured private key"))
                state.verifies = published.type == .ed25519 || published.bits >= 1024
            } else {
                state.findings.append(DoctorFinding("dkim-key", name, .fail,
                    "the key published at \(name) is not the public half of the configured private key"
                        + (published.type.rawValue == (key.algorithm == .rsaSHA256 ? "rsa" : "ed25519") ? ""
                            : " (the record has a \(published.type.rawValue) key, the configured one is \(key.algorithm == .rsaSHA256 ? "rsa" : "ed25519"))")
                        + ": every signature fails",
                    fix: "publish the configured key's record (or configure the private key that belongs to the published one)",
                    record: wanted))
            }
        }
        return state
    }

    /// RFC 8301 §3.2: verifiers must not accept RSA keys under 1024 bits; 2048 is what signers should use.
    private func sizeFinding(_ key: DKIMPublicKey, name: String, wanted: DoctorFinding.Record?) -> DoctorFinding {
        let fix = "create a 2048-bit key (`\(Self.keyCommand)`), publish it under a new selector, then switch `dkim.selector` to it"
        if key.type == .ed25519 {
            return DoctorFinding("dkim-key-size", name, .pass, "Ed25519 (RFC 8463); receivers that do not know it treat the signature as absent")
        }
        if key.bits < 1024 {
            return DoctorFinding("dkim-key-size", name, .fail, "the RSA key has \(key.bits) bits: verifiers reject keys under 1024 (RFC 8301)",
                                 fix: fix, record: wanted)
        }
        if key.bits < 2048 {
            return DoctorFinding("dkim-key-size", name, .warn, "the RSA key has \(key.bits) bits: 2048 is the recommended size (RFC 8301), and publish refuses smaller keys",
                                 fix: fix, record: wanted)
        }
        return DoctorFinding("dkim-key-size", name, .pass, "\(key.bits)-bit RSA")
    }
}

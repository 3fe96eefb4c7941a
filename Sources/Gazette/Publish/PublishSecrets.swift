// Secrets for a publish, from the environment only (never gazette.yml): the DKIM key and the unsubscribe secret.
import Foundation
import Mail

enum PublishSecrets {
    /// The DKIM signer when `dkim:` is configured; the key from GAZETTE_DKIM_KEY (the PEM itself) or
    /// GAZETTE_DKIM_KEY_FILE (a path). DKIM cannot be forgotten: a key without a `dkim:` block, or a block
    /// without a key, is an error for a real send (SMTP, direct) and a warning otherwise (outbox, --dry-run);
    /// a real send without DKIM at all warns that Gmail and Yahoo require it of bulk senders.
    static func signer(configuration: Configuration, environment: [String: String],
                       realSend: Bool) throws -> (DKIMSigner?, [Diagnostic]) {
        let inline = environment["GAZETTE_DKIM_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        let path = environment["GAZETTE_DKIM_KEY_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        let keyVariable = inline != nil ? "GAZETTE_DKIM_KEY" : "GAZETTE_DKIM_KEY_FILE"
        guard let domain = configuration.delivery.dkimDomain, let selector = configuration.delivery.dkimSelector else {
            if inline != nil || path != nil {
                let finding = Diagnostic(
                    realSend ? .error : .warning, code: "dkim-unconfigured",
                    "\(keyVariable) is set but gazette.yml has no `dkim:` block, so messages would go out unsigned",
                    at: SourceLocation(path: Configuration.fileName),
                    hint: "add `dkim: { domain: example.org, selector: gazette }` (the domain and selector of the public key in DNS), or unset \(keyVariable)")
                if realSend { throw DiagnosticError(finding) }
                return (nil, [finding])
            }
            return (nil, realSend ? [unsignedWarning] : [])
        }
        guard let key = try dkimKeyPEM(environment: environment) else {
            let finding = Diagnostic(
                realSend ? .error : .warning, code: "dkim-key",
                "gazette.yml asks for DKIM signing but no key is set" + (realSend ? "" : ": this run's messages are unsigned"),
                at: configuration.location(of: "dkim"),
                hint: "set GAZETTE_DKIM_KEY to the PEM private key (a CI secret) or GAZETTE_DKIM_KEY_FILE to its path")
            if realSend { throw DiagnosticError(finding) }
            return (nil, [finding])
        }
        let (pem, source) = key
        do {
            return (try DKIMSigner(key: SigningKey(pem: pem, source: source), domain: domain, selector: selector), [])
        } catch {
            throw DiagnosticError(.error("dkim-key", "the DKIM key from \(source) cannot be used: \(error)",
                                         hint: "use an RSA key of at least 2048 bits or an Ed25519 key, in PEM"))
        }
    }

    /// A real send without DKIM.
    static let unsignedWarning = Diagnostic.warning(
        "dkim-missing", "messages are sent without a DKIM signature: Gmail and Yahoo require DKIM (and SPF, DMARC) of bulk senders",
        at: SourceLocation(path: Configuration.fileName),
        hint: "add `dkim: { domain: example.org, selector: gazette }` to gazette.yml, publish the public key at "
            + "gazette._domainkey.example.org, and set GAZETTE_DKIM_KEY or GAZETTE_DKIM_KEY_FILE (see the README, DKIM)")

    /// The DKIM private key's PEM and where it came from ("GAZETTE_DKIM_KEY_FILE (path)"), or nil when neither
    /// GAZETTE_DKIM_KEY nor GAZETTE_DKIM_KEY_FILE is set; `gazette doctor` reads the key the same way.
    static func dkimKeyPEM(environment: [String: String]) throws -> (pem: String, source: String)? {
        if let inline = environment["GAZETTE_DKIM_KEY"], !inline.isEmpty { return (inline, "GAZETTE_DKIM_KEY") }
        guard let path = environment["GAZETTE_DKIM_KEY_FILE"], !path.isEmpty else { return nil }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw DiagnosticError(.error("dkim-key", "GAZETTE_DKIM_KEY_FILE names \(path), which cannot be read",
                                         hint: "check the path and its permissions"))
        }
        return (text, "GAZETTE_DKIM_KEY_FILE (\(path))")
    }

    /// The unsubscribe secret. Without one, a run that only writes an outbox (or sends nothing) gets a
    /// throwaway secret and a warning; a real send refuses, since its links would never verify.
    static func unsubscribeSecret(environment: [String: String], realSend: Bool) throws -> (String, Diagnostic?) {
        if let secret = environment["GAZETTE_UNSUBSCRIBE_SECRET"], !secret.isEmpty { return (secret, nil) }
        let hint = "set GAZETTE_UNSUBSCRIBE_SECRET (a CI secret, e.g. `openssl rand -hex 32`); your unsubscribe page checks tokens with it"
        guard !realSend else {
            throw DiagnosticError(.error("unsubscribe-secret", "GAZETTE_UNSUBSCRIBE_SECRET is not set", hint: hint))
        }
        var bytes = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for index in bytes.indices { bytes[index] = UInt8.random(in: 0...255, using: &generator) }
        return (Base64.encodeURLSafe(bytes), .warning("unsubscribe-secret",
            "GAZETTE_UNSUBSCRIBE_SECRET is not set: this run's unsubscribe links use a throwaway secret", hint: hint))
    }
}

// Secrets for a publish, from the environment only (never gazette.yml): the DKIM key and the unsubscribe secret.
import Foundation
import Mail

enum PublishSecrets {
    /// The DKIM signer when `dkim:` is configured; the key from GAZETTE_DKIM_KEY (the PEM itself) or
    /// GAZETTE_DKIM_KEY_FILE (a path).
    static func signer(configuration: Configuration, environment: [String: String]) throws -> DKIMSigner? {
        guard let domain = configuration.delivery.dkimDomain, let selector = configuration.delivery.dkimSelector else {
            return nil
        }
        guard let key = try dkimKeyPEM(environment: environment) else {
            throw DiagnosticError(.error("dkim-key", "gazette.yml asks for DKIM signing but no key is set",
                                         at: configuration.location(of: "dkim"),
                                         hint: "set GAZETTE_DKIM_KEY to the PEM private key (a CI secret) or GAZETTE_DKIM_KEY_FILE to its path"))
        }
        let (pem, source) = key
        do {
            return try DKIMSigner(key: SigningKey(pem: pem, source: source), domain: domain, selector: selector)
        } catch {
            throw DiagnosticError(.error("dkim-key", "the DKIM key from \(source) cannot be used: \(error)",
                                         hint: "use an RSA key of at least 2048 bits or an Ed25519 key, in PEM"))
        }
    }

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

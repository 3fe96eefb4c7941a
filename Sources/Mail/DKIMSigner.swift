// DKIM signatures (RFC 6376) with rsa-sha256 or ed25519-sha256 (RFC 8463), relaxed/relaxed, through OpenSSL.
// Signs a rendered message and returns the folded DKIM-Signature field to put on top; no DNS, no sending.
import Foundation

/// Signs messages for one domain and selector. Safe to share between threads: the key is read-only and
/// every signature gets its own OpenSSL context.
public final class DKIMSigner: Sendable {
    /// The fields signed when present, in this order (`From` is signed once more, see `oversignedFields`).
    public static let defaultSignedFields = [
        "From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type",
        "List-Unsubscribe", "List-Unsubscribe-Post",
    ]

    /// The private key signatures are made with.
    public let key: SigningKey
    /// The signing domain (`d=`), in ASCII.
    public let domain: String
    /// The selector (`s=`): the key's DNS record is at `<selector>._domainkey.<domain>`.
    public let selector: String
    /// Field names signed when present.
    public let signedFields: [String]
    /// Field names listed once more in `h=` so that nobody can add another instance (RFC 6376 §8.15).
    public let oversignedFields: [String]
    private let clock: @Sendable () -> Date

    /// - Parameter clock: gives the signature time (`t=`); injected so tests are repeatable.
    public init(
        key: SigningKey, domain: String, selector: String,
        signedFields: [String] = DKIMSigner.defaultSignedFields, oversignedFields: [String] = ["From"],
        clock: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        self.key = key
        do {
            self.domain = try DomainName.ascii(domain)
        } catch {
            throw MailError(.invalidDKIMParameter(domain, problem: "the signing domain is not a domain name"))
        }
        let selectorLabels = selector.split(separator: ".", omittingEmptySubsequences: false)
        guard !selector.isEmpty, selectorLabels.allSatisfy({ label in
            !label.isEmpty && label.utf8.allSatisfy { DomainName.isLetterOrDigit($0) || $0 == 0x2D || $0 == 0x5F }
        }) else {
            throw MailError(.invalidDKIMParameter(selector, problem: "a selector is made of letters, digits, - and _"))
        }
        for name in signedFields + oversignedFields { try HeaderField.checkName(name) }
        self.selector = selector
        self.signedFields = signedFields
        self.oversignedFields = oversignedFields
        self.clock = clock
    }

    /// `message` with a DKIM-Signature field added on top. `bodyIsRelaxed` is the caller's word that relaxed body
    /// canonicalization would change nothing in the body (what MIMEWriter renders: quoted-printable parts leave no
    /// tab, run of spaces or trailing space): the body is then hashed without looking for what to rewrite. A wrong
    /// word gives a signature that does not verify; debug builds check it.
    public func sign(_ message: [UInt8], bodyIsRelaxed: Bool = false) throws -> [UInt8] {
        let field = try signatureField(for: message, bodyIsRelaxed: bodyIsRelaxed)
        var output: [UInt8] = []
        output.reserveCapacity(field.count + message.count)
        output.append(contentsOf: field)
        output.append(contentsOf: message)
        return output
    }

    /// The folded `DKIM-Signature: …` field, with its CRLF, for `message` (a rendered message with CRLF lines).
    public func signatureField(for message: [UInt8], bodyIsRelaxed: Bool = false) throws -> [UInt8] {
        let (fields, bodyStart) = try DKIMCanonicalization.split(message)
        let bodyHash = try DKIMCanonicalization.bodyHash(message[bodyStart...], isRelaxed: bodyIsRelaxed)

        // Select fields bottom-up per name (RFC 6376 §5.4.2); a name listed again with no instance left
        // contributes nothing, which is what makes oversigning work.
        var used = [Bool](repeating: false, count: fields.count)
        var lowercasedNames = fields.map(\.lowercasedName)
        var listed: [String] = []
        var canonical: [UInt8] = []
        canonical.reserveCapacity(1024)
        let wanted = signedFields.map { Array($0.lowercased().utf8) }
        guard wanted.contains(Array("from".utf8)), lowercasedNames.contains(Array("from".utf8)) else {
            throw MailError(.malformedMessage("the message has no From field, which DKIM must sign"))
        }
        for name in wanted {
            guard let index = lowercasedNames.indices.last(where: { !used[$0] && lowercasedNames[$0] == name }) else {
                continue
            }
            used[index] = true
            listed.append(String(decoding: name, as: UTF8.self))
            DKIMCanonicalization.appendHeader(fields[index].raw, to: &canonical)
        }
        for name in oversignedFields.map({ $0.lowercased() }) {
            listed.append(name)
            let bytes = Array(name.utf8)
            if let index = lowercasedNames.indices.last(where: { !used[$0] && lowercasedNames[$0] == bytes }) {
                used[index] = true
                DKIMCanonicalization.appendHeader(fields[index].raw, to: &canonical)
            }
        }
        lowercasedNames.removeAll()

        var writer = DKIMTagListWriter()
        writer.append(tag: "v=1;")
        writer.append(tag: "a=\(key.algorithm.rawValue);")
        writer.append(tag: "c=relaxed/relaxed;")
        writer.append(tag: "d=\(domain);")
        writer.append(tag: "s=\(selector);")
        writer.append(tag: "t=\(Int(clock().timeIntervalSince1970.rounded(.down)));")
        writer.append(list: listed, prefix: "h=", separator: ":", terminator: ";")
        writer.append(tag: "bh=" + Base64.encode(bodyHash) + ";")
        writer.append(tag: "b=")
        // The signature covers this field as it will be, with an empty b= and no final CRLF (§3.7).
        DKIMCanonicalization.appendHeader(writer.bytes[...], to: &canonical, terminated: false)
        let signature = try signature(over: canonical)
        writer.appendSplitting(Base64.encode(signature))
        writer.bytes.append(0x0D)
        writer.bytes.append(0x0A)
        return writer.bytes
    }

    /// rsa-sha256 signs the data with SHA-256; ed25519-sha256 signs the SHA-256 of the data (RFC 8463 §3).
    private func signature(over data: [UInt8]) throws -> [UInt8] {
        let operation = "sign with the DKIM key (\(key.algorithm.rawValue), \(selector)._domainkey.\(domain))"
        return try key.sign(key.algorithm == .ed25519SHA256 ? try Digest.sha256(data) : data, operation: operation)
    }
}

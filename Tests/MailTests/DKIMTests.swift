// DKIM: keys made by the openssl command, messages signed here, every signature verified by dkimpy with a
// DNS-free key lookup; tampered messages must fail, short RSA keys are refused.
import Foundation
import GazetteTestSupport
import Mail
import XCTest

final class DKIMTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("gazette-dkim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Generates a key with `openssl genpkey` and returns its PEM file.
    private func makeKey(_ arguments: [String], name: String) throws -> URL {
        let file = directory.appendingPathComponent(name)
        let result = try PythonTools.runTool("openssl", arguments: ["genpkey"] + arguments + ["-out", file.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        return file
    }

    private func rsaKey(bits: Int = 2048) throws -> URL {
        try makeKey(["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:\(bits)"], name: "rsa\(bits).pem")
    }

    private func ed25519Key() throws -> URL { try makeKey(["-algorithm", "ed25519"], name: "ed25519.pem") }

    private static let clock: @Sendable () -> Date = { Date(timeIntervalSince1970: 1_739_455_400) }

    private func signer(_ keyFile: URL) throws -> DKIMSigner {
        let key = try SigningKey(pem: String(contentsOf: keyFile, encoding: .utf8), source: keyFile.lastPathComponent)
        return try DKIMSigner(key: key, domain: "example.org", selector: "gazette2025", clock: Self.clock)
    }

    /// A message with a non-ASCII subject and long folded headers.
    private func message(recipient: Int = 0, subject: String? = nil) throws -> [UInt8] {
        let recipients = try (0..<6).map { index in
            try Mailbox("reader\(recipient)-\(index)@example.net", displayName: index == 0 ? "Zoë Ünal" : "Reader \(index)")
        }
        return try MessageTests.sampleWriter(subject: subject ?? "Ausgabe 12: Grüße aus Köln — ein sehr langer Betreff, "
            + "der über mehrere Zeilen gefaltet werden muss, damit nichts über 78 Spalten hinausgeht")
            .render(
                to: recipients, messageID: MessageID(seed: "12/\(recipient)", domain: "example.org"),
                listUnsubscribe: ListUnsubscribe(
                    url: "https://example.org/unsubscribe?list=weekly&token=" + String(repeating: "Ab9", count: 20),
                    mailto: "mailto:leave@example.org"),
                text: MessageTests.text, html: MessageTests.html)
    }

    private struct Verification: Decodable {
        var ok: Bool
        var defects: [String]
        var queried: [String]
        var log: String
    }

    /// Verifies each message with dkimpy; the public key comes from the PEM via the `cryptography` package.
    private func verify(_ messages: [[UInt8]], keyFile: URL) throws -> [Verification] {
        // dkimpy verifies Ed25519 with PyNaCl.
        try PythonTools.require(["dkim", "cryptography", "nacl"])
        let script = #"""
        import sys, json, base64, io, logging, dkim, email.policy
        from email.parser import BytesParser
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ed25519
        key = serialization.load_pem_private_key(open(sys.argv[1], "rb").read(), None)
        if isinstance(key, ed25519.Ed25519PrivateKey):
            raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
            record = b"v=DKIM1; k=ed25519; p=" + base64.b64encode(raw)
        else:
            der = key.public_key().public_bytes(serialization.Encoding.DER,
                                                serialization.PublicFormat.SubjectPublicKeyInfo)
            record = b"v=DKIM1; k=rsa; p=" + base64.b64encode(der)
        results = []
        for encoded in json.load(sys.stdin):
            queried, stream = [], io.StringIO()
            parsed = BytesParser(policy=email.policy.default).parsebytes(base64.b64decode(encoded))
            defects = [repr(d) for part in parsed.walk() for d in part.defects]
            defects += [repr(d) for part in parsed.walk() for _, v in part.items() for d in getattr(v, "defects", ())]
            logger = logging.getLogger("dkim-test-%d" % len(results))
            logger.addHandler(logging.StreamHandler(stream)); logger.setLevel(logging.DEBUG)
            def dnsfunc(name, timeout=5):
                queried.append(name.decode() if isinstance(name, bytes) else name)
                return record
            try:
                ok = dkim.verify(base64.b64decode(encoded), logger=logger, dnsfunc=dnsfunc)
            except Exception as error:
                ok = False; stream.write("exception: %r" % error)
            results.append({"ok": bool(ok), "queried": queried, "log": stream.getvalue(), "defects": defects})
        print(json.dumps(results))
        """#
        let input = try JSONEncoder().encode(messages.map { Data($0).base64EncodedString() })
        let output = try PythonTools.output(script, arguments: [keyFile.path], stdin: input, timeout: 120)
        let results = try JSONDecoder().decode([Verification].self, from: output)
        // Every signed message is also read by Python's email package and must have no defects.
        for result in results { XCTAssertEqual(result.defects, [], "defects in a signed message") }
        return results
    }

    private func assertSignsAndVerifies(keyFile: URL, algorithm: String) throws {
        let signer = try signer(keyFile)
        let signed = try signer.sign(message())
        let text = String(decoding: signed, as: UTF8.self)
        let field = String(text[..<(text.range(of: "\r\nFrom:")?.lowerBound ?? text.startIndex)])
        XCTAssertTrue(field.hasPrefix("DKIM-Signature: v=1; a=\(algorithm); c=relaxed/relaxed; d=example.org;"), field)
        XCTAssertTrue(field.contains("t=1739455400;"))
        let unfolded = field.replacingOccurrences(of: "\r\n ", with: "")
        XCTAssertTrue(unfolded.contains("h=from:to:subject:date:message-id:mime-version:content-type:"
            + "list-unsubscribe:list-unsubscribe-post:from;"), unfolded)
        for line in field.components(separatedBy: "\r\n") { XCTAssertLessThanOrEqual(line.utf8.count, 78, line) }

        let results = try verify([signed], keyFile: keyFile)
        XCTAssertEqual(results.first?.ok, true, results.first?.log ?? "no result")
        XCTAssertEqual(results.first?.queried, ["gazette2025._domainkey.example.org."])
        _ = try PythonEmail.parse(signed)
        XCTAssertEqual(try signer.key.dnsRecord(), try pythonRecord(keyFile))
    }

    func testRSASignatureVerifiesWithDkimpy() throws {
        try assertSignsAndVerifies(keyFile: rsaKey(), algorithm: "rsa-sha256")
    }

    func testEd25519SignatureVerifiesWithDkimpy() throws {
        try assertSignsAndVerifies(keyFile: ed25519Key(), algorithm: "ed25519-sha256")
    }

    func testTraditionalRSAPEMLoads() throws {
        let pkcs8 = try rsaKey()
        let traditional = directory.appendingPathComponent("traditional.pem")
        let result = try PythonTools.runTool(
            "openssl", arguments: ["rsa", "-traditional", "-in", pkcs8.path, "-out", traditional.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(try String(contentsOf: traditional, encoding: .utf8).contains("BEGIN RSA PRIVATE KEY"))
        let signed = try signer(traditional).sign(message())
        XCTAssertEqual(try verify([signed], keyFile: pkcs8).first?.ok, true)
        // The same PEM with its line breaks escaped, as CI secrets sometimes hold it.
        let escaped = try String(contentsOf: traditional, encoding: .utf8).replacingOccurrences(of: "\n", with: "\\n")
        XCTAssertEqual(try SigningKey(pem: escaped, source: "GAZETTE_DKIM_KEY").bits, 2048)
    }

    func testTamperingMakesVerificationFail() throws {
        for keyFile in [try rsaKey(), try ed25519Key()] {
            let signed = try signer(keyFile).sign(message())
            let text = String(decoding: signed, as: UTF8.self)
            let tampered = [
                text.replacingOccurrences(of: "Hello Ada", with: "Hello Eve"),  // body
                text.replacingOccurrences(of: "Message-ID: <", with: "Message-ID: <x"),  // a signed header
                text.replacingOccurrences(of: "\r\nFrom:", with: "\r\nFrom: eve@evil.example\r\nFrom:"),  // oversigned
                text.replacingOccurrences(of: "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n", with: ""),
            ]
            for variant in tampered { XCTAssertNotEqual(variant, text, "the tampering must change something") }
            // Unsigned headers and whitespace that relaxed canonicalization ignores do not matter.
            var harmless = text
            if let headerEnd = text.range(of: "\r\n\r\n") {
                harmless.replaceSubrange(headerEnd, with: "\r\nX-Added:   later\r\n\r\n")
            }
            let results = try verify((tampered + [harmless, text]).map { Array($0.utf8) }, keyFile: keyFile)
            XCTAssertEqual(results.map(\.ok), [false, false, false, false, true, true], keyFile.lastPathComponent)
        }
    }

    func testHandWrittenMessagesWithAwkwardWhitespaceVerify() throws {
        let keyFile = try ed25519Key()
        let signer = try signer(keyFile)
        let head = "From:  Ada \t <ada@example.org>\r\nTo: b@example.org\r\nSubject:\tfolded\r\n  \t subject  \r\n"
            + "Date: Thu, 13 Feb 2025 14:03:09 +0000\r\n"
        let bodies = [
            "", "\r\n", "no final line break", "trailing spaces   \r\n\ttab  and  runs\t\r\n\r\n\r\n",
            " leading space\r\n\r\nmiddle empty line\r\n", "only\r\n\r\n\r\n\r\n", "a \r\n \r\n",
        ]
        let signed = try bodies.map { try signer.sign(Array((head + "\r\n" + $0).utf8)) }
        let results = try verify(signed, keyFile: keyFile)
        XCTAssertEqual(results.map(\.ok), Array(repeating: true, count: bodies.count), results.map(\.log).joined())
        XCTAssertThrowsError(try signer.sign(Array("Subject: no from\r\n\r\nbody".utf8)))
        XCTAssertThrowsError(try signer.sign(Array("From: a@example.org\nbare LF\n\nbody".utf8)))
    }

    func testShortRSAKeyIsRejected() throws {
        let pem = try String(contentsOf: rsaKey(bits: 1024), encoding: .utf8)
        XCTAssertThrowsError(try SigningKey(pem: pem, source: "GAZETTE_DKIM_KEY")) { error in
            XCTAssertEqual((error as? MailError)?.reason, .keyTooShort(bits: 1024))
            XCTAssertTrue("\(error)".contains("at least 2048"), "\(error)")
        }
    }

    func testBrokenPEMReportsOpenSSLErrors() throws {
        // Armour around "not a key" in base64; built in pieces so secret scanners don't take it for a key.
        let label = "PRIVATE" + " KEY"
        let garbage = "-----BEGIN \(label)-----\nbm90IGEga2V5\n-----END \(label)-----\n"
        XCTAssertThrowsError(try SigningKey(pem: garbage, source: "GAZETTE_DKIM_KEY")) { error in
            guard let error = error as? OpenSSLError else { return XCTFail("expected OpenSSLError, got \(error)") }
            XCTAssertEqual(error.operation, "load DKIM key from GAZETTE_DKIM_KEY")
            XCTAssertFalse(error.entries.isEmpty)
            XCTAssertTrue("\(error)".hasPrefix("load DKIM key from GAZETTE_DKIM_KEY failed: "), "\(error)")
        }
        // An encrypted key fails rather than prompting for a password on the terminal.
        let plain = try ed25519Key()
        let encrypted = directory.appendingPathComponent("encrypted.pem")
        let result = try PythonTools.runTool("openssl", arguments: [
            "pkey", "-in", plain.path, "-aes256", "-passout", "pass:secret", "-out", encrypted.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertThrowsError(try SigningKey(pem: String(contentsOf: encrypted, encoding: .utf8), source: "test"))
        // An EC key is a valid key of the wrong kind.
        let ec = try makeKey(["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"], name: "ec.pem")
        XCTAssertThrowsError(try SigningKey(pem: String(contentsOf: ec, encoding: .utf8), source: "test")) { error in
            guard case .unsupportedKeyType = (error as? MailError)?.reason else { return XCTFail("\(error)") }
        }
    }

    func testSigningFromManyThreads() throws {
        for keyFile in [try ed25519Key(), try rsaKey()] {
            let signer = try signer(keyFile)
            let messages = try (0..<24).map { try message(recipient: $0) }
            let results = SignedMessages(count: messages.count)
            DispatchQueue.concurrentPerform(iterations: messages.count) { index in
                results.set(index, Result { try signer.sign(messages[index]) })
            }
            let signed = try results.all.map { try $0.get() }
            XCTAssertEqual(try verify(signed, keyFile: keyFile).filter(\.ok).count, messages.count)
        }
    }

    func testHMACAgreesWithPython() throws {
        try PythonTools.require(["hmac"])
        let token = try MessageAuthentication.token(key: "s3cret-ünïcode", message: "ada@example.org\nweekly")
        let script = """
        import hmac, hashlib, base64
        mac = hmac.new("s3cret-ünïcode".encode(), b"ada@example.org\\nweekly", hashlib.sha256).digest()
        print(base64.urlsafe_b64encode(mac).rstrip(b"=").decode())
        """
        let expected = String(decoding: try PythonTools.output(script), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(token, expected)
        XCTAssertEqual(token.count, 43)
        let mac = try MessageAuthentication.hmacSHA256(key: [], message: [])
        XCTAssertEqual(Base64.encode(mac), "thNnmggU2ex3L5XXeMNfxf8Wl8STcVZTxscSFEKSxa0=", "RFC 4231-style empty key and message")
        XCTAssertTrue(MessageAuthentication.constantTimeEquals(mac, mac))
        XCTAssertFalse(MessageAuthentication.constantTimeEquals(mac, Array(mac.dropLast()) + [0]))
    }

    private func pythonRecord(_ keyFile: URL) throws -> String {
        try PythonTools.require(["cryptography"])
        let script = """
        import sys, base64
        from cryptography.hazmat.primitives import serialization as s
        from cryptography.hazmat.primitives.asymmetric import ed25519
        k = s.load_pem_private_key(open(sys.argv[1], "rb").read(), None)
        if isinstance(k, ed25519.Ed25519PrivateKey):
            print("v=DKIM1; k=ed25519; p=" + base64.b64encode(k.public_key().public_bytes(s.Encoding.Raw, s.PublicFormat.Raw)).decode())
        else:
            print("v=DKIM1; k=rsa; p=" + base64.b64encode(k.public_key().public_bytes(s.Encoding.DER, s.PublicFormat.SubjectPublicKeyInfo)).decode())
        """
        return String(decoding: try PythonTools.output(script, arguments: [keyFile.path]), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Results written from several threads.
private final class SignedMessages: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Result<[UInt8], any Error>?]
    init(count: Int) { storage = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: Result<[UInt8], any Error>) { lock.withLock { storage[index] = value } }
    var all: [Result<[UInt8], any Error>] { lock.withLock { storage.compactMap { $0 } } }
}

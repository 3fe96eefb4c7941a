// Reads a certificate summary out of an OpenSSL X509: names, alternative names, expiry.
// Copies everything out; nothing of the X509 outlives the call.
internal import COpenSSL
import Foundation

extension CertificateSummary {
    /// Copies the summary out of `certificate` (borrowed, not freed here).
    init(certificate: OpaquePointer) {
        let subject = Self.name(X509_get_subject_name(certificate))
        let issuer = Self.name(X509_get_issuer_name(certificate))
        var notAfter: Date?
        if let time = X509_get0_notAfter(certificate) {
            var parts = tm()
            if ASN1_TIME_to_tm(time, &parts) == 1 {
                notAfter = Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
            }
        }
        self.init(subject: subject, issuer: issuer, alternativeNames: Self.alternativeNames(certificate), notAfter: notAfter)
    }

    /// "CN=localhost, O=Example" from an X509_NAME, entries in the certificate's order.
    private static func name(_ name: OpaquePointer?) -> String {
        guard let name else { return "" }
        var parts: [String] = []
        let count = min(X509_NAME_entry_count(name), 64)
        for index in 0..<max(count, 0) {
            guard let entry = X509_NAME_get_entry(name, index) else { continue }
            let nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(entry))
            let key = OBJ_nid2sn(nid).map { String(cString: $0) } ?? "?"
            parts.append("\(key)=\(text(X509_NAME_ENTRY_get_data(entry)))")
        }
        return parts.joined(separator: ", ")
    }

    private static func alternativeNames(_ certificate: OpaquePointer) -> [String] {
        guard let raw = X509_get_ext_d2i(certificate, NID_subject_alt_name, nil, nil) else { return [] }
        let names = OpaquePointer(raw)
        defer { GENERAL_NAMES_free(names) }
        var result: [String] = []
        let count = min(OPENSSL_sk_num(names), 256)
        for index in 0..<max(count, 0) {
            guard let value = OPENSSL_sk_value(names, index) else { continue }
            let general = value.assumingMemoryBound(to: GENERAL_NAME.self).pointee
            switch general.type {
            case GEN_DNS:
                result.append("DNS:" + text(general.d.dNSName))
            case GEN_IPADD:
                guard let octets = general.d.iPAddress, let data = ASN1_STRING_get0_data(octets) else { continue }
                let bytes = Array(UnsafeBufferPointer(start: data, count: Int(ASN1_STRING_length(octets))))
                result.append("IP:" + ipText(bytes))
            default:
                continue
            }
        }
        return result
    }

    private static func text(_ string: UnsafeMutablePointer<ASN1_STRING>?) -> String {
        guard let string, let data = ASN1_STRING_get0_data(string) else { return "" }
        let length = Int(ASN1_STRING_length(string))
        return String(decoding: UnsafeBufferPointer(start: data, count: max(length, 0)), as: UTF8.self)
    }

    private static func ipText(_ bytes: [UInt8]) -> String {
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        guard bytes.count == 16 else { return bytes.map { String($0, radix: 16) }.joined(separator: ":") }
        return stride(from: 0, to: 16, by: 2).map { String(Int(bytes[$0]) << 8 | Int(bytes[$0 + 1]), radix: 16) }
            .joined(separator: ":")
    }
}

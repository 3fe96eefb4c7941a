// What a TLS connection negotiated and whom it reached, for `gazette smtp test` and the transcript.
import Foundation

/// The negotiated TLS parameters of a connection.
public struct TLSSessionInfo: Sendable, Equatable, CustomStringConvertible {
    /// "TLSv1.3", "TLSv1.2".
    public let protocolVersion: String
    /// OpenSSL's cipher suite name ("TLS_AES_256_GCM_SHA384").
    public let cipher: String
    /// The server's certificate, when it sent one.
    public let peerCertificate: CertificateSummary?

    public var description: String {
        var text = "\(protocolVersion) with \(cipher)"
        if let peerCertificate { text += "; \(peerCertificate)" }
        return text
    }
}

/// The parts of a certificate a person checks.
public struct CertificateSummary: Sendable, Equatable, CustomStringConvertible {
    /// The subject's distinguished name ("CN=mail.example.org, O=Example").
    public let subject: String
    /// The issuer's distinguished name.
    public let issuer: String
    /// The subject alternative names (DNS names and IP addresses).
    public let alternativeNames: [String]
    /// The end of the validity period.
    public let notAfter: Date?

    public var description: String {
        var text = "certificate \(subject), issued by \(issuer)"
        if let notAfter { text += ", valid until \(ISO8601DateFormatter().string(from: notAfter))" }
        return text
    }
}

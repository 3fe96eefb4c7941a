// The client's OpenSSL SSL_CTX: TLS 1.2 or newer, peer verification on, trusting the system store or
// one CA file. Built once per relay and shared by its connections (read-only after setup).
internal import COpenSSL
import Mail

/// Owns one `SSL_CTX`; frees it in deinit.
final class TLSContext: @unchecked Sendable {
    // @unchecked: the SSL_CTX is configured in init and only read afterwards, which OpenSSL allows
    // from several threads at once (each connection has its own SSL).
    let pointer: OpaquePointer

    /// A client context verifying servers against `caFile` (PEM), or the system's trust store when nil.
    /// `verifyingPeer` false is for opportunistic STARTTLS on port 25 only (RFC 7435: encryption
    /// without authentication beats plain text; an MX's certificate rarely names what the MX record says).
    init(caFile: String?, verifyingPeer: Bool = true) throws {
        ERR_clear_error()
        guard let context = SSL_CTX_new(TLS_client_method()) else {
            throw SMTPError(.tls(OpenSSLError.drain("create a TLS context")))
        }
        pointer = context
        guard gazette_SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION) == 1 else {
            throw SMTPError(.tls(OpenSSLError.drain("require TLS 1.2 or newer")))
        }
        // RFC 8314 / RFC 7817: a submission client verifies the server; there is no switch to turn it off.
        SSL_CTX_set_verify(context, verifyingPeer ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, nil)
        if let caFile {
            guard SSL_CTX_load_verify_locations(context, caFile, nil) == 1 else {
                throw SMTPError(.invalidConfiguration(
                    "cannot load the CA file \(caFile): \(OpenSSLError.drain("load CA certificates"))"))
            }
        } else if SSL_CTX_set_default_verify_paths(context) != 1 {
            throw SMTPError(.tls(OpenSSLError.drain("load the system's trusted certificates")))
        }
    }

    deinit { SSL_CTX_free(pointer) }
}

extension TLSContext {
    /// The context a configuration needs: none without TLS, an unverifying one for opportunistic TLS.
    static func forSecurity(_ configuration: RelayConfiguration) throws -> TLSContext? {
        switch configuration.security {
        case .none: return nil
        case .opportunistic: return try TLSContext(caFile: configuration.caFile, verifyingPeer: false)
        case .startTLS, .implicitTLS: return try TLSContext(caFile: configuration.caFile)
        }
    }
}

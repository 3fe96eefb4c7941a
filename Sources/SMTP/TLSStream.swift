// TLS over a connected socket through OpenSSL, for STARTTLS (RFC 3207) and implicit TLS (RFC 8314).
// The SSL object talks to two memory BIOs and this class moves their bytes to and from the socket,
// so every wait is the socket's bounded poll and no write can raise SIGPIPE.
internal import COpenSSL
import Mail

/// Owns one `SSL` (and through it its two memory BIOs); frees it in deinit.
final class TLSStream: ByteStream {
    private let ssl: OpaquePointer
    private let inbound: OpaquePointer
    private let outbound: OpaquePointer
    private let socket: Socket
    /// Keeps the SSL_CTX alive as long as the SSL made from it.
    private let context: TLSContext
    private var inboundBuffer = [UInt8](repeating: 0, count: 17 * 1024)
    private var outboundBuffer = [UInt8](repeating: 0, count: 17 * 1024)

    /// Takes ownership of `ssl`, which already holds `inbound` and `outbound` (SSL_set_bio).
    private init(takingOwnershipOf ssl: OpaquePointer, inbound: OpaquePointer, outbound: OpaquePointer,
                 socket: Socket, context: TLSContext) {
        self.ssl = ssl
        self.inbound = inbound
        self.outbound = outbound
        self.socket = socket
        self.context = context
    }

    deinit { SSL_free(ssl) }

    /// Runs the client handshake over `socket`, verifying the certificate against `serverName`
    /// (a host name, or an IP address checked against the certificate's IP addresses).
    static func handshake(over socket: Socket, context: TLSContext, serverName: String, timeout: Double) throws -> TLSStream {
        ERR_clear_error()
        guard let ssl = SSL_new(context.pointer) else {
            throw TransportFailure.tls(OpenSSLError.drain("create a TLS connection"))
        }
        guard let inbound = BIO_new(BIO_s_mem()) else {
            SSL_free(ssl)
            throw TransportFailure.tls(OpenSSLError.drain("create a memory BIO"))
        }
        guard let outbound = BIO_new(BIO_s_mem()) else {
            BIO_free(inbound)
            SSL_free(ssl)
            throw TransportFailure.tls(OpenSSLError.drain("create a memory BIO"))
        }
        // An empty memory BIO must read as "try again", not as end of file.
        _ = gazette_BIO_set_mem_eof_return(inbound, -1)
        _ = gazette_BIO_set_mem_eof_return(outbound, -1)
        SSL_set_bio(ssl, inbound, outbound)
        let stream = TLSStream(takingOwnershipOf: ssl, inbound: inbound, outbound: outbound, socket: socket, context: context)
        SSL_set_connect_state(ssl)
        // SSL_set1_host treats an IP address as one (OpenSSL 3); RFC 6066 §3 forbids an address as SNI.
        guard SSL_set1_host(ssl, serverName) == 1 else {
            throw TransportFailure.tls(OpenSSLError.drain("set the expected host name \(serverName)"))
        }
        if !isIPAddress(serverName), gazette_SSL_set_tlsext_host_name(ssl, serverName) != 1 {
            throw TransportFailure.tls(OpenSSLError.drain("set the TLS server name \(serverName)"))
        }
        try stream.runHandshake(deadline: Deadline(seconds: timeout))
        return stream
    }

    private func runHandshake(deadline: Deadline) throws {
        _ = try drive(deadline: deadline, idleTimeout: deadline.seconds) { SSL_do_handshake(ssl) }
        try flush(idleTimeout: deadline.seconds)
    }

    func read(into buffer: UnsafeMutableRawBufferPointer, deadline: Deadline) throws -> Int {
        let wanted = Int32(clamping: buffer.count)
        return Int(try drive(deadline: deadline, idleTimeout: deadline.seconds) { SSL_read(ssl, buffer.baseAddress, wanted) })
    }

    func write(_ bytes: UnsafeRawBufferPointer, idleTimeout: Double) throws {
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        // Each pass writes at least one byte or throws, so this ends.
        while offset < bytes.count {
            // 64 KiB at a time keeps the outbound memory BIO small for large messages.
            let chunk = Int32(min(bytes.count - offset, 64 * 1024))
            offset += Int(try drive(deadline: Deadline(seconds: idleTimeout), idleTimeout: idleTimeout) {
                SSL_write(ssl, base + offset, chunk)
            })
            try flush(idleTimeout: idleTimeout)
        }
    }

    /// Calls `operation` (SSL_do_handshake, SSL_read, SSL_write) until it succeeds, moving bytes between
    /// the memory BIOs and the socket whenever OpenSSL wants them; returns its positive result.
    private func drive(deadline: Deadline, idleTimeout: Double, _ operation: () -> Int32) throws -> Int32 {
        // Every pass that does not return waits on the socket, bounded by the deadline.
        for _ in 0..<100_000 {
            ERR_clear_error()
            let result = operation()
            if result > 0 { return result }
            switch SSL_get_error(ssl, result) {
            case SSL_ERROR_WANT_READ:
                try flush(idleTimeout: idleTimeout)
                try fill(deadline: deadline)
            case SSL_ERROR_WANT_WRITE:
                try flush(idleTimeout: idleTimeout)
            case SSL_ERROR_ZERO_RETURN:
                throw TransportFailure.closed
            default:
                throw failure()
            }
        }
        throw TransportFailure.timedOut(seconds: deadline.seconds)
    }

    /// The error for a failed TLS operation: the certificate's verification result when that is why.
    private func failure() -> TransportFailure {
        let verification = SSL_get_verify_result(ssl)
        let error = OpenSSLError.drain("TLS")
        try? flush(idleTimeout: 1)  // the alert telling the server why
        ERR_clear_error()
        guard verification == X509_V_OK else {
            var text = String(cString: X509_verify_cert_error_string(verification))
            if verification == X509_V_ERR_HOSTNAME_MISMATCH || verification == X509_V_ERR_IP_ADDRESS_MISMATCH {
                text += " (the certificate is not for the name we connected to)"
            }
            return .certificate(text)
        }
        return .tls(error)
    }

    func shutdown() {
        ERR_clear_error()
        _ = SSL_shutdown(ssl)  // queues close_notify; the server's answer is not awaited
        try? flush(idleTimeout: 1)
        ERR_clear_error()
        socket.shutdown()
    }

    /// Sends whatever OpenSSL queued in the outbound BIO.
    private func flush(idleTimeout: Double) throws {
        for _ in 0..<1_000_000 {
            let pending = BIO_ctrl_pending(outbound)
            if pending == 0 { return }
            let count = outboundBuffer.withUnsafeMutableBytes { buffer in
                BIO_read(outbound, buffer.baseAddress, Int32(min(Int(pending), buffer.count)))
            }
            guard count > 0 else { return }
            try outboundBuffer.withUnsafeBytes { buffer in
                try socket.write(UnsafeRawBufferPointer(rebasing: buffer[0..<Int(count)]), idleTimeout: idleTimeout)
            }
        }
    }

    /// Reads from the socket into the inbound BIO (waiting at most until `deadline`).
    private func fill(deadline: Deadline) throws {
        let count = try inboundBuffer.withUnsafeMutableBytes { buffer in
            try socket.read(into: buffer, deadline: deadline)
        }
        let written = inboundBuffer.withUnsafeBytes { buffer in BIO_write(inbound, buffer.baseAddress, Int32(count)) }
        guard written == Int32(count) else {
            throw TransportFailure.tls(OpenSSLError.drain("buffer received TLS data"))
        }
    }

    /// The negotiated version, cipher and the server's certificate.
    var sessionInfo: TLSSessionInfo {
        let version = SSL_get_version(ssl).map { String(cString: $0) } ?? "unknown"
        let cipher = SSL_get_current_cipher(ssl).flatMap { SSL_CIPHER_get_name($0) }.map { String(cString: $0) } ?? "unknown"
        var certificate: CertificateSummary?
        if let peer = SSL_get1_peer_certificate(ssl) {
            defer { X509_free(peer) }
            certificate = CertificateSummary(certificate: peer)
        }
        ERR_clear_error()
        return TLSSessionInfo(protocolVersion: version, cipher: cipher, peerCertificate: certificate)
    }

    static func isIPAddress(_ name: String) -> Bool {
        name.contains(":") || (!name.isEmpty && name.allSatisfy { $0 == "." || $0.isASCII && $0.isNumber })
    }
}

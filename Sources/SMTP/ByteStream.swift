// What a connection reads from and writes to: the plain socket, or TLS over it after STARTTLS.
// Failures are TransportFailure values; Connection adds the peer and the stage.
import Mail

/// A bidirectional byte stream whose every wait is bounded.
protocol ByteStream: AnyObject {
    /// Reads at least one byte into `buffer`, waiting until `deadline`.
    func read(into buffer: UnsafeMutableRawBufferPointer, deadline: Deadline) throws -> Int
    /// Writes all of `bytes`; each wait for the socket to take more may last `idleTimeout` seconds.
    func write(_ bytes: UnsafeRawBufferPointer, idleTimeout: Double) throws
    /// Ends the stream politely where possible (TLS close_notify); never waits long, never throws.
    func shutdown()
}

/// A failure below the SMTP dialogue.
enum TransportFailure: Error {
    case timedOut(seconds: Double)
    case closed
    case system(Int32)
    case tls(OpenSSLError)
    case certificate(String)
}

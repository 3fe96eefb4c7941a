// A throwaway PKI for TLS tests, made with the openssl command line: a CA, a server certificate for
// localhost / 127.0.0.1 / ::1 signed by it, and a second CA that signed nothing (the untrusted one).
import Foundation

/// Paths of the PEM files of a test CA and server.
public struct TestCertificates: Sendable {
    /// The CA that signed the server certificate: trust it to connect.
    public let caFile: String
    /// The server's certificate (subject alternative names localhost, 127.0.0.1, ::1).
    public let serverCertificate: String
    /// The server's private key.
    public let serverKey: String
    /// Another CA: trusting only it must make verification fail.
    public let untrustedCAFile: String

    /// Makes the files in `directory` (about 0.1 s). Needs `openssl` (skips locally, fails in CI without it).
    public static func make(in directory: URL) throws -> TestCertificates {
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        func openssl(_ arguments: [String]) throws {
            let result = try PythonTools.runTool("openssl", arguments: arguments, timeout: 60)
            guard result.status == 0 else {
                throw PythonTools.Failure(description: "openssl \(arguments.first ?? "") failed: \(result.stderr)")
            }
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        for (name, subject) in [("ca", "/CN=Gazette Test CA"), ("untrusted-ca", "/CN=Gazette Untrusted CA")] {
            try openssl(["req", "-x509"] + curve + [
                "-keyout", path("\(name).key"), "-out", path("\(name).pem"), "-days", "2", "-subj", subject,
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ])
        }
        try openssl(["req"] + curve + ["-keyout", path("server.key"), "-out", path("server.csr"), "-subj", "/CN=localhost"])
        let extensions = """
            subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1
            basicConstraints=CA:FALSE
            keyUsage=critical,digitalSignature
            extendedKeyUsage=serverAuth

            """
        try extensions.write(toFile: path("server.ext"), atomically: true, encoding: .utf8)
        try openssl([
            "x509", "-req", "-in", path("server.csr"), "-CA", path("ca.pem"), "-CAkey", path("ca.key"),
            "-set_serial", "2", "-out", path("server.pem"), "-days", "2", "-extfile", path("server.ext"),
        ])
        return TestCertificates(
            caFile: path("ca.pem"), serverCertificate: path("server.pem"), serverKey: path("server.key"),
            untrustedCAFile: path("untrusted-ca.pem"))
    }
}

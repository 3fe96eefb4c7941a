// `gazette smtp test`: checks a relay like a "test connection" button. Connects, shows TLS and the certificate,
// the EHLO extensions, authenticates, and optionally sends one message; the transcript is kept, AUTH redacted.
import Foundation
import Mail
import SMTP

/// What a relay check found.
public struct RelayCheckReport: Sendable {
    public var relay: String
    public var peer: String
    public var tls: String?
    public var certificate: String?
    public var extensions: [String]
    public var authentication: String?
    public var testMessage: String?
    public var transcript: [String]
}

public enum RelayCheck {
    /// Runs the check; throws a diagnostic naming the stage that failed (DNS, refused, timeout, TLS, auth).
    public static func run(project: Project, via: String?, caFile: String?, to: String?,
                           environment: [String: String]) throws -> RelayCheckReport {
        let configuration = project.configuration
        // A name from delivery.transports brings its own password variable and CA file; the default is the
        // first relay of delivery.via's chain.
        let entry = via ?? configuration.delivery.chain.first { entry in
            let url = configuration.delivery.transports[entry]?.url ?? entry
            return url.hasPrefix("smtp://") || url.hasPrefix("smtps://")
        } ?? configuration.delivery.via
        let url = configuration.delivery.transports[entry]?.url ?? entry
        guard url.hasPrefix("smtp://") || url.hasPrefix("smtps://"),
              let transport = try Transports.make(via: entry, configuration: configuration, caFile: caFile,
                                                  environment: environment, projectRoot: project.root) as? RelayTransport
        else {
            throw DiagnosticError(.error("delivery", "\(entry) is not an SMTP relay",
                                         hint: "pass --via smtp://[user@]host[:port], smtps://… or the name of a relay in delivery.transports"))
        }
        let lines = TranscriptLines()
        let session = try Session(configuration: transport.configuration, password: transport.password,
                                  transcript: { lines.append($0.description) })
        defer { session.close() }
        do {
            try session.open()
        } catch {
            throw DiagnosticError(.error("relay", "\(error)", hint: hint(for: error)))
        }
        var report = RelayCheckReport(
            relay: transport.description, peer: session.peer, tls: session.tls.map { "\($0.protocolVersion), \($0.cipher)" },
            certificate: session.tls?.peerCertificate?.description,
            extensions: (session.capabilities?.keywords ?? [:]).map { ([$0.key] + $0.value).joined(separator: " ") }.sorted(),
            authentication: session.authenticationMechanism, testMessage: nil, transcript: [])
        if let to {
            let from = try Mailbox(configuration.sender.address, displayName: configuration.sender.name)
            let recipient = try Mailbox(to)
            let writer = try MIMEWriter(from: from, subject: "Gazette relay test for \(configuration.name)")
            let message = try writer.render(
                to: [recipient], messageID: MessageID(seed: "relay-test/\(Date().timeIntervalSince1970)/\(to)", domain: from.domain),
                text: "This is a test message from `gazette smtp test` through \(transport.description).\r\n", html: nil)
            let result = try session.send(Envelope(sender: from, recipients: [recipient]), message: message)
            report.testMessage = "\(result.disposition.rawValue): \(result.reply?.description ?? result.recipients.first?.reason ?? "")"
            if result.disposition != .accepted {
                report.transcript = lines.all
                throw DiagnosticError(.error("relay-test", "the test message was not accepted: \(report.testMessage ?? "")"))
            }
        }
        report.transcript = lines.all
        return report
    }

    static func hint(for error: Error) -> String {
        let text = "\(error)".lowercased()
        if text.contains("certificate") { return "the relay's certificate is not trusted: pass --ca-file with its CA, or fix the host name" }
        if text.contains("auth") { return "check the user in the URL and GAZETTE_SMTP_PASSWORD" }
        if text.contains("refused") { return "nothing listens on that port: check the host and port (587 STARTTLS, 465 TLS)" }
        if text.contains("resolve") || text.contains("name") { return "the host name does not resolve: check it" }
        return "check the relay URL; port 587 is STARTTLS (smtp://), 465 is TLS (smtps://)"
    }
}

/// Transcript lines gathered from the session's callback.
final class TranscriptLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.lock(); lines.append(line); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return lines }
}

// Checks of the project as a whole, independent of any issue: addresses in gazette.yml and secrets that
// must never be committed (they belong in environment variables).
import Foundation
import Mail

/// Findings about gazette.yml.
public struct ProjectChecker {
    public let configuration: Configuration

    public init(configuration: Configuration) { self.configuration = configuration }

    static let secretKeyWords = ["password", "secret", "token", "private_key", "api_key", "apikey", "passwd", "credential"]

    public func check() -> [Diagnostic] {
        var findings: [Diagnostic] = []
        for (key, value) in [("sender", configuration.sender.address), ("reply_to", configuration.replyTo ?? "")]
        where !value.isEmpty {
            if let problem = Self.addressProblem(value) {
                findings.append(.error("address", "`\(key)` is not a valid address: \(problem)", at: configuration.location(of: key),
                                       hint: "write a plain address like news@example.org"))
            }
        }
        for setting in configuration.scalarSettings {
            let lowerKey = setting.key.lowercased()
            // `password_env: RELAY_A_PASSWORD` names where the secret is, which is the point.
            let namesVariable = lowerKey.hasSuffix("_env") && TransportSettings.isVariableName(setting.value)
            let looksLikeKey = !namesVariable && Self.secretKeyWords.contains { lowerKey.split(separator: ".").last?.contains($0) == true }
            let looksLikePEM = setting.value.contains("-----BEGIN") && setting.value.contains("PRIVATE KEY")
            let looksLikeURLPassword = setting.value.range(of: #"^[a-z][a-z0-9+.-]*://[^/@\s:]+:[^/@\s]+@"#, options: .regularExpression) != nil
            if (looksLikeKey && !setting.value.isEmpty) || looksLikePEM || looksLikeURLPassword {
                findings.append(.warning("secret-in-config", "`\(setting.key)` looks like a secret, and gazette.yml is committed to git",
                                         at: setting.location,
                                         hint: "remove it and set GAZETTE_SMTP_PASSWORD, GAZETTE_DKIM_KEY or GAZETTE_UNSUBSCRIBE_SECRET in the environment (CI secrets) instead; rotate it if it was pushed"))
            }
        }
        findings += TrackingCheck.findings(configuration)
        return findings
    }

    /// nil when `address` is a valid RFC 5321 mailbox.
    static func addressProblem(_ address: String) -> String? {
        do {
            _ = try Mailbox(parsing: address)
            return nil
        } catch {
            return "\(error)"
        }
    }
}

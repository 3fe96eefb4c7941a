// `delivery.transports:` in gazette.yml: named deliveries that `delivery.via` chains (`via: [relay-a, relay-b,
// direct]`). Each names its URL and, for a relay, the environment variable with its password and its CA file.
// The secrets themselves stay in the environment.

/// One named delivery of `delivery.transports`.
public struct TransportSettings: Sendable, Equatable {
    /// The name `via` uses (`relay-a`).
    public var name: String
    /// `smtp://…`, `smtps://…`, `outbox:DIR` or `direct:`.
    public var url: String
    /// The environment variable that holds this relay's password; nil: GAZETTE_SMTP_PASSWORD.
    public var passwordVariable: String?
    /// A PEM file of CAs to trust for this relay (project-relative or absolute); nil: `delivery.ca_file`.
    public var caFile: String?
    /// Where it is defined, for diagnostics.
    public var location: SourceLocation

    static let knownKeys = ["url", "password_env", "ca_file"]
    static let schemes = ["smtp://", "smtps://", "outbox:", "direct:"]

    /// Reads `delivery.transports` (a mapping of names to a URL or to `{url, password_env, ca_file}`).
    static func read(_ reader: YAMLReader?) throws -> [String: TransportSettings] {
        guard let reader else { return [:] }
        var result: [String: TransportSettings] = [:]
        for name in reader.keys {
            let location = reader.location(ofKey: name)
            guard isName(name) else {
                throw DiagnosticError(.error("setting-invalid", "`delivery.transports.\(name)`: a transport name is letters, digits, `-`, `_` and `.`",
                                             at: location, hint: "name it like relay-a"))
            }
            var settings = TransportSettings(name: name, url: "", location: location)
            if let entry = try? reader.mapping(name) {
                for key in entry.keys where !knownKeys.contains(key) {
                    throw DiagnosticError(.error("setting-unknown", "unknown setting `delivery.transports.\(name).\(key)`",
                                                 at: entry.location(ofKey: key), hint: "a transport takes \(knownKeys.joined(separator: ", "))"))
                }
                settings.url = try entry.requiredString("url", hint: "add `url: smtp://user@relay.example.org:587` under `\(name)`")
                settings.passwordVariable = try entry.string("password_env")
                settings.caFile = try entry.string("ca_file")
                if let variable = settings.passwordVariable, !isVariableName(variable) {
                    throw DiagnosticError(.error("setting-invalid", "`delivery.transports.\(name).password_env` is \"\(variable)\", not the name of an environment variable",
                                                 at: entry.location(ofKey: "password_env"),
                                                 hint: "give the variable's name, like RELAY_A_PASSWORD, and set the password in that variable (a CI secret)"))
                }
            } else {
                settings.url = try reader.requiredString(name, hint: "write `\(name): smtp://user@relay.example.org:587` or `\(name): { url: … }`")
            }
            guard schemes.contains(where: settings.url.hasPrefix) || settings.url == "direct" else {
                throw DiagnosticError(.error("setting-invalid", "`delivery.transports.\(name)` has the URL \"\(settings.url)\"",
                                             at: location, hint: "use smtp://[user@]host[:port], smtps://…, outbox:DIR or direct:"))
            }
            result[name] = settings
        }
        return result
    }

    /// Checks `delivery.via`'s list: not empty, no name twice, every entry a defined name, a URL or `direct`.
    static func validateChain(_ chain: [String], transports: [String: TransportSettings], at location: SourceLocation) throws {
        guard !chain.isEmpty else {
            throw DiagnosticError(.error("setting-invalid", "`delivery.via` is an empty list", at: location,
                                         hint: "name at least one delivery, like `via: outbox:outbox` or `via: [relay-a, direct]`"))
        }
        var seen: Set<String> = []
        for entry in chain {
            guard seen.insert(entry).inserted else {
                throw DiagnosticError(.error("setting-invalid", "`delivery.via` names \(entry) twice", at: location,
                                             hint: "each delivery appears once in the chain; remove the second \(entry)"))
            }
            if transports[entry] != nil || entry.contains(":") || entry == "direct" { continue }
            let known = transports.keys.sorted()
            throw DiagnosticError(.error("setting-invalid", "`delivery.via` names \(entry), which is no transport", at: location,
                                         hint: known.isEmpty
                                             ? "define it under `delivery.transports:` (`\(entry): smtp://user@relay.example.org:587`) or write a URL"
                                             : "known transports: \(known.joined(separator: ", ")), direct; or write a URL"))
        }
    }

    static func isName(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || [0x2D, 0x5F, 0x2E].contains(byte)
        }
    }

    /// `RELAY_A_PASSWORD`: what a shell accepts as a variable name.
    static func isVariableName(_ text: String) -> Bool {
        guard let first = text.utf8.first, !(first >= 0x30 && first <= 0x39) else { return false }
        return text.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || byte == 0x5F
        }
    }
}

// Where and how to reach a relay: parsed from `smtp://[user@]host[:port][?tls=none…]` or
// `smtps://…`. The password is never part of it: the caller passes it to the Session or Relay.

/// Host, port, TLS mode, user and time limits of an SMTP relay.
public struct RelayConfiguration: Sendable, Equatable {
    /// How the connection is protected.
    public enum Security: String, Sendable {
        /// Plain TCP, then STARTTLS, which is required (RFC 3207; submission on port 587).
        case startTLS = "starttls"
        /// TLS from the first byte (RFC 8314 §3.3; port 465).
        case implicitTLS = "implicit"
        /// No TLS at all: only when asked for explicitly (`?tls=none`).
        case none
        /// STARTTLS when the server offers it, plain text when not; the certificate is not verified
        /// (RFC 7435 opportunistic security, what MTAs do on port 25). Direct delivery only.
        case opportunistic
    }

    /// The relay's host name or IP address.
    public var host: String
    /// The TCP port.
    public var port: Int
    /// TLS mode.
    public var security: Security
    /// The AUTH user, when the relay needs one.
    public var username: String?
    /// A PEM file of CA certificates to trust instead of the system store (a private relay).
    public var caFile: String?
    /// The name the certificate must carry, when it differs from `host` (a relay reached by address).
    public var serverName: String?
    /// Lets AUTH go over a connection without TLS (`?plaintext_auth=yes`); off by default.
    public var allowsPlaintextAuthentication: Bool
    /// Our name in EHLO; nil uses the host name when it is fully qualified, else our address literal.
    public var heloName: String?
    /// Time limits of each stage.
    public var timeouts: SMTPTimeouts
    /// The address to dial instead of resolving `host` (direct delivery resolves MX hosts itself);
    /// `host` still names the peer in messages and in TLS SNI.
    public var connectAddress: String?

    /// A relay by parts; the port defaults to 465 for implicit TLS, else 587.
    public init(host: String, port: Int? = nil, security: Security = .startTLS, username: String? = nil,
                caFile: String? = nil, timeouts: SMTPTimeouts = SMTPTimeouts()) {
        self.host = host
        self.port = port ?? (security == .implicitTLS ? 465 : 587)
        self.security = security
        self.username = username
        self.caFile = caFile
        self.serverName = nil
        self.allowsPlaintextAuthentication = false
        self.heloName = nil
        self.timeouts = timeouts
        self.connectAddress = nil
    }

    /// Parses `smtp://[user@]host[:port]` (STARTTLS required, port 587) or `smtps://…` (implicit TLS,
    /// port 465). Query options: `tls=none`, `ca_file=PATH`, `server_name=NAME`, `helo=NAME`,
    /// `plaintext_auth=yes`. A password in the URL is refused: secrets do not belong in settings.
    public init(url: String) throws {
        let shown = Self.redactingPassword(url)
        func invalid(_ problem: String) -> SMTPError { SMTPError(.invalidConfiguration("\(problem) in \"\(shown)\"")) }
        guard let schemeEnd = url.range(of: "://") else {
            throw invalid("expected smtp://host[:port] or smtps://host[:port]")
        }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "smtp" || scheme == "smtps" else {
            throw invalid("unknown scheme \"\(scheme)\" (expected smtp or smtps)")
        }
        var rest = url[schemeEnd.upperBound...]
        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        guard !rest.contains("/") else { throw invalid("a path is not allowed") }
        var username: String?
        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            guard !userInfo.contains(":") else {
                throw invalid("a password is not allowed (pass it from the environment, e.g. GAZETTE_SMTP_PASSWORD)")
            }
            guard let decoded = Self.percentDecoded(userInfo), !decoded.isEmpty else { throw invalid("a bad user name") }
            username = decoded
            rest = rest[rest.index(after: at)...]
        }
        let (host, port) = try Self.hostAndPort(rest, invalid: invalid)
        self.init(host: host, port: port, security: scheme == "smtps" ? .implicitTLS : .startTLS, username: username)
        try applyQuery(query, scheme: scheme, invalid: invalid)
    }

    private static func hostAndPort(_ text: Substring, invalid: (String) -> SMTPError) throws -> (String, Int?) {
        var host = text
        var portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw invalid("an IPv6 address without \"]\"") }
            host = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw invalid("unexpected text after the IPv6 address") }
                portText = after.dropFirst()
            }
        } else if let colon = text.lastIndex(of: ":") {
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard !host.isEmpty else { throw invalid("no host") }
        guard host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-.:_".contains($0)) }) else {
            throw invalid("a bad host name \"\(host)\"")
        }
        guard let portText else { return (String(host), nil) }
        guard let port = Int(portText), (1...65535).contains(port) else { throw invalid("a bad port \"\(portText)\"") }
        return (String(host), port)
    }

    private mutating func applyQuery(_ query: Substring, scheme: String, invalid: (String) -> SMTPError) throws {
        for pair in query.split(separator: "&") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = parts[0].lowercased()
            guard parts.count == 2, let value = Self.percentDecoded(parts[1]) else {
                throw invalid("option \"\(key)\" needs a value")
            }
            switch key {
            case "tls":
                switch (value.lowercased(), scheme) {
                case ("none", "smtp"): security = .none
                case ("starttls", "smtp"), ("implicit", "smtps"): break
                default: throw invalid("tls=\(value) does not go with \(scheme):// (use tls=none or tls=starttls with smtp://)")
                }
            case "ca_file": caFile = value
            case "server_name": serverName = value
            case "helo": heloName = value
            case "plaintext_auth":
                guard let flag = ["yes": true, "true": true, "no": false, "false": false][value.lowercased()] else {
                    throw invalid("plaintext_auth=\(value) is neither yes nor no")
                }
                allowsPlaintextAuthentication = flag
            default:
                throw invalid("unknown option \"\(key)\" (known: tls, ca_file, server_name, helo, plaintext_auth)")
            }
        }
    }

    /// The URL without secrets, for logs and messages.
    public var url: String {
        let scheme = security == .implicitTLS ? "smtps" : "smtp"
        let user = username.map { "\($0)@" } ?? ""
        let hostPart = host.contains(":") ? "[\(host)]" : host
        let options = [Security.none: "?tls=none", .opportunistic: "?tls=opportunistic"][security] ?? ""
        return "\(scheme)://\(user)\(hostPart):\(port)" + options
    }

    /// `url` with a password in its user info replaced, so no error message repeats it.
    static func redactingPassword(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let rest = url[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" }
        guard let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") else { return url }
        return String(url[..<colon]) + ":<redacted>" + String(url[at...])
    }

    static func percentDecoded(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next(), let low = iterator.next(),
                let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            else { return nil }
            bytes.append(value)
        }
        return String(validating: bytes, as: UTF8.self)
    }
}

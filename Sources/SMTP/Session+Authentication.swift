// AUTH PLAIN and AUTH LOGIN (RFC 4954, RFC 4616). Credentials go only over TLS unless the
// configuration allows plaintext; the transcript shows "<redacted>" in their place.
import Mail

extension Session {
    /// Authenticates with PLAIN when offered, else LOGIN.
    func authenticate() throws {
        guard let username = configuration.username else { return }
        guard connection?.tls != nil || configuration.allowsPlaintextAuthentication else {
            throw SMTPError(.plaintextAuthenticationRefused, peer: peer, stage: .sending("AUTH"))
        }
        guard let password else {
            throw SMTPError(.invalidConfiguration("no password was given for the user \(username)"), peer: peer)
        }
        let offered = capabilities?.authenticationMechanisms ?? []
        let timeout = configuration.timeouts.command
        if offered.contains("PLAIN") {
            // RFC 4616: authorization identity (empty), NUL, user, NUL, password.
            let credentials = Base64.encode(Array("\0\(username)\0\(password)".utf8))
            let reply = try command("AUTH PLAIN \(credentials)", logged: "AUTH PLAIN <redacted>", verb: "AUTH", timeout: timeout)
            try finish(reply, mechanism: "PLAIN")
        } else if offered.contains("LOGIN") {
            let start = try command("AUTH LOGIN", timeout: timeout)
            guard start.code == 334 else { throw SMTPError(.authenticationFailed(start), peer: peer, stage: .reply(to: "AUTH")) }
            let afterUser = try command(Base64.encode(Array(username.utf8)), logged: "<redacted>", verb: "AUTH", timeout: timeout)
            guard afterUser.code == 334 else {
                throw SMTPError(.authenticationFailed(afterUser), peer: peer, stage: .reply(to: "AUTH"))
            }
            let reply = try command(Base64.encode(Array(password.utf8)), logged: "<redacted>", verb: "AUTH", timeout: timeout)
            try finish(reply, mechanism: "LOGIN")
        } else {
            throw SMTPError(.authenticationUnavailable(offered: offered), peer: peer, stage: .sending("AUTH"))
        }
    }

    private func finish(_ reply: Reply, mechanism: String) throws {
        if reply.code == 334 {
            // The server wants more than we have: RFC 4954 §4 says cancel with "*".
            _ = try? command("*", verb: "AUTH", timeout: configuration.timeouts.command)
        }
        guard reply.isPositive else { throw SMTPError(.authenticationFailed(reply), peer: peer, stage: .reply(to: "AUTH")) }
        authenticationMechanism = mechanism
    }
}

// The client side of one SMTP connection: greeting, EHLO (HELO fallback), STARTTLS, AUTH, then
// transactions (Session+Transaction.swift) and QUIT. Used by one thread at a time; not Sendable.
import Foundation

/// One connection to a relay and the dialogue on it.
public final class Session {
    /// Where it connects and how.
    public let configuration: RelayConfiguration
    let password: String?
    let transcript: Transcript?
    private let tlsContext: TLSContext?
    var connection: Connection?
    /// The extensions of the last EHLO (after STARTTLS, the second one's).
    public private(set) var capabilities: ServerCapabilities?
    /// The AUTH mechanism used, when the session authenticated.
    public internal(set) var authenticationMechanism: String?
    /// An unfinished transaction needs RSET before the next MAIL FROM.
    var needsReset = false
    /// The command lines (MAIL FROM, the RCPTs) of a transaction written behind the last message's final dot
    /// (`send(_:message:preparingNext:)`), whose replies, DATA's last, are still unread.
    var announced: [String]?
    /// Transactions completed on the current connection.
    public internal(set) var completedTransactions = 0
    /// Writes to the socket on the current connection (a pipelined message needs two).
    var writeCount = 0
    /// Connections this session has opened so far (a reconnect counts again).
    public private(set) var connectionsOpened = 0

    /// A session to `configuration`'s relay; `password` is used for AUTH when the configuration names
    /// a user. Nothing is sent until `open()`; fails only when the CA file cannot be loaded.
    public convenience init(configuration: RelayConfiguration, password: String? = nil, transcript: Transcript? = nil) throws {
        let context = try TLSContext.forSecurity(configuration)
        self.init(configuration: configuration, password: password, transcript: transcript, tlsContext: context)
    }

    init(configuration: RelayConfiguration, password: String?, transcript: Transcript?, tlsContext: TLSContext?) {
        self.configuration = configuration
        self.password = password
        self.transcript = transcript
        self.tlsContext = tlsContext
    }

    deinit { connection?.close() }

    /// True while connected and usable.
    public var isOpen: Bool { connection != nil }
    /// The TLS parameters of the connection, nil without TLS.
    public var tls: TLSSessionInfo? { connection?.tls }
    /// "relay.example.org[127.0.0.1]:2525" once connected, else "host:port".
    public var peer: String { connection?.peer ?? "\(configuration.host):\(configuration.port)" }

    /// Connects, reads the greeting, says EHLO, starts TLS as configured and authenticates.
    /// On any failure the connection is closed and the error says what failed where.
    public func open() throws {
        close()
        let timeouts = configuration.timeouts
        let connection = try Connection.open(host: configuration.host, port: configuration.port, timeout: timeouts.connect,
                                             address: configuration.connectAddress)
        self.connection = connection
        connectionsOpened += 1
        writeCount = 0
        completedTransactions = 0
        needsReset = false
        note("connected to \(connection.peer)")
        do {
            if configuration.security == .implicitTLS { try startTLS(on: connection) }
            let greeting = try readReply(.greeting, timeout: timeouts.greeting)
            guard greeting.code == 220 else { throw SMTPError(.rejected(greeting), peer: connection.peer, stage: .greeting) }
            try hello()
            if configuration.security == .startTLS {
                guard capabilities?.startTLS == true else {
                    throw SMTPError(.startTLSUnavailable(nil), peer: connection.peer)
                }
                let reply = try command("STARTTLS", timeout: timeouts.command)
                guard reply.code == 220 else { throw SMTPError(.startTLSUnavailable(reply), peer: connection.peer) }
                try startTLS(on: connection)
                // RFC 3207 §4.2: forget what the server said before TLS and ask again.
                try hello()
            } else if configuration.security == .opportunistic, capabilities?.startTLS == true {
                // Refused STARTTLS (454) leaves the session in plain text, as RFC 3207 §4 allows.
                if try command("STARTTLS", timeout: timeouts.command).code == 220 {
                    try startTLS(on: connection)
                    try hello()
                }
            }
            if configuration.username != nil { try authenticate() }
        } catch {
            abandon()
            throw error
        }
    }

    private func startTLS(on connection: Connection) throws {
        guard let tlsContext else { throw SMTPError(.invalidConfiguration("TLS is off for this relay"), peer: peer) }
        let name = configuration.serverName ?? configuration.host
        try connection.startTLS(context: tlsContext, serverName: name, timeout: configuration.timeouts.command)
        if let tls = connection.tls { note("TLS: \(tls)") }
    }

    /// EHLO, or HELO when the server does not know EHLO (RFC 5321 §4.1.4 fallback).
    private func hello() throws {
        let name = configuration.heloName ?? Self.defaultHeloName(connection)
        let timeout = configuration.timeouts.command
        let reply = try command("EHLO \(name)", timeout: timeout)
        if reply.isPositive {
            capabilities = ServerCapabilities(ehloReply: reply)
            return
        }
        // 500/502: command not recognized; other codes (421, 554) are the server refusing us.
        guard reply.code == 500 || reply.code == 502 else {
            throw SMTPError(.rejected(reply), peer: peer, stage: .reply(to: "EHLO"))
        }
        let helo = try command("HELO \(name)", timeout: timeout)
        guard helo.isPositive else { throw SMTPError(.rejected(helo), peer: peer, stage: .reply(to: "HELO")) }
        capabilities = ServerCapabilities(heloReply: helo)
    }

    /// RFC 5321 §4.1.1.1: a fully qualified host name, else an address literal of our end.
    static func defaultHeloName(_ connection: Connection?) -> String {
        fullyQualifiedHostName ?? connection?.localAddressLiteral ?? "[127.0.0.1]"
    }

    /// This host's name when it is fully qualified: what EHLO says unless told otherwise (`gazette doctor`
    /// compares it with the reverse DNS of the sending address).
    public static var fullyQualifiedHostName: String? {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return nil }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard name.contains("."), !name.hasSuffix("."),
              name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }) else { return nil }
        return name
    }

    /// RSET: ends an unfinished transaction; throws when the connection is gone.
    public func reset() throws {
        retireAnnouncement()
        guard connection != nil else { throw SMTPError(.connectionClosed, peer: peer, stage: .sending("RSET")) }
        let reply = try command("RSET", timeout: configuration.timeouts.command)
        guard reply.isPositive else {
            abandon()
            throw SMTPError(.rejected(reply), peer: peer, stage: .reply(to: "RSET"))
        }
        needsReset = false
    }

    /// QUIT and close. Errors are ignored: the server may already be gone.
    public func close() {
        // A transaction announced and never sent may hold the server in DATA, where QUIT would be content.
        retireAnnouncement()
        guard let connection else { return }
        // RFC 5321 §4.1.1.10; a few seconds at most, the server may be gone already.
        let timeout = min(configuration.timeouts.command, 5)
        if let line = try? encode("QUIT"), (try? connection.write(line, stage: .sending("QUIT"), timeout: timeout)) != nil {
            log(.client, "QUIT")
            if let reply = try? connection.readReply(stage: .reply(to: "QUIT"), timeout: timeout) { logReply(reply) }
        }
        abandon()
    }

    /// Closes without QUIT (after a failure, or when the server said 421).
    func abandon() {
        connection?.close()
        if connection != nil { note("disconnected from \(peer)") }
        connection = nil
        capabilities = nil
        authenticationMechanism = nil
        announced = nil
    }

    // MARK: - Commands and replies

    /// Sends one command line and reads its reply.
    @discardableResult
    func command(_ line: String, logged: String? = nil, verb: String? = nil, timeout: Double) throws -> Reply {
        let verb = verb ?? String(line.prefix { $0 != " " && $0 != ":" })
        try write(encode(line), lines: [logged ?? line], stage: .sending(verb))
        return try readReply(.reply(to: verb), timeout: timeout)
    }

    /// Writes bytes, logging `lines` for the transcript. On failure the connection is abandoned.
    func write(_ bytes: [UInt8], lines: [String], stage: Stage, timeout: Double? = nil) throws {
        guard let connection else { throw SMTPError(.connectionClosed, peer: peer, stage: stage) }
        for line in lines { log(.client, line) }
        do {
            try connection.write(bytes, stage: stage, timeout: timeout ?? configuration.timeouts.command)
            writeCount += 1
        } catch {
            abandon()
            throw error
        }
    }

    /// Reads one reply. On failure the connection is abandoned.
    func readReply(_ stage: Stage, timeout: Double) throws -> Reply {
        guard let connection else { throw SMTPError(.connectionClosed, peer: peer, stage: stage) }
        do {
            let reply = try connection.readReply(stage: stage, timeout: timeout)
            logReply(reply)
            return reply
        } catch {
            abandon()
            throw error
        }
    }

    /// A command line as bytes with CRLF; refuses CR, LF and NUL inside it (command injection).
    func encode(_ line: String) throws -> [UInt8] {
        var bytes = Array(line.utf8)
        if bytes.contains(where: { $0 == 13 || $0 == 10 || $0 == 0 }) {
            throw SMTPError(.invalidConfiguration("a command contains CR, LF or NUL: \(line.debugDescription)"))
        }
        bytes.append(contentsOf: [13, 10])
        return bytes
    }

    func log(_ direction: TranscriptLine.Direction, _ text: String) {
        transcript?(TranscriptLine(direction: direction, text: text, peer: peer))
    }

    func note(_ text: String) { log(.note, text) }

    private func logReply(_ reply: Reply) {
        guard transcript != nil else { return }
        for (index, line) in reply.lines.enumerated() {
            let separator = index == reply.lines.count - 1 ? " " : "-"
            log(.server, "\(reply.code)\(separator)\(line)")
        }
    }
}

// The service extensions a server announced in its EHLO reply (RFC 5321 §4.1.1.1), with the ones
// the client acts on spelled out.

/// What the server offers, parsed from the EHLO reply (empty after a HELO fallback).
public struct ServerCapabilities: Sendable, Equatable {
    /// True when the server answered EHLO (ESMTP); false after falling back to HELO.
    public let isExtended: Bool
    /// Every keyword (upper case) with its parameters, as announced.
    public let keywords: [String: [String]]
    /// The first line of the EHLO reply: the server's name and greeting text.
    public let serverGreeting: String

    /// Parses an EHLO reply; the first line is the greeting, each further line a keyword and parameters.
    public init(ehloReply reply: Reply) {
        isExtended = true
        serverGreeting = reply.lines.first ?? ""
        var keywords: [String: [String]] = [:]
        for line in reply.lines.dropFirst() {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard var keyword = words.first?.uppercased() else { continue }
            var parameters = Array(words.dropFirst())
            // Old servers write "AUTH=LOGIN PLAIN" (before RFC 4954).
            if keyword.hasPrefix("AUTH=") {
                parameters.insert(String(keyword.dropFirst(5)), at: 0)
                keyword = "AUTH"
            }
            keywords[keyword, default: []].append(contentsOf: parameters)
        }
        self.keywords = keywords
    }

    /// A server that answered HELO only: no extensions.
    public init(heloReply reply: Reply) {
        isExtended = false
        serverGreeting = reply.lines.first ?? ""
        keywords = [:]
    }

    /// True when the keyword was announced.
    public func offers(_ keyword: String) -> Bool { keywords[keyword.uppercased()] != nil }

    /// RFC 2920 command pipelining.
    public var pipelining: Bool { offers("PIPELINING") }
    /// RFC 3207 STARTTLS.
    public var startTLS: Bool { offers("STARTTLS") }
    /// RFC 6152 8BITMIME.
    public var eightBitMIME: Bool { offers("8BITMIME") }
    /// RFC 6531 SMTPUTF8.
    public var smtpUTF8: Bool { offers("SMTPUTF8") }
    /// RFC 2034 ENHANCEDSTATUSCODES.
    public var enhancedStatusCodes: Bool { offers("ENHANCEDSTATUSCODES") }
    /// RFC 3461 DSN.
    public var deliveryStatusNotification: Bool { offers("DSN") }
    /// RFC 1870 SIZE: the largest message accepted, nil when not announced or 0 (no fixed limit).
    public var maximumMessageSize: Int? {
        guard let value = keywords["SIZE"]?.first.flatMap({ Int($0) }), value > 0 else { return nil }
        return value
    }
    /// RFC 4954 AUTH mechanisms, upper case.
    public var authenticationMechanisms: [String] { (keywords["AUTH"] ?? []).map { $0.uppercased() } }
}

// One MX record (RFC 5321 §5.1): where a domain's mail goes, and in which order to try it.

/// A mail exchanger of a domain.
public struct MXRecord: Sendable, Equatable, CustomStringConvertible {
    /// Lower is tried first; equal preferences are tried in random order.
    public var preference: Int
    /// The host name without a trailing dot; "" (the root, written ".") is the null MX.
    public var exchange: String

    public init(preference: Int, exchange: String) {
        self.preference = preference
        self.exchange = exchange
    }

    /// RFC 7505: a single MX with preference 0 and exchange "." says the domain accepts no mail.
    public var isNull: Bool { exchange.isEmpty || exchange == "." }

    public var description: String { "\(preference) \(isNull ? "." : exchange)" }
}

// Direct delivery could not hand the message to any MX host, or could not find one, for now:
// DNS trouble, every MX down or refusing the connection. Nothing was sent; a later try may work.

/// Why a message is not delivered yet; the words name the domain, the hosts and what each said.
public struct DirectFailure: Error, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) { self.description = description }
}

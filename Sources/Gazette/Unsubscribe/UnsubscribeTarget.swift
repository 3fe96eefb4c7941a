// Who an unsubscribe link or mail names, once its token verified.

/// A verified unsubscribe request: the (normalised) address and the list it came from.
public struct UnsubscribeTarget: Sendable, Equatable {
    /// Which link form carried it: the opaque token, or the legacy `email=…&token=<HMAC>` of issues sent before.
    public enum Form: String, Sendable { case sealed, legacy }

    public var address: String
    public var list: String
    public var form: Form

    public init(address: String, list: String, form: Form) {
        self.address = address
        self.list = list
        self.form = form
    }
}

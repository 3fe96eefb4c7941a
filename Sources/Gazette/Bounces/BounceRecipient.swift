// One recipient named by a bounce or complaint, with what the report says about it.

/// A failed (or delayed, or complained-about) recipient and the evidence for its class.
public struct BounceRecipient: Sendable, Hashable {
    /// The address as the report gives it, trimmed (`ada@example.org`); empty when none was found.
    public var address: String
    /// The class this record has.
    public var bounceClass: BounceClass
    /// The enhanced status code (RFC 3463), `5.1.1`, when one was given or found in the text.
    public var status: String?
    /// The SMTP reply code, 550, when one was found.
    public var replyCode: Int?
    /// The remote server's words (Diagnostic-Code, or the line of free text that explains the failure).
    public var diagnostic: String?
    /// What the classification rests on: "user unknown", "status 5.1.1", "feedback-type abuse", …
    public var reason: String

    public init(address: String, bounceClass: BounceClass, status: String? = nil, replyCode: Int? = nil,
                diagnostic: String? = nil, reason: String) {
        self.address = address
        self.bounceClass = bounceClass
        self.status = status
        self.replyCode = replyCode
        self.diagnostic = diagnostic
        self.reason = reason
    }
}

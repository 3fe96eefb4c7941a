// The SMTP envelope of one message (RFC 5321 §2.3.1): return path, recipients, and the DSN
// requests of RFC 3461 used to correlate bounces without a database.
import Mail

/// Who a message is from and to, as told to the server (not the headers).
public struct Envelope: Sendable, Equatable {
    /// The reverse path (MAIL FROM); nil sends the null path `<>`.
    public var sender: Mailbox?
    /// The forward paths (RCPT TO), in order.
    public var recipients: [Mailbox]
    /// DSN requests, sent only when the server offers DSN.
    public var deliveryStatusNotification: DSNRequest?

    /// An envelope; `sender` nil is the null reverse path (for messages that must not bounce).
    public init(sender: Mailbox?, recipients: [Mailbox], deliveryStatusNotification: DSNRequest? = nil) {
        self.sender = sender
        self.recipients = recipients
        self.deliveryStatusNotification = deliveryStatusNotification
    }
}

/// RFC 3461 parameters: what a bounce returns and which envelope it belongs to.
public struct DSNRequest: Sendable, Equatable {
    /// RET=: the whole message or only its headers in a bounce.
    public enum Return: String, Sendable { case full = "FULL", headers = "HDRS" }
    /// NOTIFY= conditions.
    public enum Notify: String, Sendable { case never = "NEVER", success = "SUCCESS", failure = "FAILURE", delay = "DELAY" }

    /// RET=, or nil to leave it to the server.
    public var returnContent: Return?
    /// ENVID=: our identifier for the transaction, echoed in the bounce (xtext-encoded on the wire).
    public var envelopeID: String?
    /// NOTIFY= for every recipient, or empty to leave it to the server.
    public var notify: [Notify]
    /// ORCPT=rfc822;<address> for every recipient, so bounces name the address we sent to.
    public var originalRecipient: Bool

    /// Defaults: headers only in bounces, notify on failure, ORCPT on.
    public init(returnContent: Return? = .headers, envelopeID: String? = nil, notify: [Notify] = [.failure],
                originalRecipient: Bool = true) {
        self.returnContent = returnContent
        self.envelopeID = envelopeID
        self.notify = notify
        self.originalRecipient = originalRecipient
    }

    /// RFC 3461 §4 xtext: "+", "=" and bytes outside 33…126 become "+XX".
    static func xtext(_ text: String) -> String {
        func isPlain(_ byte: UInt8) -> Bool { byte >= 33 && byte <= 126 && byte != UInt8(ascii: "+") && byte != UInt8(ascii: "=") }
        if text.utf8.allSatisfy(isPlain) { return text }  // message IDs and addresses, nearly always
        var result = ""
        for byte in text.utf8 {
            if isPlain(byte) {
                result.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                result += "+" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return result
    }
}

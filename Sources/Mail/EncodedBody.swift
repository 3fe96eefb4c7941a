// A text part already quoted-printable encoded, so a message can be assembled by copying bytes.

/// The quoted-printable bytes of one text part (CRLF lines of at most 76 characters).
public struct EncodedBody: Sendable, Hashable {
    /// The encoded bytes.
    public let bytes: [UInt8]

    /// Encodes `text`.
    public init(text: String) { bytes = QuotedPrintable.encode(text) }

    /// Encodes the UTF-8 bytes `utf8` (for example a personalized template's output).
    public init(utf8: [UInt8]) { bytes = QuotedPrintable.encode(utf8) }

    /// Wraps bytes that are already quoted-printable output of this module (`QuotedPrintable`,
    /// `QuotedPrintableTemplate`); they are not checked again. Such output never contains `=_`, which is
    /// why a boundary containing it cannot collide with a body.
    public init(quotedPrintable: [UInt8]) { bytes = quotedPrintable }
}

// Builds RFC 5322 messages for one mailing: what is the same for every recipient is encoded and folded
// once, at init; `render` only adds To, Date, Message-ID, List-Unsubscribe and the bodies (bytes copied).
import Foundation

/// Renders the messages of one mailing (same sender, same list) to bytes with CRLF line ends.
public struct MIMEWriter: Sendable {
    /// Header names this writer produces itself, so they cannot be given as extra headers.
    public static let reservedFieldNames: Set<String> = [
        "from", "to", "subject", "date", "message-id", "mime-version", "reply-to", "list-id", "list-unsubscribe",
        "list-unsubscribe-post", "feedback-id", "content-type", "content-transfer-encoding", "dkim-signature",
    ]

    /// The sender.
    public let from: Mailbox
    /// The MIME boundary between the parts.
    public let boundary: String
    private let fromField: [UInt8]
    private let subjectField: [UInt8]
    private let fixedFields: [UInt8]
    private let alternativeHead: [UInt8]
    private let htmlHead: [UInt8]
    private let closing: [UInt8]
    private let plainHead: [UInt8]
    private let clock: @Sendable () -> Date

    /// Prepares the fields shared by every message of a mailing.
    /// - Parameters:
    ///   - subject: the subject for every recipient (non-ASCII is RFC 2047 encoded); `render` can override it.
    ///   - feedbackID: the `Feedback-ID` value (`campaign:list:sender`), for mailbox providers' loop reports.
    ///   - extraHeaders: further fields, written after ours; the names in `reservedFieldNames` are refused.
    ///   - boundary: the multipart boundary; it must contain `=_`, which quoted-printable never produces.
    ///   - clock: the time for the `Date` field when `render` is not given one.
    public init(
        from: Mailbox, subject: String, replyTo: Mailbox? = nil, listID: ListID? = nil, feedbackID: String? = nil,
        extraHeaders: [HeaderField] = [], boundary: String = MIMEWriter.randomBoundary(),
        clock: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        try Self.checkBoundary(boundary)
        self.from = from
        self.boundary = boundary
        self.clock = clock
        var bytes: [UInt8] = []
        try HeaderField(name: "From", mailboxes: [from]).write(to: &bytes)
        fromField = bytes
        bytes = []
        try HeaderField(name: "Subject", text: subject).write(to: &bytes)
        subjectField = bytes
        bytes = []
        bytes.append(contentsOf: "MIME-Version: 1.0\r\n".utf8)
        if let replyTo { try HeaderField(name: "Reply-To", mailboxes: [replyTo]).write(to: &bytes) }
        if let listID { try HeaderField(name: "List-Id", value: listID.headerValue).write(to: &bytes) }
        if let feedbackID { try HeaderField(name: "Feedback-ID", text: feedbackID).write(to: &bytes) }
        for field in extraHeaders {
            if Self.reservedFieldNames.contains(field.name.lowercased()) {
                throw MailError(.invalidHeaderName(field.name, problem: "this header is written by the message builder"))
            }
            field.write(to: &bytes)
        }
        fixedFields = bytes
        let delimiter = "--" + boundary + "\r\n"
        let partHead = "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        alternativeHead = Array(("Content-Type: multipart/alternative;\r\n boundary=\"\(boundary)\"\r\n\r\n"
            + delimiter + "Content-Type: text/plain; charset=utf-8\r\n" + partHead).utf8)
        htmlHead = Array(("\r\n" + delimiter + "Content-Type: text/html; charset=utf-8\r\n" + partHead).utf8)
        closing = Array("\r\n--\(boundary)--\r\n".utf8)
        plainHead = Array(("Content-Type: text/plain; charset=utf-8\r\n" + partHead).utf8)
    }

    /// A boundary that cannot occur in quoted-printable output: `=_` followed by 24 random letters and digits.
    public static func randomBoundary() -> String {
        var generator = SystemRandomNumberGenerator()
        return randomBoundary(using: &generator)
    }

    /// A boundary made with `generator` (seeded in tests).
    public static func randomBoundary(using generator: inout some RandomNumberGenerator) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)
        var characters = Array("=_".utf8)
        for _ in 0..<24 { characters.append(alphabet[Int.random(in: 0..<alphabet.count, using: &generator)]) }
        return String(decoding: characters, as: UTF8.self)
    }

    /// RFC 2046 §5.1.1: 1–70 bchars, not ending in a space; ours must also contain `=_`.
    static func checkBoundary(_ boundary: String) throws {
        func fail(_ problem: String) -> MailError { MailError(.invalidBoundary(boundary, problem: problem)) }
        let allowed = Set("'()+_,-./:=? ".utf8)
        guard !boundary.isEmpty, boundary.utf8.count <= 70 else { throw fail("it must have 1 to 70 characters") }
        guard boundary.utf8.allSatisfy({ DomainName.isLetterOrDigit($0) || allowed.contains($0) }),
            !boundary.hasSuffix(" ")
        else { throw fail("it has a character RFC 2046 does not allow") }
        guard boundary.contains("=_") else { throw fail("it must contain \"=_\" so no quoted-printable line can match it") }
    }

    /// The complete message for one recipient.
    /// - Parameters:
    ///   - subject: overrides the writer's subject (a personalized subject); checked for CR, LF and NUL.
    ///   - date: the `Date` field; the writer's clock when nil.
    ///   - html: the HTML alternative; without it the message is a single text/plain part.
    public func render(
        to recipients: [Mailbox], messageID: MessageID, subject: String? = nil, date: Date? = nil,
        listUnsubscribe: ListUnsubscribe? = nil, text: EncodedBody, html: EncodedBody?
    ) throws -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(fromField.count + subjectField.count + fixedFields.count + alternativeHead.count
            + htmlHead.count + closing.count + text.bytes.count + (html?.bytes.count ?? 0) + 512)
        output.append(contentsOf: fromField)
        guard !recipients.isEmpty else {
            throw MailError(.invalidHeaderValue(header: "To", problem: "there is no recipient"))
        }
        HeaderField.writeFolded(name: "To", value: recipients.map(\.headerValue).joined(separator: ", "), to: &output)
        if let subject {
            try HeaderField(name: "Subject", text: subject).write(to: &output)
        } else {
            output.append(contentsOf: subjectField)
        }
        output.append(contentsOf: "Date: ".utf8)
        output.append(contentsOf: MessageDate.format(date ?? clock()).utf8)
        output.append(contentsOf: "\r\n".utf8)
        HeaderField.writeFolded(name: "Message-ID", value: messageID.headerValue, to: &output)
        output.append(contentsOf: fixedFields)
        if let listUnsubscribe {
            HeaderField.writeFolded(name: "List-Unsubscribe", value: listUnsubscribe.headerValue, to: &output)
            if listUnsubscribe.isOneClick {
                output.append(contentsOf: "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n".utf8)
            }
        }
        if let html {
            output.append(contentsOf: alternativeHead)
            output.append(contentsOf: text.bytes)
            output.append(contentsOf: htmlHead)
            output.append(contentsOf: html.bytes)
            output.append(contentsOf: closing)
        } else {
            output.append(contentsOf: plainHead)
            output.append(contentsOf: text.bytes)
            if !text.bytes.isEmpty, output.last != 0x0A { output.append(contentsOf: [0x0D, 0x0A]) }
        }
        return output
    }

    /// The complete message for one recipient, encoding the texts here.
    public func render(
        to recipients: [Mailbox], messageID: MessageID, subject: String? = nil, date: Date? = nil,
        listUnsubscribe: ListUnsubscribe? = nil, text: String, html: String?
    ) throws -> [UInt8] {
        try render(
            to: recipients, messageID: messageID, subject: subject, date: date, listUnsubscribe: listUnsubscribe,
            text: EncodedBody(text: text), html: html.map { EncodedBody(text: $0) })
    }
}

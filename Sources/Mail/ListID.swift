// The List-Id header (RFC 2919): an optional description phrase and `<id.domain>`.

/// A mailing list's identifier, as written in `List-Id`.
public struct ListID: Sendable, Hashable {
    /// The identifier, a dot-atom like `weekly.example.org`.
    public let identifier: String
    /// A description shown by mail clients ("Gazette Weekly"), if any.
    public let name: String?

    /// Checks that `identifier` is dot-atom text and that `name` has no CR, LF or NUL.
    public init(identifier: String, name: String? = nil) throws {
        try HeaderField.checkInjection(identifier, header: "List-Id")
        guard MessageID.isDotAtom(Substring(identifier)), identifier.contains(".") else {
            throw MailError(.invalidHeaderValue(
                header: "List-Id", problem: "\"\(identifier)\" is not a list identifier like weekly.example.org"))
        }
        if let name { try HeaderField.checkInjection(name, header: "List-Id") }
        self.identifier = identifier
        self.name = name.map(\.trimmingSpaces).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// `Gazette Weekly <weekly.example.org>`.
    public var headerValue: String {
        guard let name else { return "<" + identifier + ">" }
        return Mailbox.phrase(name) + " <" + identifier + ">"
    }
}

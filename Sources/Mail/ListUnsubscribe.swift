// List-Unsubscribe (RFC 2369) with its one-click companion List-Unsubscribe-Post (RFC 8058).
// The https URL is what one-click needs; the mailto is the fallback older clients use.

/// Where a recipient unsubscribes: an https URL (one-click, RFC 8058), a mailto URI, or both.
public struct ListUnsubscribe: Sendable, Hashable {
    /// The one-click URL (`https://…`), carrying the recipient's token.
    public let url: String?
    /// A `mailto:` URI.
    public let mailto: String?

    /// Checks that the URL is https and both are free of characters that would break `<…>` or the header.
    public init(url: String? = nil, mailto: String? = nil) throws {
        guard url != nil || mailto != nil else {
            throw MailError(.invalidHeaderValue(header: "List-Unsubscribe", problem: "neither a URL nor a mailto"))
        }
        for value in [url, mailto].compactMap({ $0 }) {
            try HeaderField.checkInjection(value, header: "List-Unsubscribe")
            // A URI cannot be folded, and a header line may not pass 998 octets (RFC 5322 §2.1.1).
            if value.utf8.count > 900 {
                throw MailError(.invalidHeaderValue(header: "List-Unsubscribe", problem: "a URI longer than 900 characters"))
            }
            if let bad = value.unicodeScalars.first(where: { $0.value <= 0x20 || $0.value >= 0x7F || $0 == "<" || $0 == ">" }) {
                throw MailError(.invalidHeaderValue(
                    header: "List-Unsubscribe",
                    problem: "\(DomainName.describe(bad, what: "in \"\(value)\"")) (percent-encode it)"))
            }
        }
        if let url, !url.lowercased().hasPrefix("https://") {
            throw MailError(.invalidHeaderValue(
                header: "List-Unsubscribe", problem: "one-click unsubscribe needs an https URL, not \"\(url)\""))
        }
        if let mailto, !mailto.lowercased().hasPrefix("mailto:") {
            throw MailError(.invalidHeaderValue(header: "List-Unsubscribe", problem: "\"\(mailto)\" is not a mailto URI"))
        }
        self.url = url
        self.mailto = mailto
    }

    /// `<https://…>, <mailto:…>`.
    public var headerValue: String {
        [url, mailto].compactMap { $0.map { "<" + $0 + ">" } }.joined(separator: ", ")
    }

    /// RFC 8058 one-click applies only with an https URL.
    public var isOneClick: Bool { url != nil }
}

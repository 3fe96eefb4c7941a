// Settings of the text alternative: line width and how links are written.

/// How `PlainTextWriter` lays out the text alternative.
public struct PlainTextOptions: Sendable, Equatable {
    /// How links appear in the text.
    public enum LinkStyle: Sendable, Equatable {
        /// `link text [1]`, with a numbered "Links:" list at the end (the same URL keeps its number).
        case references
        /// `link text <https://…>` where the link stands.
        case inline
    }

    /// The widest a wrapped line may be, in columns. Kept within 20…78: RFC 5322 §2.1.1 asks for lines of
    /// at most 78 characters, and narrower than 20 leaves no room for nested quotes and lists.
    public var width: Int {
        get { storedWidth }
        set { storedWidth = min(max(newValue, 20), 78) }
    }

    /// How links appear; references by default.
    public var links: LinkStyle

    /// Spaces put before every line of a code block (`pre`), to set it apart from prose the way Markdown
    /// does; 0 (the default) keeps code exactly as written.
    public var codeIndent: Int

    private var storedWidth: Int

    /// Options with a width of 72 columns, reference-style links and code as written unless told otherwise.
    public init(width: Int = 72, links: LinkStyle = .references, codeIndent: Int = 0) {
        self.storedWidth = min(max(width, 20), 78)
        self.links = links
        self.codeIndent = min(max(codeIndent, 0), 8)
    }
}

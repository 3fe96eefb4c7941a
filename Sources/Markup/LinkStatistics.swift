// Counts of visible text, links and images in an HTML tree, for the link/text-ratio check and the others
// (alt text, link list). Visibility follows the same rule as PlainTextWriter (HTMLNode+Visibility).

/// Visible words and characters, links and images of an HTML tree. Text inside hidden elements (the
/// preheader, `<head>`, `display:none`, `hidden`, `aria-hidden="true"`) and comments is not counted, and
/// links and images inside them are not listed.
public struct LinkStatistics: Sendable, Equatable {
    /// An `a` element with an `href`.
    public struct Link: Sendable, Equatable {
        /// The `href` as written (trimmed).
        public var href: String
        /// The visible link text, whitespace collapsed ("" for an image-only link).
        public var text: String
        /// The line of the element in the parsed HTML.
        public var line: Int
        /// Whether the link holds an image (its text then may be empty).
        public var containsImage: Bool
        /// Whether the href is a `mailto:` URL.
        public var isMailto: Bool { href.lowercased().hasPrefix("mailto:") }
    }

    /// An `img` element.
    public struct Image: Sendable, Equatable {
        public var src: String
        /// The `alt` attribute; nil when missing (an empty alt marks a decorative image and is fine).
        public var alt: String?
        public var line: Int
        /// The `width` and `height` attributes as written.
        public var width: String?
        public var height: String?
    }

    /// Visible words: runs of non-whitespace; text split only by markup (`<b>re</b>ad`) is one word.
    public internal(set) var words = 0
    /// Visible characters, not counting whitespace (Unicode scalars).
    public internal(set) var characters = 0
    /// Every visible link, `mailto:` ones included, in document order.
    public internal(set) var links: [Link] = []
    /// Visible words that start inside a link.
    public internal(set) var linkWords = 0
    /// Visible characters inside links, not counting whitespace.
    public internal(set) var linkCharacters = 0
    /// Every visible image in document order.
    public internal(set) var images: [Image] = []

    /// Counts what `node` and its descendants show.
    public init(_ node: HTMLNode) {
        var counter = Counter()
        counter.visit(node.node)
        self = counter.statistics
    }

    init() {}

    /// Links with an `href`, `mailto:` included.
    public var linkCount: Int { links.count }
    /// `mailto:` links only.
    public var mailtoLinkCount: Int { links.filter(\.isMailto).count }
    /// Links other than `mailto:`.
    public var webLinkCount: Int { linkCount - mailtoLinkCount }

    /// Share of the visible characters that are link text, 0…1 (0 when there is no text).
    public var linkTextRatio: Double {
        characters == 0 ? 0 : Double(linkCharacters) / Double(characters)
    }

    /// Links per 100 visible words (with no words, the link count times 100).
    public var linksPer100Words: Double { Double(linkCount) * 100 / Double(max(words, 1)) }

    /// Number of visible images.
    public var imageCount: Int { images.count }

    /// Images without an `alt` attribute, with their lines.
    public var imagesWithoutAlt: [Image] { images.filter { $0.alt == nil } }

    /// The image/text ratio as images per 100 visible words (with no words, the image count times 100):
    /// a mostly-image email has a high value, a text newsletter with a logo about 0.1–1.
    public var imagesPer100Words: Double { Double(imageCount) * 100 / Double(max(words, 1)) }
}

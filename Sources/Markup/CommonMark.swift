// Markdown to an HTML fragment with cmark. Nothing of cmark outlives the call: the HTML is copied out at once.
internal import CCmark
import Foundation

/// Options for rendering CommonMark; smart punctuation and raw HTML are on by default.
public struct CommonMarkOptions: OptionSet, Sendable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// Curly quotes, en and em dashes, ellipses.
    public static let smartPunctuation = CommonMarkOptions(rawValue: CMARK_OPT_SMART)
    /// Raw HTML and dangerous URLs pass through; `check` reports scripts, frames and forms instead.
    public static let rawHTML = CommonMarkOptions(rawValue: CMARK_OPT_UNSAFE)
    /// `data-sourcepos="line:col-line:col"` on block elements, to map HTML findings back to Markdown lines.
    public static let sourcePositions = CommonMarkOptions(rawValue: CMARK_OPT_SOURCEPOS)
    /// Soft line breaks become `<br />`.
    public static let hardBreaks = CommonMarkOptions(rawValue: CMARK_OPT_HARDBREAKS)

    public static let `default`: CommonMarkOptions = [.smartPunctuation, .rawHTML]
}

/// The CommonMark renderer (cmark).
public enum CommonMark {
    /// Renders Markdown to an HTML fragment.
    public static func html(fromMarkdown text: String, options: CommonMarkOptions = .default) throws -> String {
        // A String's UTF-8 is always valid, so cmark's CMARK_OPT_VALIDATE_UTF8 pass would find nothing; cmark
        // reads the given length, so a NUL inside the text is read (as U+FFFD), not taken for the end.
        var text = text
        let rendered = text.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return cmark_markdown_to_html("", 0, options.rawValue) }
            return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                cmark_markdown_to_html($0, bytes.count, options.rawValue)
            }
        }
        guard let rendered else { throw MarkupError(.markdownRenderingFailed) }
        defer { free(rendered) }
        return String(cString: rendered)
    }

    /// The version of the cmark library in use, for `gazette --version` and bug reports.
    public static var version: String { String(cString: cmark_version_string()) }
}

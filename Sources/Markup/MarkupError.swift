// Errors of the Markup module: one type, a reason per failure, a line when the input has one.

/// A failure in rendering, parsing or inlining.
public struct MarkupError: Error, Sendable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        case markdownRenderingFailed
        case htmlParsingFailed(String)
        case invalidSelector(String)
        case invalidXPath(String)
        case stylesheetUnreadable(String)
    }

    public var reason: Reason
    /// 1-based line in the input, when known.
    public var line: Int?

    public init(_ reason: Reason, line: Int? = nil) {
        self.reason = reason
        self.line = line
    }

    public var description: String {
        switch reason {
        case .markdownRenderingFailed: return "cmark could not render the Markdown"
        case .htmlParsingFailed(let why): return "the HTML could not be parsed: \(why)"
        case .invalidSelector(let selector): return "the CSS selector \"\(selector)\" is not valid"
        case .invalidXPath(let xpath): return "the XPath expression \"\(xpath)\" is not valid"
        case .stylesheetUnreadable(let why): return "the stylesheet could not be read: \(why)"
        }
    }
}

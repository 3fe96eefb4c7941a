// What rendering one issue produces: the prepared email, the web page's content, and what checks read.
import Markup

/// One issue rendered for email and web.
public struct RenderedIssue {
    public var source: IssueSource
    public var prepared: PreparedIssue
    /// cmark's HTML of the body (with source positions and markers): SiteWriter makes the web page's and the
    /// feed's content from it (`IssueRenderer.webContentHTML`) only when it writes them.
    var markdownHTML: String
    /// Findings of rendering and the content inspection (unknown markers, CSS problems, unsafe HTML …).
    public var diagnostics: [Diagnostic]
    /// Measurements the checks compare with thresholds.
    public var measurements: IssueMeasurements
}

/// Numbers measured on the final email of an issue.
public struct IssueMeasurements: Sendable, Codable, Equatable {
    public var htmlBytes = 0
    /// HTML bytes with sample per-recipient values filled in, as a subscriber receives it.
    public var personalizedHTMLBytes = 0
    public var retainedStyleBytes = 0
    public var textWords = 0
    public var visibleWords = 0
    public var linkTextRatio = 0.0
    public var linksPer100Words = 0.0
    public var links = 0
    public var images = 0
    public var imagesPer100Words = 0.0
    public var hasUnsubscribeLink = false
    public var hasPostalAddress = false
    public var hasPreheader = false
}

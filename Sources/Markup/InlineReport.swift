// What one inline run did: problems found in the CSS, and how much was inlined and retained.

/// The outcome of `Inliner.inline(_:stylesheetLoader:)`.
public struct InlineReport: Sendable {
    /// Skipped CSS, unreadable stylesheets and broken style attributes, in the order found.
    public var diagnostics: [CSSDiagnostic] = []
    /// UTF-8 bytes of CSS written into the retained `<style>` element (0 when none was written).
    public var retainedCSSBytes = 0
    /// Style rules with at least one selector that matched an element.
    public var rulesInlined = 0
    /// Style rules and at-rules written into the retained `<style>`.
    public var rulesRetained = 0
    /// Style rules that could be inlined but matched nothing.
    public var rulesUnmatched = 0
    /// Elements whose `style` attribute was written.
    public var elementsStyled = 0

    /// An empty report.
    public init() {}
}

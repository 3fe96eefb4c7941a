// A problem found in a stylesheet or a style attribute: where, what was found, and what to do about it.
// The parser and the inliner never stop on bad CSS; they skip the bad part and record one of these.

/// A problem in CSS that was skipped, with its line inside the stylesheet and a hint to fix it.
public struct CSSDiagnostic: Sendable, Equatable, CustomStringConvertible {
    /// Where the CSS came from: "extra CSS", "<style> at line 4", a stylesheet's href, "style attribute at line 9".
    public var source: String
    /// 1-based line inside that stylesheet (or inside the HTML for a style attribute).
    public var line: Int
    /// What was found and what was expected.
    public var message: String
    /// What to do about it.
    public var hint: String
    /// For CSS written in the HTML (a `<style>` element, a `style` attribute, a `<link>` that could not be read):
    /// the line of the HTML document the problem is on. Nil for CSS from elsewhere (a linked file, extra CSS).
    public var documentLine: Int?

    /// Creates a diagnostic.
    public init(source: String = "", line: Int, message: String, hint: String) {
        self.source = source
        self.line = line
        self.message = message
        self.hint = hint
    }

    public var description: String {
        let place = source.isEmpty ? "line \(line)" : "\(source), line \(line)"
        return "\(place): \(message)\n    hint: \(hint)"
    }
}

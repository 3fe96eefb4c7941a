// An at-rule kept as text (`@media`, `@font-face`, `@keyframes` …): it is never inlined, only retained.

/// An at-rule (`@media …{…}`, `@import …;`), kept as source text for retention in a `<style>`.
public struct AtRule: Sendable, Equatable {
    /// The at-keyword, lower-cased, without `@` and without a vendor prefix (`-webkit-keyframes` → `keyframes`).
    public var name: String
    /// The at-keyword as written, without `@`.
    public var writtenName: String
    /// Everything between the keyword and the block or `;`, trimmed.
    public var prelude: String
    /// The complete rule as it should be written back.
    public var text: String
    /// 1-based line inside the stylesheet.
    public var line: Int

    /// Creates an at-rule.
    public init(writtenName: String, prelude: String, text: String, line: Int) {
        self.writtenName = writtenName
        self.prelude = prelude
        self.text = text
        self.line = line
        var name = writtenName.lowercased()
        // Vendor-prefixed forms (`@-webkit-keyframes`) are retained under the unprefixed name's option.
        if name.hasPrefix("-"), let dash = name.dropFirst().firstIndex(of: "-") {
            name = String(name[name.index(after: dash)...])
        }
        self.name = name
    }
}

// What the Inliner does besides writing style attributes; defaults follow Juice's.

/// Options of the CSS inliner. Juice's option names are given where they differ.
public struct InlinerOptions: Sendable {
    /// CSS applied after the document's own stylesheets (Juice `extraCss`).
    public var extraCSS: String = ""
    /// Stylesheets applied after `extraCSS`, in order, each parsed on its own and named in diagnostics by its
    /// `source` (`gazette inline --css FILE`).
    public var extraStylesheets: [ExtraStylesheet] = []

    /// CSS from outside the document, with the name its diagnostics carry.
    public struct ExtraStylesheet: Sendable, Equatable {
        public var source: String
        public var css: String
        /// A stylesheet named `source` (a file's path).
        public init(source: String, css: String) {
            self.source = source
            self.css = css
        }
    }
    /// Remove the `<style>` and `<link>` elements whose CSS was read; the rules that cannot be inlined then go
    /// into one new `<style>` in `<head>` (Juice `removeStyleTags`). When false, they all stay as they were.
    public var removeInlinedStyleElements = true
    /// Write `width="…"` on `table`, `td`, `th` and `img` from a CSS width in px, `auto` (or % on table cells).
    public var applyWidthAttributes = true
    /// The same for `height`.
    public var applyHeightAttributes = true
    /// Write `bgcolor`, `background`, `align` and `valign` on table elements from the CSS (Juice
    /// `applyAttributesTableElements`).
    public var applyTableAttributes = true
    /// Keep `!important` in the inlined declarations (Juice `preserveImportant`).
    public var preserveImportant = false
    /// Replace `var(--x)` with the custom property's value and leave custom properties out of `style`.
    public var resolveCSSVariables = true
    /// Retain rules whose selectors cannot be inlined (`a:hover`, `p::before`) (Juice `preservePseudos`).
    public var retainNonInlinableRules = true
    /// At-rules retained in the `<style>`, by name without `@` or vendor prefix. `charset` is never useful
    /// inside HTML and is not in the default set.
    public var retainedAtRules: Set<String> = [
        "media", "font-face", "keyframes", "supports", "layer", "container", "import", "page",
        "font-feature-values", "counter-style", "property", "namespace",
    ]

    /// Template code that `inline(html:)` keeps away from the HTML parser, by its delimiters.
    public struct CodeBlock: Sendable, Equatable {
        public var start: String
        public var end: String
        /// A block from `start` to the next `end`.
        public init(start: String, end: String) {
            self.start = start
            self.end = end
        }
    }

    /// Code blocks that pass through `inline(html:)` untouched: EJS/ERB `<% %>`, Handlebars/Mustache `{{ }}`
    /// and PHP `<?php ?>` by default (Juice's `codeBlocks`, plus PHP).
    public var codeBlocks: [CodeBlock] = [
        CodeBlock(start: "<%", end: "%>"), CodeBlock(start: "{{", end: "}}"), CodeBlock(start: "<?php", end: "?>"),
    ]

    /// Juice's defaults.
    public init() {}

    /// Options with extra CSS and the other defaults.
    public init(extraCSS: String) {
        self.extraCSS = extraCSS
    }
}

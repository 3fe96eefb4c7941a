// HTML attributes that Outlook and other old clients read instead of CSS: width/height on tables and images,
// bgcolor/background/align/valign on table elements. The same elements and rules as Juice's
// applyWidthAttributes, applyHeightAttributes and applyAttributesTableElements.

import Foundation

/// Presentational attributes derived from an element's inlined style.
enum OutlookAttributes {
    static let dimensionElements: Set<String> = ["table", "td", "th", "img"]
    static let tableElements: Set<String> = [
        "table", "th", "tr", "td", "caption", "colgroup", "col", "thead", "tbody", "tfoot",
    ]
    static let tableAttributes: [(property: String, attribute: String)] = [
        ("background-color", "bgcolor"), ("background-image", "background"),
        ("text-align", "align"), ("vertical-align", "valign"),
    ]

    /// The attributes to set, in order, for an element named `name` with the winning values `value(property)`.
    static func attributes(
        for name: String, options: InlinerOptions, value: (String) -> String?
    ) -> [(name: String, value: String)] {
        var result: [(String, String)] = []
        let isTableElement = tableElements.contains(name)
        guard isTableElement || name == "img" else { return result }
        if dimensionElements.contains(name) {
            for dimension in ["width", "height"] {
                guard dimension == "width" ? options.applyWidthAttributes : options.applyHeightAttributes,
                      let css = value(dimension) else { continue }
                if css.containsASCII("px") || css.containsASCII("auto") {
                    // Juice drops the first "px" only: "200px" → "200".
                    result.append((dimension, css.replacingFirst("px", with: "")))
                } else if isTableElement, css.containsASCII("%") {
                    result.append((dimension, css))
                }
            }
        }
        if options.applyTableAttributes, tableElements.contains(name) {
            for (property, attribute) in tableAttributes {
                guard var css = value(property) else { continue }
                // A gradient is no colour or image an attribute can carry (Juice issue 319).
                if css.containsASCII("-gradient(", ignoringCase: true) { continue }
                if attribute == "background" { css = backgroundURL(css) }
                result.append((attribute, css))
            }
        }
        return result
    }

    /// `url('a.png')`, `url("a.png")` or `url(a.png)` → `a.png`; anything else unchanged.
    static func backgroundURL(_ value: String) -> String {
        guard value.hasPrefix("url("), value.hasSuffix(")") else { return value }
        var inner = value.dropFirst(4).dropLast()
        if let first = inner.first, first == "'" || first == "\"", inner.count >= 2, inner.last == first {
            inner = inner.dropFirst().dropLast()
        }
        if inner.contains("'") || inner.contains("\"") { return value }
        return String(inner)
    }
}

extension String {
    /// The string with the first occurrence of `target` replaced.
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }
}

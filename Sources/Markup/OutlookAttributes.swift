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

    /// The CSS properties these attributes come from. The inliner looks up each one's number in its run once,
    /// not by name for every element.
    enum Property: Int, CaseIterable {
        case width, height, backgroundColor, backgroundImage, textAlign, verticalAlign

        var name: String {
            switch self {
            case .width: return "width"
            case .height: return "height"
            case .backgroundColor: return "background-color"
            case .backgroundImage: return "background-image"
            case .textAlign: return "text-align"
            case .verticalAlign: return "vertical-align"
            }
        }
    }

    static let tableAttributes: [(property: Property, attribute: String)] = [
        (.backgroundColor, "bgcolor"), (.backgroundImage, "background"), (.textAlign, "align"), (.verticalAlign, "valign"),
    ]

    /// The attributes to set, in order, for an element named `name` with the winning values `value(property)`.
    static func attributes(
        for name: String, options: InlinerOptions, value: (Property) -> String?
    ) -> [(name: String, value: String)] {
        var result: [(String, String)] = []
        let isTableElement = tableElements.contains(name)
        guard isTableElement || name == "img" else { return result }
        func addDimension(_ dimension: Property) {
            guard let css = value(dimension) else { return }
            if css.containsASCII("px") || css.containsASCII("auto") {
                // Juice drops the first "px" only: "200px" → "200".
                result.append((dimension.name, css.replacingFirst("px", with: "")))
            } else if isTableElement, css.containsASCII("%") {
                result.append((dimension.name, css))
            }
        }
        if dimensionElements.contains(name) {
            if options.applyWidthAttributes { addDimension(.width) }
            if options.applyHeightAttributes { addDimension(.height) }
        }
        if options.applyTableAttributes, isTableElement {
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

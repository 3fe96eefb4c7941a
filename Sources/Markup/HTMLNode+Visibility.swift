// How an element shows as text: whether it hides itself and its content, and whether it starts a block.
// The one rule shared by PlainTextWriter and LinkStatistics, so the text part and the checks agree.
internal import CLibXML2

extension HTMLNode {
    /// True when this element hides itself and everything inside it from a reader: `<head>`, `<style>`,
    /// `<script>`, `<title>`, `<template>`, the `hidden` attribute, `aria-hidden="true"`, or an inline
    /// style with `display:none`, `visibility:hidden`, `opacity:0` or `max-height:0` with `overflow:hidden`
    /// (the usual preheader). Only this element is looked at, not its ancestors (see `isVisible`).
    public var hidesContent: Bool { Self.hidesContent(node) }

    /// True when neither this node nor any ancestor hides it.
    public var isVisible: Bool {
        var current: xmlNodePtr? = node
        while let element = current {
            if element.pointee.type == XML_ELEMENT_NODE, Self.hidesContent(element) { return false }
            current = element.pointee.parent
        }
        return true
    }

    /// True for elements that start a new block of text (`p`, `div`, `td`, `li` …) rather than flow inline.
    public var isBlockLevel: Bool { isElement && Self.blockElements.contains(name) }

    // MARK: Shared with the writers (raw pointers: these run once per element of every issue)

    /// Elements whose content is never text a reader sees.
    static let nonTextElements: Set<String> = ["head", "title", "style", "script", "template", "meta", "link", "base"]

    /// Elements that break the flow of inline text.
    static let blockElements: Set<String> = [
        "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dialog",
        "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
        "h6", "header", "hgroup", "hr", "html", "li", "main", "menu", "nav", "ol", "p", "pre", "section",
        "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
    ]

    /// The element's name; `node` must be an element.
    static func elementName(_ node: xmlNodePtr) -> String {
        guard let name = node.pointee.name else { return "" }
        return String(cString: name)
    }

    /// The value of attribute `name` of the element `node`, nil when absent.
    static func attribute(_ name: String, of node: xmlNodePtr) -> String? {
        guard let attribute = findAttribute(name, of: node) else { return nil }
        return withValue(of: attribute, in: node) { String(decoding: $0, as: UTF8.self) }
    }

    static func hidesContent(_ node: xmlNodePtr) -> Bool {
        guard node.pointee.type == XML_ELEMENT_NODE else { return false }
        return hidesContent(node, named: elementName(node))
    }

    /// `hidesContent` for an element whose name the caller already has.
    static func hidesContent(_ node: xmlNodePtr, named name: String) -> Bool {
        nonTextElements.contains(name) || attributesHide(node)
    }

    /// Whether the element's attributes (`hidden`, `aria-hidden`, `style`) hide it.
    ///
    /// The text part, the link statistics and the inspection each ask this of every element of the inlined email,
    /// whose `style` attributes are long: the answer is kept in the node's `_private` slot (which libxml2 leaves to
    /// applications), so it is worked out once per element. Changing an attribute through `HTMLNode` forgets it
    /// (`forgetVisibility`), so it never outlives the attributes it was read from.
    static func attributesHide(_ node: xmlNodePtr) -> Bool {
        switch UInt(bitPattern: node.pointee._private) {
        case VisibilityMark.hidden: return true
        case VisibilityMark.shown: return false
        default:
            let hides = readAttributesHide(node)
            node.pointee._private = UnsafeMutableRawPointer(bitPattern: hides ? VisibilityMark.hidden : VisibilityMark.shown)
            return hides
        }
    }

    /// What `_private` holds for an element whose attributes were read (nil: not read, or changed since).
    private enum VisibilityMark {
        static let shown: UInt = 1
        static let hidden: UInt = 2
    }

    /// Drops the remembered answer of `attributesHide`: called whenever one of the element's attributes changes.
    static func forgetVisibility(_ node: xmlNodePtr) {
        node.pointee._private = nil
    }

    /// Remembers the answer of `attributesHide` for an element whose `style` was just written by someone who knows
    /// whether it hides (the inliner, once per distinct style): only the other attributes are read.
    static func rememberVisibility(_ node: xmlNodePtr, styleHides: Bool) {
        let hides = styleHides || readAttributesHide(node, readingStyle: false)
        node.pointee._private = UnsafeMutableRawPointer(bitPattern: hides ? VisibilityMark.hidden : VisibilityMark.shown)
    }

    private static func readAttributesHide(_ node: xmlNodePtr, readingStyle: Bool = true) -> Bool {
        // One walk over the attribute list on libxml2's bytes, no Strings.
        var attribute = node.pointee.properties
        while let current = attribute {
            defer { attribute = current.pointee.next }
            guard let name = current.pointee.name else { continue }
            switch name[0] {
            case UInt8(ascii: "h"):
                if equals(name, "hidden") { return true }
            case UInt8(ascii: "a"):
                if equals(name, "aria-hidden"), withValue(of: current, in: node, { equalsIgnoringASCIICase($0, "true") }) {
                    return true
                }
            case UInt8(ascii: "s"):
                if readingStyle, equals(name, "style"), withValue(of: current, in: node, styleHides) { return true }
            default:
                continue
            }
        }
        return false
    }

    /// Whether `bytes` are the lower-case ASCII `word` in any ASCII case (no other letter lower-cases to these).
    private static func equalsIgnoringASCIICase(_ bytes: some Collection<UInt8>, _ word: StaticString) -> Bool {
        guard bytes.count == word.utf8CodeUnitCount else { return false }
        var index = 0
        for byte in bytes {
            if (byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte) != word.utf8Start[index] { return false }
            index += 1
        }
        return true
    }

    /// `styleHides` on the attribute's bytes, in one pass: each declaration's property is told by its length and
    /// first letter before it is compared, and a value is read only for the five properties that can hide. Inlined
    /// emails carry a long style on nearly every element (a scan for the hiding words, then a split, cost twice as
    /// much). Carriage returns and non-ASCII text trim and split by Character: the String version settles those.
    static func styleHides(_ style: UnsafeBufferPointer<UInt8>) -> Bool {
        var clipped = false
        var zeroHeight = false
        var start = 0
        var colon: Int?
        for index in 0...style.count {
            let byte = index < style.count ? style[index] : UInt8(ascii: ";")
            switch byte {
            case UInt8(ascii: ";"):
                if let colon {
                    switch declarationHides(property: trimmed(style, start..<colon), value: trimmed(style, (colon + 1)..<index)) {
                    case .hides: return true
                    case .clips: clipped = true
                    case .hasNoHeight: zeroHeight = true
                    case .nothing: break
                    }
                }
                start = index + 1
                colon = nil
            case UInt8(ascii: ":"):
                if colon == nil { colon = index }
            case 0x0D, 0x80...:
                return styleHides(String(decoding: style, as: UTF8.self))
            default:
                break
            }
        }
        return clipped && zeroHeight
    }

    /// What one declaration does to visibility: hides the element by itself, or is half of the
    /// `max-height:0` + `overflow:hidden` pair.
    private enum DeclarationEffect { case hides, clips, hasNoHeight, nothing }

    private static func declarationHides(property: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>) -> DeclarationEffect {
        guard let first = property.first else { return .nothing }
        var value = value
        func valueIs(_ word: StaticString) -> Bool { equalsIgnoringASCIICase(value, word) }
        switch (property.count, first | 0x20) {
        case (7, UInt8(ascii: "d")), (10, UInt8(ascii: "v")), (7, UInt8(ascii: "o")), (10, UInt8(ascii: "m")),
             (6, UInt8(ascii: "h")), (8, UInt8(ascii: "o")):
            break
        default:
            return .nothing
        }
        if let bang = value.firstIndex(of: UInt8(ascii: "!")) { value = trimmed(value, 0..<bang) }
        if equalsIgnoringASCIICase(property, "display") {
            return valueIs("none") ? .hides : .nothing
        } else if equalsIgnoringASCIICase(property, "visibility") {
            return valueIs("hidden") || valueIs("collapse") ? .hides : .nothing
        } else if equalsIgnoringASCIICase(property, "opacity") {
            return Double(String(decoding: value, as: UTF8.self).lowercased()) == 0 ? .hides : .nothing
        } else if equalsIgnoringASCIICase(property, "max-height") || equalsIgnoringASCIICase(property, "height") {
            return valueIs("0") || valueIs("0px") || valueIs("0em") || valueIs("0%") ? .hasNoHeight : .nothing
        } else if equalsIgnoringASCIICase(property, "overflow") {
            return valueIs("hidden") ? .clips : .nothing
        }
        return .nothing
    }

    /// `bytes[range]` without the ASCII spaces, tabs, line feeds and form feeds around it.
    private static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> UnsafeBufferPointer<UInt8> {
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0C }
        var lower = range.lowerBound, upper = range.upperBound
        while lower < upper, isSpace(bytes[lower]) { lower += 1 }
        while upper > lower, isSpace(bytes[upper - 1]) { upper -= 1 }
        return UnsafeBufferPointer(rebasing: bytes[lower..<upper])
    }

    /// At a UTF-8 lead byte: the length of a no-break space (a space to readers; `isSpace`) or of an
    /// invisible format character (no width, no word break), 0 for anything else: soft hyphen, combining
    /// grapheme joiner, zero-width space and non-joiner, word joiner, BOM — what email templates pad
    /// preheaders and spacers with. The writer and the statistics share it so their counts agree.
    static func specialCharacter(_ bytes: UnsafePointer<UInt8>, at index: Int) -> (length: Int, isSpace: Bool) {
        switch bytes[index] {
        case 0xC2:
            if bytes[index + 1] == 0xA0 { return (2, true) }
            if bytes[index + 1] == 0xAD { return (2, false) }
        case 0xCD:
            if bytes[index + 1] == 0x8F { return (2, false) }
        case 0xE2:
            if bytes[index + 1] == 0x80, bytes[index + 2] == 0x8B || bytes[index + 2] == 0x8C { return (3, false) }
            if bytes[index + 1] == 0x81, bytes[index + 2] == 0xA0 { return (3, false) }
        case 0xEF:
            if bytes[index + 1] == 0xBB, bytes[index + 2] == 0xBF { return (3, false) }
        default:
            break
        }
        return (0, false)
    }

    /// `text` without the ASCII whitespace HTML ignores around attribute values like `href`.
    static func trimmingHTMLSpaces(_ text: String) -> String {
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || $0 == 0x0C }
        let bytes = text.utf8
        guard let first = bytes.first, let last = bytes.last, isSpace(first) || isSpace(last) else { return text }
        return text.trimmingASCIISpaces()
    }

    /// Whether `text` contains the lower-case ASCII `word`, ignoring ASCII case.
    private static func containsIgnoringASCIICase(_ text: String, _ word: StaticString) -> Bool {
        var text = text
        return text.withUTF8 { containsIgnoringASCIICase($0, word) }
    }

    private static func containsIgnoringASCIICase(_ bytes: UnsafeBufferPointer<UInt8>, _ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard bytes.count >= count else { return false }
        outer: for start in 0...(bytes.count - count) {
            for index in 0..<count {
                let byte = bytes[start + index]
                if (byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte) != word.utf8Start[index] { continue outer }
            }
            return true
        }
        return false
    }

    /// Whether inline CSS declarations hide the element. Parsed crudely on purpose: the inliner has already
    /// resolved the cascade, so only the final declarations in `style` matter.
    static func styleHides(_ style: String) -> Bool {
        // Inlined emails carry a style on nearly every element: skip the parse unless a hiding word is there.
        guard ["none", "hidden", "collapse", "opacity"].contains(where: { containsIgnoringASCIICase(style, $0) }) else {
            return false
        }
        var clipped = false
        var zeroHeight = false
        for declaration in style.split(separator: ";") {
            guard let colon = declaration.firstIndex(of: ":") else { continue }
            let property = declaration[..<colon].trimmingASCIISpaces().lowercased()
            var value = declaration[declaration.index(after: colon)...].trimmingASCIISpaces().lowercased()
            if let bang = value.firstIndex(of: "!") { value = String(value[..<bang]).trimmingASCIISpaces() }
            switch property {
            case "display" where value == "none": return true
            case "visibility" where value == "hidden" || value == "collapse": return true
            case "opacity" where Double(value) == 0: return true
            case "max-height", "height":
                if value == "0" || value == "0px" || value == "0em" || value == "0%" { zeroHeight = true }
            case "overflow" where value == "hidden": clipped = true
            default: break
            }
        }
        return clipped && zeroHeight
    }
}

fileprivate extension StringProtocol {
    /// The text without leading and trailing ASCII spaces, tabs and line breaks.
    func trimmingASCIISpaces() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\u{0C}" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[start...end])
    }
}

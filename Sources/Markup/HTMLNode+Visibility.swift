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
        guard let value = xmlGetProp(node, name) else { return nil }
        defer { gazette_xmlFree(value) }
        return String(cString: value)
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
    static func attributesHide(_ node: xmlNodePtr) -> Bool {
        // One walk over the attribute list instead of three lookups: this runs for every element.
        var attribute = node.pointee.properties
        while let current = attribute {
            defer { attribute = current.pointee.next }
            guard let rawName = current.pointee.name else { continue }
            switch rawName[0] {
            case UInt8(ascii: "h"), UInt8(ascii: "a"), UInt8(ascii: "s"): break
            default: continue
            }
            let name = String(cString: rawName)
            if name == "hidden" { return true }
            guard name == "aria-hidden" || name == "style" else { continue }
            let value = attributeValue(current, of: node)
            if name == "aria-hidden" {
                if value.lowercased() == "true" { return true }
            } else if styleHides(value) {
                return true
            }
        }
        return false
    }

    private static func attributeValue(_ attribute: xmlAttrPtr, of node: xmlNodePtr) -> String {
        guard let raw = xmlNodeListGetString(node.pointee.doc, attribute.pointee.children, 1) else { return "" }
        defer { gazette_xmlFree(raw) }
        return String(cString: raw)
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
        let count = word.utf8CodeUnitCount
        var text = text
        return text.withUTF8 { bytes in
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

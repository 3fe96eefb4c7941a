// Writes an HTMLDocument back to text. Our own walk over the tree rather than libxml2's serializer, which
// percent-escapes href/src values and would change personalization slots and template code in attributes.
internal import CLibXML2
import Foundation

/// Serializes HTML: void elements without end tags, raw text in `script` and `style`, `&nbsp;` kept visible.
public enum HTMLSerializer {
    static let voidElements: Set<String> = [
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
        "track", "wbr", "basefont", "frame", "isindex", "keygen",
    ]
    static let rawTextElements: Set<String> = ["script", "style"]

    public static func serialize(_ document: HTMLDocument) -> String {
        var output = ""
        output.reserveCapacity(4096)
        if let doctype = document.doctype { output += doctype + "\n" }
        var child = document.tree.pointee.children
        while let current = child {
            if current.pointee.type != XML_DTD_NODE {
                write(HTMLNode(document: document, node: current), into: &output)
            }
            child = current.pointee.next
        }
        if !output.hasSuffix("\n") { output += "\n" }
        return output
    }

    /// The HTML of one node and its descendants.
    public static func serialize(_ node: HTMLNode) -> String {
        var output = ""
        write(node, into: &output)
        return output
    }

    static func write(_ node: HTMLNode, into output: inout String) {
        switch node.node.pointee.type {
        case XML_ELEMENT_NODE:
            let name = node.name
            output += "<" + name
            for (attribute, value) in node.attributes {
                output += " " + attribute + "=\"" + escapeAttribute(value) + "\""
            }
            output += ">"
            if voidElements.contains(name) { return }
            let raw = rawTextElements.contains(name)
            var child = node.node.pointee.children
            while let current = child {
                let childNode = HTMLNode(document: node.document, node: current)
                if raw, current.pointee.type == XML_TEXT_NODE || current.pointee.type == XML_CDATA_SECTION_NODE {
                    output += childNode.textContent
                } else {
                    write(childNode, into: &output)
                }
                child = current.pointee.next
            }
            output += "</" + name + ">"
        case XML_TEXT_NODE:
            output += escapeText(node.textContent)
        case XML_CDATA_SECTION_NODE:
            output += node.textContent
        case XML_COMMENT_NODE:
            output += "<!--" + node.textContent + "-->"
        case XML_ENTITY_REF_NODE:
            if let name = node.node.pointee.name { output += "&" + String(cString: name) + ";" }
        case XML_PI_NODE:
            output += "<?" + node.textContent + ">"
        default:
            break
        }
    }

    public static func escapeText(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") || $0 == 0xC2 }) else {
            return text
        }
        var result = ""
        result.reserveCapacity(text.utf8.count + 16)
        for character in text.unicodeScalars {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\u{00A0}": result += "&nbsp;"
            default: result.unicodeScalars.append(character)
            }
        }
        return result
    }

    public static func escapeAttribute(_ value: String) -> String {
        guard value.utf8.contains(where: { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "\"") || $0 == 0xC2 }) else {
            return value
        }
        var result = ""
        result.reserveCapacity(value.utf8.count + 16)
        for character in value.unicodeScalars {
            switch character {
            case "&": result += "&amp;"
            case "\"": result += "&quot;"
            case "\u{00A0}": result += "&nbsp;"
            default: result.unicodeScalars.append(character)
            }
        }
        return result
    }
}

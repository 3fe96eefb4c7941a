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
        String(decoding: serializedBytes(document), as: UTF8.self)
    }

    /// The document as UTF-8 bytes. Written straight from libxml2's name and content bytes into one buffer:
    /// building Strings per tag and attribute was most of the serializer's time.
    public static func serializedBytes(_ document: HTMLDocument) -> [UInt8] {
        var output = ByteWriter(capacity: 32 * 1024)
        if let doctype = document.doctype {
            output.append(doctype)
            output.append(0x0A)
        }
        var child = document.tree.pointee.children
        while let current = child {
            if current.pointee.type != XML_DTD_NODE { write(current, into: &output) }
            child = current.pointee.next
        }
        if output.last != 0x0A { output.append(0x0A) }
        return output.bytes()
    }

    /// The HTML of one node and its descendants.
    public static func serialize(_ node: HTMLNode) -> String {
        var output = ByteWriter(capacity: 1024)
        write(node.node, into: &output)
        return String(decoding: output.bytes(), as: UTF8.self)
    }

    static func write(_ node: xmlNodePtr, into output: inout ByteWriter) {
        switch node.pointee.type {
        case XML_ELEMENT_NODE:
            let name = bytes(node.pointee.name)
            output.append(UInt8(ascii: "<"))
            output.append(name)
            var attribute = node.pointee.properties
            while let current = attribute {
                output.append(0x20)
                output.append(bytes(current.pointee.name))
                output.append(#"=""#)
                HTMLNode.withValue(of: current, in: node) { appendEscaped($0, into: &output, attribute: true) }
                output.append(UInt8(ascii: "\""))
                attribute = current.pointee.next
            }
            output.append(UInt8(ascii: ">"))
            if isVoid(name) { return }
            let raw = isRawText(name)
            var child = node.pointee.children
            while let current = child {
                if raw, current.pointee.type == XML_TEXT_NODE || current.pointee.type == XML_CDATA_SECTION_NODE {
                    output.append(bytes(current.pointee.content))
                } else {
                    write(current, into: &output)
                }
                child = current.pointee.next
            }
            output.append("</")
            output.append(name)
            output.append(UInt8(ascii: ">"))
        case XML_TEXT_NODE:
            appendEscaped(bytes(node.pointee.content), into: &output, attribute: false)
        case XML_CDATA_SECTION_NODE:
            output.append(bytes(node.pointee.content))
        case XML_COMMENT_NODE:
            output.append("<!--")
            output.append(bytes(node.pointee.content))
            output.append("-->")
        case XML_ENTITY_REF_NODE:
            if let name = node.pointee.name {
                output.append(UInt8(ascii: "&"))
                output.append(bytes(name))
                output.append(UInt8(ascii: ";"))
            }
        case XML_PI_NODE:
            output.append("<?")
            output.append(bytes(node.pointee.content))
            output.append(UInt8(ascii: ">"))
        default:
            break
        }
    }

    /// The bytes of a NUL-terminated libxml2 string (empty for NULL), valid while the tree is unchanged.
    private static func bytes(_ text: UnsafePointer<xmlChar>?) -> UnsafeBufferPointer<UInt8> {
        guard let text else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: text, count: strlen(UnsafeRawPointer(text).assumingMemoryBound(to: CChar.self)))
    }

    /// The void names as bytes, compared by length first: no String per element.
    private static let voidNames: [[UInt8]] = voidElements.map { Array($0.utf8) }

    private static func isVoid(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        guard name.count >= 2, name.count <= 8 else { return false }
        return voidNames.contains { $0.count == name.count && $0.withUnsafeBufferPointer { memcmp($0.baseAddress!, name.baseAddress!, name.count) == 0 } }
    }

    private static func isRawText(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        (name.count == 5 && memcmp(name.baseAddress!, "style", 5) == 0) || (name.count == 6 && memcmp(name.baseAddress!, "script", 6) == 0)
    }

    /// `&` always; `<` and `>` in text, `"` in attribute values; a no-break space as `&nbsp;` so it stays visible.
    private static func appendEscaped(_ text: UnsafeBufferPointer<UInt8>, into output: inout ByteWriter, attribute: Bool) {
        guard let base = text.baseAddress else { return }
        var start = 0
        var index = 0
        while index < text.count {
            // Eight bytes at a time past runs that hold none of the five (long inlined styles, plain text).
            while index + 8 <= text.count, !mayNeedEntity(WordScan.word(at: base + index)) {
                index += 8
            }
            guard index < text.count else { break }
            let byte = text[index]
            // Letters, digits, spaces and most punctuation: nothing to decide (`"` 0x22, `&` 0x26, `<` 0x3C, `>` 0x3E,
            // and the no-break space's lead byte 0xC2 are the only bytes that may need an entity).
            if byte != 0xC2, byte > UInt8(ascii: ">") || (byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "&") && byte < UInt8(ascii: "<")) {
                index += 1
                continue
            }
            let replacement: StaticString?
            var length = 1
            switch byte {
            case UInt8(ascii: "&"): replacement = "&amp;"
            case UInt8(ascii: "<") where !attribute: replacement = "&lt;"
            case UInt8(ascii: ">") where !attribute: replacement = "&gt;"
            case UInt8(ascii: "\"") where attribute: replacement = "&quot;"
            case 0xC2 where index + 1 < text.count && text[index + 1] == 0xA0:
                replacement = "&nbsp;"
                length = 2
            default: replacement = nil
            }
            if let replacement {
                output.append(UnsafeBufferPointer(rebasing: text[start..<index]))
                output.append(replacement)
                index += length
                start = index
            } else {
                index += 1
            }
        }
        output.append(UnsafeBufferPointer(rebasing: text[start..<text.count]))
    }

    /// Whether any of eight bytes is `"`, `&`, `<`, `>` or 0xC2.
    @inline(__always)
    private static func mayNeedEntity(_ word: UInt64) -> Bool {
        WordScan.matches(word, 0x22) | WordScan.matches(word, 0x26) | WordScan.matches(word, 0x3C)
            | WordScan.matches(word, 0x3E) | WordScan.matches(word, 0xC2) != 0
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

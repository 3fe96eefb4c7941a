// A node of an HTMLDocument. Holds its document strongly, so the tree stays alive while a node is in use.
internal import CLibXML2
import Foundation

/// A node (element, text, comment …) in an `HTMLDocument`.
public struct HTMLNode {
    public let document: HTMLDocument
    let node: xmlNodePtr

    init(document: HTMLDocument, node: xmlNodePtr) {
        self.document = document
        self.node = node
    }

    public enum Kind: Sendable { case element, text, comment, cdata, other }

    public var kind: Kind {
        switch node.pointee.type {
        case XML_ELEMENT_NODE: return .element
        case XML_TEXT_NODE: return .text
        case XML_COMMENT_NODE: return .comment
        case XML_CDATA_SECTION_NODE: return .cdata
        default: return .other
        }
    }

    public var isElement: Bool { node.pointee.type == XML_ELEMENT_NODE }

    /// The element name in lower case (libxml2's HTML parser lower-cases tags); "" for other nodes.
    public var name: String {
        guard isElement, let name = node.pointee.name else { return "" }
        return String(cString: name)
    }

    /// The line of the node in the parsed input (libxml2 counts from 1; 0 when unknown).
    public var line: Int { Int(xmlGetLineNo(node)) }

    /// Text of a text, comment or CDATA node; all descendant text of an element.
    public var textContent: String {
        guard let content = xmlNodeGetContent(node) else { return "" }
        defer { gazette_xmlFree(content) }
        return String(cString: content)
    }

    /// `textContent`'s UTF-8 bytes, valid during the call: no String made (an email's body is some 10 KB).
    public func withTextContent<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        guard let content = xmlNodeGetContent(node) else { return body(UnsafeBufferPointer(start: nil, count: 0)) }
        defer { gazette_xmlFree(content) }
        return body(UnsafeBufferPointer(start: content, count: strlen(UnsafeRawPointer(content).assumingMemoryBound(to: CChar.self))))
    }

    /// Replaces the content of a text or comment node.
    public func setTextContent(_ text: String) {
        xmlNodeSetContent(node, nil)
        xmlNodeAddContent(node, text)
    }

    // MARK: Navigation

    public var parent: HTMLNode? {
        guard let parent = node.pointee.parent, parent.pointee.type == XML_ELEMENT_NODE else { return nil }
        return HTMLNode(document: document, node: parent)
    }

    public var children: [HTMLNode] {
        var result: [HTMLNode] = []
        var child = node.pointee.children
        while let current = child {
            result.append(HTMLNode(document: document, node: current))
            child = current.pointee.next
        }
        return result
    }

    public var elementChildren: [HTMLNode] { children.filter(\.isElement) }

    /// The first child node of any kind; with `nextSibling`, a walk that builds no arrays.
    public var firstChild: HTMLNode? { node.pointee.children.map { HTMLNode(document: document, node: $0) } }

    public var nextSibling: HTMLNode? { node.pointee.next.map { HTMLNode(document: document, node: $0) } }
    public var previousSibling: HTMLNode? { node.pointee.prev.map { HTMLNode(document: document, node: $0) } }

    public var nextElementSibling: HTMLNode? {
        var sibling = node.pointee.next
        while let current = sibling {
            if current.pointee.type == XML_ELEMENT_NODE { return HTMLNode(document: document, node: current) }
            sibling = current.pointee.next
        }
        return nil
    }

    public var previousElementSibling: HTMLNode? {
        var sibling = node.pointee.prev
        while let current = sibling {
            if current.pointee.type == XML_ELEMENT_NODE { return HTMLNode(document: document, node: current) }
            sibling = current.pointee.prev
        }
        return nil
    }

    public func firstChildElement(named name: String) -> HTMLNode? {
        elementChildren.first { $0.name == name }
    }

    /// Calls `body` for this node (if an element) and every descendant element, in document order.
    public func visitElements(_ body: (HTMLNode) -> Void) {
        Self.visitElements(from: node, in: document, body)
    }

    /// The walk on libxml2's pointers: a wrapper (and its retain of the document) only for the elements `body` gets.
    private static func visitElements(from node: xmlNodePtr, in document: HTMLDocument, _ body: (HTMLNode) -> Void) {
        if node.pointee.type == XML_ELEMENT_NODE { body(HTMLNode(document: document, node: node)) }
        var child = node.pointee.children
        while let current = child {
            let next = current.pointee.next  // read first: `body` may remove the node it is given
            visitElements(from: current, in: document, body)
            child = next
        }
    }

    /// Descendant elements with this name, in document order.
    public func descendants(named name: String) -> [HTMLNode] {
        var result: [HTMLNode] = []
        var wanted = name
        // An ASCII name is compared on libxml2's bytes (equal bytes are then equal Strings, and only then);
        // any other is compared as Strings.
        wanted.withUTF8 { bytes in
            let isASCII = bytes.allSatisfy { $0 < 0x80 }
            Self.walkElements(from: node) { element in
                guard element != node else { return true }
                let matches = isASCII ? element.pointee.name.map { Self.equals($0, bytes) } ?? bytes.isEmpty
                    : String(cString: element.pointee.name) == name
                if matches { result.append(HTMLNode(document: document, node: element)) }
                return true
            }
        }
        return result
    }

    /// Calls `visit` with `start` (if an element) and every element below it in document order, until it returns
    /// false. On libxml2's pointers, without recursion or a wrapper per element; the tree must not change meanwhile.
    static func walkElements(from start: xmlNodePtr, _ visit: (xmlNodePtr) -> Bool) {
        var next: xmlNodePtr? = start
        while let current = next {
            if current.pointee.type == XML_ELEMENT_NODE, !visit(current) { return }
            // Entity references share their children with the declaration (HTML documents have none).
            if current.pointee.type != XML_ENTITY_REF_NODE, let child = current.pointee.children {
                next = child
                continue
            }
            next = nil
            var climbing = current
            while climbing != start {
                if let sibling = climbing.pointee.next {
                    next = sibling
                    break
                }
                guard let parent = climbing.pointee.parent else { break }
                climbing = parent
            }
        }
    }

    // MARK: Attributes

    // Reads walk the attribute list and copy the value once; xmlGetProp would duplicate it first (a malloc and a
    // free per lookup, and lookups run for most elements of every issue).

    /// The value of attribute `name` (lower case, as libxml2's HTML parser stores names), nil when absent.
    public func attribute(_ name: String) -> String? {
        guard isElement, let attribute = Self.findAttribute(name, of: node) else { return nil }
        return Self.withValue(of: attribute, in: node) { String(decoding: $0, as: UTF8.self) }
    }

    public func hasAttribute(_ name: String) -> Bool {
        isElement && Self.findAttribute(name, of: node) != nil
    }

    public func setAttribute(_ name: String, _ value: String) {
        xmlSetProp(node, name, value)
        Self.forgetVisibility(node)
    }

    /// Sets an attribute from UTF-8 bytes that end in a NUL, without making a String first (libxml2 reads up to
    /// the first NUL, as it does for a String); bytes without one are given it in a copy.
    func setAttribute(_ name: StaticString, nulTerminatedBytes bytes: [UInt8]) {
        guard bytes.last == 0 else {
            setAttribute(name, nulTerminatedBytes: bytes + [0])
            return
        }
        bytes.withUnsafeBufferPointer { buffer in
            _ = xmlSetProp(node, name.utf8Start, buffer.baseAddress)
        }
        Self.forgetVisibility(node)
    }

    public func removeAttribute(_ name: String) {
        guard isElement, let attribute = Self.findAttribute(name, of: node) else { return }
        xmlRemoveProp(attribute)
        Self.forgetVisibility(node)
    }

    /// Attributes in source order as (name, value) pairs.
    public var attributes: [(name: String, value: String)] {
        var result: [(String, String)] = []
        forEachAttribute { name, value in
            result.append((String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self)))
        }
        return result
    }

    /// Calls `body` with the UTF-8 bytes of each attribute's name and value, in source order, making no Strings:
    /// for walks that look at every attribute but keep few. The buffers are valid only during the call.
    public func forEachAttribute(_ body: (_ name: UnsafeBufferPointer<UInt8>, _ value: UnsafeBufferPointer<UInt8>) -> Void) {
        var attribute = isElement ? node.pointee.properties : nil
        while let current = attribute {
            if let name = current.pointee.name {
                let nameBytes = UnsafeBufferPointer(start: name, count: strlen(UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self)))
                Self.withValue(of: current, in: node) { body(nameBytes, $0) }
            }
            attribute = current.pointee.next
        }
    }

    /// The UTF-8 bytes of a text, comment or CDATA node's own content, without copying ([] for elements).
    public func withContent<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        guard !isElement, let content = node.pointee.content else { return body(UnsafeBufferPointer(start: nil, count: 0)) }
        return body(UnsafeBufferPointer(start: content, count: strlen(UnsafeRawPointer(content).assumingMemoryBound(to: CChar.self))))
    }

    /// The content of a text, comment or CDATA node as a String when `test` accepts its bytes, else nil: a walk
    /// that looks for something rare makes no String for the rest (and no generic call across modules).
    public func content(where test: (UnsafeBufferPointer<UInt8>) -> Bool) -> String? {
        withContent { test($0) ? String(decoding: $0, as: UTF8.self) : nil }
    }

    /// The attribute `name` (no namespace) of an element, as xmlHasProp finds it for HTML.
    static func findAttribute(_ name: String, of node: xmlNodePtr) -> xmlAttrPtr? {
        var name = name
        return name.withUTF8 { wanted in
            var attribute = node.pointee.properties
            while let current = attribute {
                if current.pointee.ns == nil, let candidate = current.pointee.name, Self.equals(candidate, wanted) {
                    return current
                }
                attribute = current.pointee.next
            }
            return nil
        }
    }

    /// Whether the NUL-terminated `name` holds exactly `bytes`.
    static func equals(_ name: UnsafePointer<xmlChar>, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for index in 0..<bytes.count where name[index] != bytes[index] { return false }
        return name[bytes.count] == 0
    }

    /// Whether the NUL-terminated `name` is `literal` (an element or attribute name in lower case).
    static func equals(_ name: UnsafePointer<xmlChar>, _ literal: StaticString) -> Bool {
        equals(name, UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// The value of an attribute as bytes: its one text child directly (the usual case), else as libxml2 joins it.
    static func withValue<Result>(
        of attribute: xmlAttrPtr, in node: xmlNodePtr, _ body: (UnsafeBufferPointer<UInt8>) -> Result
    ) -> Result {
        if let text = attribute.pointee.children, text.pointee.next == nil, text.pointee.type == XML_TEXT_NODE,
           let content = text.pointee.content {
            return body(UnsafeBufferPointer(start: content, count: strlen(UnsafeRawPointer(content).assumingMemoryBound(to: CChar.self))))
        }
        guard let children = attribute.pointee.children, let raw = xmlNodeListGetString(node.pointee.doc, children, 1) else {
            return body(UnsafeBufferPointer(start: nil, count: 0))
        }
        defer { gazette_xmlFree(raw) }
        return body(UnsafeBufferPointer(start: raw, count: strlen(UnsafeRawPointer(raw).assumingMemoryBound(to: CChar.self))))
    }

    // MARK: Changing the tree

    public func append(_ child: HTMLNode) {
        xmlAddChild(node, child.node)
    }

    public func insertBefore(_ sibling: HTMLNode) {
        xmlAddPrevSibling(node, sibling.node)
    }

    public func insertAfter(_ sibling: HTMLNode) {
        xmlAddNextSibling(node, sibling.node)
    }

    /// Unlinks the node from the tree and frees it; do not use it afterwards.
    public func remove() {
        xmlUnlinkNode(node)
        xmlFreeNode(node)
    }
}

extension HTMLNode: Equatable {
    public static func == (lhs: HTMLNode, rhs: HTMLNode) -> Bool { lhs.node == rhs.node }
}

extension HTMLNode: Hashable {
    public func hash(into hasher: inout Hasher) { hasher.combine(node) }
}

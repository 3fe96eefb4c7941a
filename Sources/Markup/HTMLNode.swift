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
        if isElement { body(self) }
        var child = node.pointee.children
        while let current = child {
            let next = current.pointee.next
            HTMLNode(document: document, node: current).visitElements(body)
            child = next
        }
    }

    /// Descendant elements with this name, in document order.
    public func descendants(named name: String) -> [HTMLNode] {
        var result: [HTMLNode] = []
        visitElements { if $0.name == name, $0.node != node { result.append($0) } }
        return result
    }

    // MARK: Attributes

    public func attribute(_ name: String) -> String? {
        guard isElement, let value = xmlGetProp(node, name) else { return nil }
        defer { gazette_xmlFree(value) }
        return String(cString: value)
    }

    public func hasAttribute(_ name: String) -> Bool {
        isElement && xmlHasProp(node, name) != nil
    }

    public func setAttribute(_ name: String, _ value: String) {
        xmlSetProp(node, name, value)
    }

    public func removeAttribute(_ name: String) {
        guard let attribute = xmlHasProp(node, name) else { return }
        xmlRemoveProp(attribute)
    }

    /// Attributes in source order as (name, value) pairs.
    public var attributes: [(name: String, value: String)] {
        var result: [(String, String)] = []
        var attribute = isElement ? node.pointee.properties : nil
        while let current = attribute {
            let name = String(cString: current.pointee.name)
            var value = ""
            if let raw = xmlNodeListGetString(node.pointee.doc, current.pointee.children, 1) {
                value = String(cString: raw)
                gazette_xmlFree(raw)
            }
            result.append((name, value))
            attribute = current.pointee.next
        }
        return result
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

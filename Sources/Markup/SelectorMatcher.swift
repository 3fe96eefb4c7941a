// Matches selectors against a document's elements, right to left, on a table built once per inline run:
// each element's parent, siblings, name, id and classes are read from libxml2 once, then only array lookups.
internal import CLibXML2

/// The elements of one document in document order, indexed by position, with what selectors ask about them.
/// A class: closures and helpers share one table instead of copying eight arrays.
final class SelectorMatcher {
    private(set) var nodes: [xmlNodePtr] = []
    private(set) var names: [String] = []
    private(set) var ids: [String?] = []
    private(set) var classes: [[String]] = []
    private var parents: [Int32] = []
    private var previousSiblings: [Int32] = []
    private var nextSiblings: [Int32] = []
    private var rootIndex = -1

    /// Reads every element of `document` once.
    init(_ document: HTMLDocument) {
        var child = document.tree.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE {
                add(current, parent: -1)
                if rootIndex < 0 { rootIndex = 0 }
            }
            child = current.pointee.next
        }
    }

    var count: Int { nodes.count }

    private func add(_ root: xmlNodePtr, parent: Int32) {
        // An explicit stack: e-mail HTML nests tables deeply, and recursion depth would follow the input.
        var stack: [(node: xmlNodePtr, parent: Int32)] = [(root, parent)]
        var lastChildOf: [Int32: Int32] = [:]
        while let (node, parent) = stack.popLast().map({ ($0.node, $0.parent) }) {
            let index = Int32(nodes.count)
            nodes.append(node)
            names.append(node.pointee.name.map { String(cString: $0) } ?? "")
            var id: String?
            var classList: [String] = []
            var property = node.pointee.properties
            while let attribute = property {
                if let name = attribute.pointee.name {
                    if isName(name, "id") {
                        id = SelectorMatcher.value(of: attribute, in: node)
                    } else if isName(name, "class") {
                        classList = SelectorMatcher.value(of: attribute, in: node)
                            .split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\u{0C}" })
                            .map(String.init)
                    }
                }
                property = attribute.pointee.next
            }
            ids.append(id)
            classes.append(classList)
            parents.append(parent)
            let previous = lastChildOf[parent] ?? -1
            previousSiblings.append(previous)
            nextSiblings.append(-1)
            if previous >= 0 { nextSiblings[Int(previous)] = index }
            lastChildOf[parent] = index
            // Children are pushed in reverse so they pop in document order.
            var children: [xmlNodePtr] = []
            var child = node.pointee.children
            while let current = child {
                if current.pointee.type == XML_ELEMENT_NODE { children.append(current) }
                child = current.pointee.next
            }
            for child in children.reversed() { stack.append((child, index)) }
        }
    }

    private func isName(_ name: UnsafePointer<xmlChar>, _ literal: StaticString) -> Bool {
        let expected = literal.utf8Start
        for offset in 0..<literal.utf8CodeUnitCount where name[offset] != expected[offset] { return false }
        return name[literal.utf8CodeUnitCount] == 0
    }

    static func value(of attribute: xmlAttrPtr, in node: xmlNodePtr) -> String {
        // The common case is one text child holding the value; anything else goes through libxml2.
        if let text = attribute.pointee.children, text.pointee.next == nil, text.pointee.type == XML_TEXT_NODE,
           let content = text.pointee.content {
            return String(cString: content)
        }
        guard let raw = xmlNodeListGetString(node.pointee.doc, attribute.pointee.children, 1) else { return "" }
        defer { gazette_xmlFree(raw) }
        return String(cString: raw)
    }

    func parent(of element: Int) -> Int? {
        let parent = parents[element]
        return parent >= 0 ? Int(parent) : nil
    }

    /// An attribute's value, nil when absent. `name` is lower-case, as libxml2's HTML parser stores names.
    func attribute(_ name: String, of element: Int) -> String? {
        let node = nodes[element]
        guard let attribute = xmlHasProp(node, name) else { return nil }
        return SelectorMatcher.value(of: attribute, in: node)
    }

    // MARK: Matching

    /// Whether `element` matches `selector` (pseudo-elements and dynamic pseudo-classes are ignored here).
    func matches(_ selector: Selector, element: Int) -> Bool {
        guard let last = selector.compounds.indices.last else { return false }
        return matches(selector, compound: last, element: element)
    }

    private func matches(_ selector: Selector, compound index: Int, element: Int) -> Bool {
        guard matches(selector.compounds[index], element: element) else { return false }
        if index == 0 { return true }
        switch selector.combinators[index - 1] {
        case .child:
            let parent = parents[element]
            return parent >= 0 && matches(selector, compound: index - 1, element: Int(parent))
        case .descendant:
            var ancestor = parents[element]
            while ancestor >= 0 {
                if matches(selector, compound: index - 1, element: Int(ancestor)) { return true }
                ancestor = parents[Int(ancestor)]
            }
            return false
        case .nextSibling:
            let previous = previousSiblings[element]
            return previous >= 0 && matches(selector, compound: index - 1, element: Int(previous))
        case .subsequentSibling:
            var previous = previousSiblings[element]
            while previous >= 0 {
                if matches(selector, compound: index - 1, element: Int(previous)) { return true }
                previous = previousSiblings[Int(previous)]
            }
            return false
        }
    }

    /// The cheap checks first: name, id, classes; attributes and structure last.
    func matches(_ compound: Selector.Compound, element: Int) -> Bool {
        if let tag = compound.tag, names[element] != tag { return false }
        if !compound.ids.isEmpty {
            guard let id = ids[element], compound.ids.allSatisfy({ $0 == id }) else { return false }
        }
        if !compound.classes.isEmpty {
            let own = classes[element]
            for wanted in compound.classes where !own.contains(wanted) { return false }
        }
        for attribute in compound.attributes where !attribute.matches(self.attribute(attribute.name, of: element)) {
            return false
        }
        for pseudo in compound.pseudoClasses where !matches(pseudo, element: element) { return false }
        return true
    }

    private func matches(_ pseudo: Selector.PseudoClass, element: Int) -> Bool {
        switch pseudo {
        case .root: return element == rootIndex
        case .empty: return isEmpty(element)
        case .firstChild: return previousSiblings[element] < 0
        case .lastChild: return nextSiblings[element] < 0
        case .onlyChild: return previousSiblings[element] < 0 && nextSiblings[element] < 0
        case .firstOfType: return position(of: element, fromEnd: false, sameType: true) == 1
        case .lastOfType: return position(of: element, fromEnd: true, sameType: true) == 1
        case .onlyOfType:
            return position(of: element, fromEnd: false, sameType: true) == 1
                && position(of: element, fromEnd: true, sameType: true) == 1
        case .nthChild(let nth): return nth.matches(position(of: element, fromEnd: false, sameType: false))
        case .nthLastChild(let nth): return nth.matches(position(of: element, fromEnd: true, sameType: false))
        case .nthOfType(let nth): return nth.matches(position(of: element, fromEnd: false, sameType: true))
        case .nthLastOfType(let nth): return nth.matches(position(of: element, fromEnd: true, sameType: true))
        case .not(let compounds): return !compounds.contains { matches($0, element: element) }
        }
    }

    /// 1-based position among element siblings (of the same name when `sameType`), counted from either end.
    private func position(of element: Int, fromEnd: Bool, sameType: Bool) -> Int {
        var position = 1
        var sibling = fromEnd ? nextSiblings[element] : previousSiblings[element]
        while sibling >= 0 {
            if !sameType || names[Int(sibling)] == names[element] { position += 1 }
            sibling = fromEnd ? nextSiblings[Int(sibling)] : previousSiblings[Int(sibling)]
        }
        return position
    }

    /// Selectors Level 3 `:empty`: no element children and no text at all (whitespace counts as text).
    private func isEmpty(_ element: Int) -> Bool {
        var child = nodes[element].pointee.children
        while let current = child {
            switch current.pointee.type {
            case XML_ELEMENT_NODE: return false
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE, XML_ENTITY_REF_NODE:
                if let content = current.pointee.content, content.pointee != 0 { return false }
                if current.pointee.type == XML_ENTITY_REF_NODE { return false }
            default: break
            }
            child = current.pointee.next
        }
        return true
    }
}

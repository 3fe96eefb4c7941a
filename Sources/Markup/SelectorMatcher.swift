// Matches selectors against a document's elements, right to left, on a table built once per inline run:
// each element's parent, siblings, name, id and classes are read from libxml2 once, then only array lookups.
internal import CLibXML2

/// The elements of one document in document order, indexed by position, with what selectors ask about them.
/// A class: closures and helpers share one table instead of copying eight arrays.
final class SelectorMatcher {
    // Constants once built: `let` arrays in a final class are read without the runtime exclusivity checks
    // that `var` ones cost on every access (they showed in the matcher's profile).
    let nodes: [xmlNodePtr]
    let names: [String]
    /// Each element's name by number, the same for the same name (ElementNameIndex; -1 for a name without one):
    /// what is looked up per name is then looked up once per distinct name.
    let nameNumbers: [Int32]
    let ids: [String?]
    let classes: [[String]]
    private let parents: [Int32]
    private let previousSiblings: [Int32]
    private let nextSiblings: [Int32]
    private let rootIndex: Int

    /// Reads every element of `document` once.
    init(_ document: HTMLDocument) {
        var table = Table()
        table.reserveCapacity(256)  // an issue's email has one or two hundred elements: no growth step per array
        var child = document.tree.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE {
                table.add(current, parent: -1)
                if table.rootIndex < 0 { table.rootIndex = 0 }
            }
            child = current.pointee.next
        }
        nodes = table.nodes
        names = table.names
        nameNumbers = table.nameNumbers
        ids = table.ids
        classes = table.classes
        parents = table.parents
        previousSiblings = table.previousSiblings
        nextSiblings = table.nextSiblings
        rootIndex = table.rootIndex
    }

    /// The arrays while they are being filled.
    private struct Table {
        var nodes: [xmlNodePtr] = []
        var names: [String] = []
        var nameNumbers: [Int32] = []
        var ids: [String?] = []
        var classes: [[String]] = []
        /// The names by number, each String made once per distinct name.
        var nameIndex = ElementNameIndex()
        var namesByNumber: [String] = []
        var parents: [Int32] = []
        var previousSiblings: [Int32] = []
        var nextSiblings: [Int32] = []
        var rootIndex = -1

        mutating func add(_ root: xmlNodePtr, parent: Int32) {
            // An explicit stack: e-mail HTML nests tables deeply, and recursion depth would follow the input.
            var stack: [(node: xmlNodePtr, parent: Int32)] = [(root, parent)]
            // The last child seen of each element (by index), and of the document (the slot after them all).
            var lastChild = [Int32](repeating: -1, count: nodes.count)
            var lastTopLevel: Int32 = -1
            while let (node, parent) = stack.popLast().map({ ($0.node, $0.parent) }) {
                let index = Int32(nodes.count)
                nodes.append(node)
                addName(of: node)
                var id: String?
                var classList: [String] = []
                var property = node.pointee.properties
                while let attribute = property {
                    if let name = attribute.pointee.name {
                        if HTMLNode.equals(name, "id") {
                            id = SelectorMatcher.value(of: attribute, in: node)
                        } else if HTMLNode.equals(name, "class") {
                            classList = HTMLNode.withValue(of: attribute, in: node, SelectorMatcher.classNames)
                        }
                    }
                    property = attribute.pointee.next
                }
                ids.append(id)
                classes.append(classList)
                parents.append(parent)
                lastChild.append(-1)
                let previous = parent >= 0 ? lastChild[Int(parent)] : lastTopLevel
                previousSiblings.append(previous)
                nextSiblings.append(-1)
                if previous >= 0 { nextSiblings[Int(previous)] = index }
                if parent >= 0 { lastChild[Int(parent)] = index } else { lastTopLevel = index }
                // Children are pushed in reverse (from the last) so they pop in document order.
                var child = node.pointee.last
                while let current = child {
                    if current.pointee.type == XML_ELEMENT_NODE { stack.append((current, index)) }
                    child = current.pointee.prev
                }
            }
        }

        mutating func reserveCapacity(_ count: Int) {
            nodes.reserveCapacity(count)
            names.reserveCapacity(count)
            nameNumbers.reserveCapacity(count)
            ids.reserveCapacity(count)
            classes.reserveCapacity(count)
            parents.reserveCapacity(count)
            previousSiblings.reserveCapacity(count)
            nextSiblings.reserveCapacity(count)
        }

        /// The name's String, made once per distinct name, and its number.
        private mutating func addName(of node: xmlNodePtr) {
            let string = { node.pointee.name.map { String(cString: $0) } ?? "" }
            guard let number = nameIndex.number(of: node) else {
                names.append(string())
                nameNumbers.append(-1)
                return
            }
            if number == namesByNumber.count { namesByNumber.append(string()) }
            names.append(namesByNumber[number])
            nameNumbers.append(Int32(number))
        }
    }

    var count: Int { nodes.count }

    /// A class attribute's names, split at HTML's ASCII whitespace on the bytes (by Character, five comparisons
    /// per letter showed in the profile).
    static func classNames(_ value: UnsafeBufferPointer<UInt8>) -> [String] {
        value.split(whereSeparator: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || $0 == 0x0C })
            .map { String(decoding: UnsafeBufferPointer(rebasing: $0), as: UTF8.self) }
    }

    static func value(of attribute: xmlAttrPtr, in node: xmlNodePtr) -> String {
        HTMLNode.withValue(of: attribute, in: node) { String(decoding: $0, as: UTF8.self) }
    }

    func parent(of element: Int) -> Int? {
        let parent = parents[element]
        return parent >= 0 ? Int(parent) : nil
    }

    /// An attribute's value, nil when absent. `name` is lower-case, as libxml2's HTML parser stores names.
    func attribute(_ name: String, of element: Int) -> String? {
        let node = nodes[element]
        // Found on the bytes: xmlHasProp would be given a copy of `name` made for C.
        guard let attribute = HTMLNode.findAttribute(name, of: node) else { return nil }
        return SelectorMatcher.value(of: attribute, in: node)
    }

    // MARK: Matching

    /// Whether `element` matches `selector` (pseudo-elements and dynamic pseudo-classes are ignored here).
    func matches(_ selector: borrowing Selector, element: Int) -> Bool {
        selector.compounds.withUnsafeBufferPointer { compounds in
            selector.combinators.withUnsafeBufferPointer { combinators in
                matches(compounds, combinators, compound: compounds.count - 1, element: element)
            }
        }
    }

    /// Compounds are read through pointers, never copied: a copy retains its five fields, and that cost as much
    /// as the matching itself in the profile (a descendant selector tests every ancestor).
    private func matches(
        _ compounds: UnsafeBufferPointer<Selector.Compound>, _ combinators: UnsafeBufferPointer<Selector.Combinator>,
        compound index: Int, element: Int
    ) -> Bool {
        guard index >= 0, let base = compounds.baseAddress, matches(base + index, element: element) else { return false }
        if index == 0 { return true }
        switch combinators[index - 1] {
        case .child:
            let parent = parents[element]
            return parent >= 0 && matches(compounds, combinators, compound: index - 1, element: Int(parent))
        case .descendant:
            var ancestor = parents[element]
            while ancestor >= 0 {
                if matches(compounds, combinators, compound: index - 1, element: Int(ancestor)) { return true }
                ancestor = parents[Int(ancestor)]
            }
            return false
        case .nextSibling:
            let previous = previousSiblings[element]
            return previous >= 0 && matches(compounds, combinators, compound: index - 1, element: Int(previous))
        case .subsequentSibling:
            var previous = previousSiblings[element]
            while previous >= 0 {
                if matches(compounds, combinators, compound: index - 1, element: Int(previous)) { return true }
                previous = previousSiblings[Int(previous)]
            }
            return false
        }
    }

    private func matches(_ compound: UnsafePointer<Selector.Compound>, element: Int) -> Bool {
        if let tag = compound.pointee.tag, names[element] != tag { return false }
        if !compound.pointee.ids.isEmpty {
            guard let id = ids[element] else { return false }
            for index in compound.pointee.ids.indices where compound.pointee.ids[index] != id { return false }
        }
        if !compound.pointee.classes.isEmpty {
            for index in compound.pointee.classes.indices where !classes[element].contains(compound.pointee.classes[index]) {
                return false
            }
        }
        if !compound.pointee.attributes.isEmpty || !compound.pointee.pseudoClasses.isEmpty {
            return matchesRest(compound.pointee, element: element)
        }
        return true
    }

    /// Attribute selectors and pseudo-classes: rarer, so the compound is simply used as a value here.
    private func matchesRest(_ compound: Selector.Compound, element: Int) -> Bool {
        for attribute in compound.attributes where !attribute.matches(self.attribute(attribute.name, of: element)) {
            return false
        }
        for pseudo in compound.pseudoClasses where !matches(pseudo, element: element) { return false }
        return true
    }

    /// The cheap checks first: name, id, classes; attributes and structure last.
    func matches(_ compound: borrowing Selector.Compound, element: Int) -> Bool {
        if compound.tag != nil, names[element] != compound.tag { return false }
        if !compound.ids.isEmpty {
            guard let id = ids[element] else { return false }
            for index in compound.ids.indices where compound.ids[index] != id { return false }
        }
        if !compound.classes.isEmpty {
            for index in compound.classes.indices where !classes[element].contains(compound.classes[index]) { return false }
        }
        for index in compound.attributes.indices
        where !compound.attributes[index].matches(attribute(compound.attributes[index].name, of: element)) {
            return false
        }
        for index in compound.pseudoClasses.indices where !matches(compound.pseudoClasses[index], element: element) {
            return false
        }
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

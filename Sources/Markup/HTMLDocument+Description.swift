// Every node of the tree with what distinguishes it (kind, name, line, attributes with their text pieces, content),
// one line each, and the parse messages: how tests and the `html` fuzz target compare the fast path's tree with
// libxml2's, difference by difference.
internal import CLibXML2

extension HTMLDocument {
    /// `html` read by `WellFormedHTMLParser` and by libxml2, each tree described; nil when the fast path leaves
    /// the input to libxml2. Equal descriptions are the fast path's promise.
    static func describedByBothParsers(_ html: String) throws -> (wellFormed: String, libxml2: String)? {
        var input = html
        guard let fast = input.withUTF8({ WellFormedHTMLParser.parse($0) }) else { return nil }
        let wellFormed = HTMLDocument(takingOwnershipOf: fast.tree, parseIssues: fast.issues)
        return (wellFormed.treeDescription, try HTMLDocument(parsing: html, parser: .libxml2).treeDescription)
    }

    var treeDescription: String {
        let tree = self.tree.pointee
        var lines = ["document properties \(tree.properties) flags \(tree.parseFlags) encoding \(Self.string(tree.encoding))"]
        if let dtd = tree.intSubset {
            lines.append("doctype \(Self.string(dtd.pointee.name)) public=\(Self.string(dtd.pointee.ExternalID)) system=\(Self.string(dtd.pointee.SystemID))")
        }
        var child = tree.children
        while let current = child {
            if current.pointee.type != XML_DTD_NODE { Self.describe(current, depth: 0, into: &lines) }
            child = current.pointee.next
        }
        // libxml2's "Tag … invalid" are the only messages well-formed input gets; the rest come from declined input.
        for issue in parseIssues { lines.append("issue \(issue.level) line \(issue.line): \(issue.message)") }
        return lines.joined(separator: "\n")
    }

    private static func describe(_ node: xmlNodePtr, depth: Int, into lines: inout [String]) {
        let indent = String(repeating: "  ", count: depth)
        let line = xmlGetLineNo(node)
        switch node.pointee.type {
        case XML_ELEMENT_NODE:
            var attributes: [String] = []
            var attribute = node.pointee.properties
            while let current = attribute {
                let value = current.pointee.children.map { _ in
                    var text = ""
                    var part = current.pointee.children
                    while let piece = part {
                        text += "[\(piece.pointee.type.rawValue):\(string(piece.pointee.content))]"
                        part = piece.pointee.next
                    }
                    return text
                } ?? "(none)"
                attributes.append("\(string(current.pointee.name))=\(value)")
                attribute = current.pointee.next
            }
            lines.append("\(indent)<\(string(node.pointee.name))> line \(line) \(attributes.joined(separator: " "))")
            var child = node.pointee.children
            while let current = child {
                describe(current, depth: depth + 1, into: &lines)
                child = current.pointee.next
            }
        case XML_TEXT_NODE:
            lines.append("\(indent)text line \(line) \(string(node.pointee.content).debugDescription)")
        case XML_CDATA_SECTION_NODE:
            lines.append("\(indent)cdata line \(line) \(string(node.pointee.content).debugDescription)")
        case XML_COMMENT_NODE:
            lines.append("\(indent)comment line \(line) \(string(node.pointee.content).debugDescription)")
        default:
            lines.append("\(indent)node type \(node.pointee.type.rawValue) line \(line) \(string(node.pointee.content).debugDescription)")
        }
    }

    private static func string(_ text: UnsafePointer<xmlChar>?) -> String {
        text.map { String(cString: $0) } ?? "(null)"
    }

}

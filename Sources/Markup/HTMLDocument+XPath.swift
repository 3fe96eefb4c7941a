// XPath queries over an HTMLDocument (libxml2's XPath 1.0 engine).
internal import CLibXML2

extension HTMLDocument {
    /// Nodes matching an XPath 1.0 expression, in document order.
    public func nodes(matchingXPath expression: String, relativeTo contextNode: HTMLNode? = nil) throws -> [HTMLNode] {
        guard let context = xmlXPathNewContext(tree) else { throw MarkupError(.invalidXPath(expression)) }
        defer { xmlXPathFreeContext(context) }
        if let contextNode { context.pointee.node = contextNode.node }
        guard let result = xmlXPathEvalExpression(expression, context) else {
            throw MarkupError(.invalidXPath(expression))
        }
        defer { xmlXPathFreeObject(result) }
        guard let set = result.pointee.nodesetval else { return [] }
        var nodes: [HTMLNode] = []
        nodes.reserveCapacity(Int(set.pointee.nodeNr))
        for index in 0..<Int(set.pointee.nodeNr) {
            if let node = set.pointee.nodeTab[index] { nodes.append(HTMLNode(document: self, node: node)) }
        }
        return nodes
    }
}

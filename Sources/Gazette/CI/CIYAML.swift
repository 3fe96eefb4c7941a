// Builds the YAML of a CI file as Yams nodes, so that quoting and block scalars are the emitter's job, and
// the keys keep the order a reader expects (name, triggers, jobs; in a job: name, condition, steps).
import Yams

/// Small constructors for ordered YAML nodes.
enum CIYAML {
    /// A block mapping whose pairs keep their order; pairs with a nil value are left out.
    static func map(_ pairs: [(String, Node?)]) -> Node {
        .mapping(Node.Mapping(pairs.compactMap { key, value in value.map { (Node(key), $0) } }))
    }

    static func flowList(_ items: [String]) -> Node {
        .sequence(Node.Sequence(items.map { Node($0) }, .implicit, .flow))
    }

    static func list(_ items: [Node]) -> Node { .sequence(Node.Sequence(items)) }

    /// A script as a literal block (`|`), as people write them.
    static func script(_ text: String) -> Node {
        .scalar(Node.Scalar(text, .implicit, .literal))
    }

    static func number(_ value: Int) -> Node { Node(String(value), Tag(.int)) }

    static func bool(_ value: Bool) -> Node { Node(value ? "true" : "false", Tag(.bool)) }

    /// The file's text: a comment on top, then the document.
    static func text(_ node: Node, header: [String]) throws -> String {
        let body = try Yams.serialize(node: node, indent: 2, width: -1, allowUnicode: true)
        return header.map { "# \($0)" }.joined(separator: "\n") + "\n" + body
    }
}

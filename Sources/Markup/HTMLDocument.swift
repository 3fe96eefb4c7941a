// The one live libxml2 tree we keep: parsed once, inlined and read for text, serialized by HTMLSerializer.
// Owns the xmlDoc; nodes (HTMLNode) hold a strong reference to it so they cannot outlive it. Well-formed input is
// read by WellFormedHTMLParser into the tree libxml2 would build; the rest by libxml2's parser, with its messages.
internal import CLibXML2
import Foundation

/// A problem libxml2 reported while parsing HTML, with its line in the input.
public struct HTMLParseIssue: Sendable, Equatable, CustomStringConvertible {
    public enum Level: Sendable { case warning, error }
    public var level: Level
    public var line: Int
    public var message: String
    public var description: String { "line \(line): \(message)" }
}

/// An HTML document parsed by libxml2's HTML parser.
public final class HTMLDocument {
    let tree: htmlDocPtr
    /// What libxml2 reported while parsing, in order.
    public let parseIssues: [HTMLParseIssue]

    /// Takes ownership of `tree`; it is freed with the document.
    init(takingOwnershipOf tree: htmlDocPtr, parseIssues: [HTMLParseIssue] = []) {
        self.tree = tree
        self.parseIssues = parseIssues
    }

    deinit { xmlFreeDoc(tree) }

    /// Which parser reads the input: tests compare the two.
    enum Parser {
        /// `WellFormedHTMLParser` when it can, else libxml2's: the same tree either way.
        case wellFormedFirst
        case libxml2
    }

    /// Parses an HTML document or fragment (a fragment gets implied `html` and `body` elements).
    public convenience init(parsing html: String) throws {
        try self.init(parsing: html, parser: .wellFormedFirst)
    }

    convenience init(parsing html: String, parser: Parser) throws {
        if parser == .wellFormedFirst {
            var html = html
            if let (tree, issues) = html.withUTF8({ WellFormedHTMLParser.parse($0) }) {
                self.init(takingOwnershipOf: tree, parseIssues: issues)
                return
            }
        }
        let collector = ParseIssueCollector()
        let box = Unmanaged.passRetained(collector)
        defer { box.release() }
        xmlSetStructuredErrorFunc(box.toOpaque()) { context, error in
            guard let context, let error else { return }
            let collector = Unmanaged<ParseIssueCollector>.fromOpaque(context).takeUnretainedValue()
            collector.record(error.pointee)
        }
        defer { xmlSetStructuredErrorFunc(nil, nil) }

        var utf8 = Array(html.utf8)
        if utf8.isEmpty { utf8 = Array("<html><body></body></html>".utf8) }
        let parsed = utf8.withUnsafeBufferPointer { bytes in
            bytes.baseAddress!.withMemoryRebound(to: CChar.self, capacity: bytes.count) { chars in
                htmlReadMemory(chars, Int32(bytes.count), nil, "UTF-8", Self.parseOptions)
            }
        }
        guard let parsed else {
            throw MarkupError(.htmlParsingFailed(collector.issues.last?.message ?? "libxml2 returned no document"))
        }
        self.init(takingOwnershipOf: parsed, parseIssues: collector.issues)
    }

    /// No network, no default doctype: what the document says, nothing more.
    static let parseOptions = Int32(HTML_PARSE_NONET.rawValue | HTML_PARSE_NODEFDTD.rawValue)

    /// The `<html>` element.
    public var root: HTMLNode? {
        xmlDocGetRootElement(tree).map { HTMLNode(document: self, node: $0) }
    }

    /// The `<head>` element, created when the document has none.
    public var head: HTMLNode? {
        guard let root else { return nil }
        if let head = root.firstChildElement(named: "head") { return head }
        let head = HTMLNode(document: self, node: xmlNewDocNode(tree, nil, "head", nil))
        if let first = root.children.first {
            first.insertBefore(head)
        } else {
            root.append(head)
        }
        return head
    }

    /// The `<body>` element, if any.
    public var body: HTMLNode? { root?.firstChildElement(named: "body") }

    /// The first element, in document order, whose `id` is `id`.
    public func element(withID id: String) -> HTMLNode? {
        guard let root = root?.node else { return nil }
        var found: xmlNodePtr?
        var wanted = id
        wanted.withUTF8 { bytes in
            HTMLNode.walkElements(from: root) { element in
                guard let attribute = HTMLNode.findAttribute("id", of: element) else { return true }
                if HTMLNode.withValue(of: attribute, in: element, { $0.elementsEqual(bytes) }) { found = element }
                return found == nil
            }
        }
        return found.map { HTMLNode(document: self, node: $0) }
    }

    /// Every element in document order.
    public var allElements: [HTMLNode] {
        var result: [HTMLNode] = []
        root?.visitElements { result.append($0) }
        return result
    }

    /// Creates an element that belongs to this document but is not yet in the tree.
    public func makeElement(named name: String) -> HTMLNode {
        HTMLNode(document: self, node: xmlNewDocNode(tree, nil, name, nil))
    }

    /// Creates a text node that belongs to this document but is not yet in the tree.
    public func makeText(_ text: String) -> HTMLNode {
        HTMLNode(document: self, node: xmlNewDocText(tree, text))
    }

    /// The document as HTML text (see `HTMLSerializer`).
    public func serialized() -> String {
        HTMLSerializer.serialize(self)
    }

    /// The doctype line, if the document has one (`<!DOCTYPE html>` …).
    var doctype: String? {
        guard let dtd = tree.pointee.intSubset else { return nil }
        let name = dtd.pointee.name.map { String(cString: $0) } ?? "html"
        var line = "<!DOCTYPE \(name)"
        if let external = dtd.pointee.ExternalID {
            line += " PUBLIC \"\(String(cString: external))\""
            if let system = dtd.pointee.SystemID { line += " \"\(String(cString: system))\"" }
        } else if let system = dtd.pointee.SystemID {
            line += " SYSTEM \"\(String(cString: system))\""
        }
        return line + ">"
    }
}

/// Receives libxml2's structured errors for one parse.
private final class ParseIssueCollector {
    var issues: [HTMLParseIssue] = []

    func record(_ error: xmlError) {
        let message = error.message.map { String(cString: $0) }?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "unknown problem"
        let level: HTMLParseIssue.Level = error.level.rawValue >= XML_ERR_ERROR.rawValue ? .error : .warning
        issues.append(HTMLParseIssue(level: level, line: Int(error.line), message: message))
    }
}

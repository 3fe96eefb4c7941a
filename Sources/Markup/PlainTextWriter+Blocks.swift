// The walk of PlainTextWriter: what each element becomes. Hidden elements and comments (Outlook's
// conditional comments included) are skipped whole; unknown inline elements pass their text through.
internal import CLibXML2

extension PlainTextWriter {
    mutating func visit(_ node: xmlNodePtr) {
        switch node.pointee.type {
        case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
            appendText(UnsafePointer(node.pointee.content))
        case XML_ELEMENT_NODE:
            visitElement(node)
        case XML_DOCUMENT_NODE, XML_HTML_DOCUMENT_NODE:
            visitChildren(node)
        default:
            return
        }
    }

    mutating func visitChildren(_ node: xmlNodePtr) {
        var child = node.pointee.children
        while let current = child {
            visit(current)
            child = current.pointee.next
        }
    }

    /// What an element becomes in the text. Looked up once per element (one hash instead of a chain of
    /// string comparisons); elements not in the table flow inline.
    enum Role {
        case hidden, link, lineBreak, image, nothing, paragraph, underlinedHeading(String), markedHeading(String)
        case list(ordered: Bool), listItem, definition, quote, preformatted, rule, table, tablePart, block
    }

    static let roles: [String: Role] = {
        var roles: [String: Role] = [:]
        for name in HTMLNode.blockElements { roles[name] = .block }
        for name in ["p", "address", "figure", "dl"] { roles[name] = .paragraph }
        roles["h1"] = .underlinedHeading("=")
        roles["h2"] = .underlinedHeading("-")
        roles["h3"] = .markedHeading("### ")
        roles["h4"] = .markedHeading("#### ")
        roles["h5"] = .markedHeading("##### ")
        roles["h6"] = .markedHeading("##### ")
        roles["ul"] = .list(ordered: false)
        roles["menu"] = .list(ordered: false)
        roles["ol"] = .list(ordered: true)
        roles["li"] = .listItem
        roles["dd"] = .definition
        roles["blockquote"] = .quote
        for name in ["pre", "listing", "xmp", "plaintext"] { roles[name] = .preformatted }
        roles["hr"] = .rule
        roles["table"] = .table
        for name in ["tr", "td", "th", "caption"] { roles[name] = .tablePart }
        roles["a"] = .link
        roles["br"] = .lineBreak
        roles["img"] = .image
        roles["wbr"] = .nothing
        for name in HTMLNode.nonTextElements { roles[name] = .hidden }
        return roles
    }()

    private mutating func visitElement(_ node: xmlNodePtr) {
        let role = roleOfName.value(of: node)
        if case .hidden = role { return }
        if node.pointee.properties != nil, HTMLNode.attributesHide(node) { return }
        if depth >= Self.maximumDepth {
            // libxml2 gathers the text without recursing.
            if let content = xmlNodeGetContent(node) {
                defer { gazette_xmlFree(content) }
                appendText(UnsafePointer(content))
            }
            return
        }
        depth += 1
        defer { depth -= 1 }
        guard let role else {
            visitChildren(node)
            return
        }
        switch role {
        case .hidden, .nothing:
            return
        case .link:
            visitLink(node)
        case .lineBreak:
            appendLineBreak()
        case .image:
            appendImage(node)
        case .paragraph:
            block(node, blank: true)
        case .underlinedHeading(let underline):
            heading(node, underline: underline)
        case .markedHeading(let marker):
            heading(node, marker: marker)
        case .list(let ordered):
            visitList(node, ordered: ordered)
        case .listItem:
            visitListItem(node)
        case .definition:
            breakBlock(blank: false)
            push(Container(first: "    ", rest: "    "))
            visitChildren(node)
            pop()
        case .quote:
            breakBlock(blank: true)
            push(Container(first: "> ", rest: "> "))
            visitChildren(node)
            pop()
            breakBlock(blank: true)
        case .preformatted:
            visitPreformatted(node)
        case .rule:
            breakBlock(blank: true)
            emit(String.repeated("-", count: availableWidth))
            breakBlock(blank: true)
        case .table:
            visitTable(node)
        case .tablePart:
            // Only layout tables get here (data tables are written by visitTable): their rows and cells are
            // the sections of the email, so each reads as a paragraph of its own.
            block(node, blank: true)
        case .block:
            block(node, blank: false)
        }
    }

    /// A block: its text starts and ends a line, with blank lines around it if `blank`.
    mutating func block(_ node: xmlNodePtr, blank: Bool) {
        breakBlock(blank: blank)
        visitChildren(node)
        breakBlock(blank: blank)
    }

    /// h1 and h2 underlined, like Setext headings in Markdown.
    private mutating func heading(_ node: xmlNodePtr, underline: String) {
        breakBlock(blank: true)
        visitChildren(node)
        flushInline(underline: underline)
        breakBlock(blank: true)
    }

    /// h3 to h6 with `###`-style markers, continuation lines under the text.
    private mutating func heading(_ node: xmlNodePtr, marker: String) {
        breakBlock(blank: true)
        push(Container(marker: marker))
        visitChildren(node)
        pop()
        breakBlock(blank: true)
    }

    /// Preformatted text as it stands: no wrapping, indentation kept; only trailing spaces go.
    private mutating func visitPreformatted(_ node: xmlNodePtr) {
        breakBlock(blank: true)
        var text: [UInt8] = []
        Self.gatherPreformatted(node, into: &text)
        // Lines end at a line feed not preceded by a carriage return (as splitting on the Character "\n" did: "\r\n"
        // is one Character); blank lines around the code go, a carriage return ending a line too.
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        for index in text.indices where text[index] == 0x0A && (index == 0 || text[index - 1] != 0x0D) {
            lines.append(text[start..<index])
            start = index + 1
        }
        lines.append(text[start...])
        let isBlank = { (line: ArraySlice<UInt8>) in line.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D } }
        while let first = lines.first, isBlank(first) { lines.removeFirst() }
        while let last = lines.last, isBlank(last) { lines.removeLast() }
        let indent = String.repeated(" ", count: options.codeIndent)
        push(Container(first: indent, rest: indent))
        for line in lines {
            let trimmed = line.last == 0x0D ? line.dropLast() : line
            emit(trimmed.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) ? "" : String(decoding: trimmed, as: UTF8.self))
        }
        pop()
        breakBlock(blank: true)
    }

    /// The text of a `pre` as bytes, `<br>` as a line feed, a no-break space as a space.
    private static func gatherPreformatted(_ node: xmlNodePtr, into text: inout [UInt8], depth: Int = 0) {
        if depth >= maximumDepth, let content = xmlNodeGetContent(node) {
            defer { gazette_xmlFree(content) }
            appendPreformatted(content, to: &text)
            return
        }
        var child = node.pointee.children
        while let current = child {
            defer { child = current.pointee.next }
            switch current.pointee.type {
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                guard let content = current.pointee.content else { continue }
                appendPreformatted(content, to: &text)
            case XML_ELEMENT_NODE:
                let name = HTMLNode.elementName(current)
                if HTMLNode.hidesContent(current, named: name) { continue }
                if name == "br" {
                    text.append(0x0A)
                } else {
                    gatherPreformatted(current, into: &text, depth: depth + 1)
                }
            default:
                continue
            }
        }
    }

    /// Appends libxml2's NUL-terminated UTF-8, U+00A0 (C2 A0) made a space.
    private static func appendPreformatted(_ content: UnsafePointer<xmlChar>, to text: inout [UInt8]) {
        var index = 0
        while content[index] != 0 {
            if content[index] == 0xC2, content[index + 1] == 0xA0 {
                text.append(0x20)
                index += 2
            } else {
                text.append(content[index])
                index += 1
            }
        }
    }
}

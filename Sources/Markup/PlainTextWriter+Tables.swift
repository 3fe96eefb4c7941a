// Tables for PlainTextWriter. The whole layout of an email is tables, so a table is written as data only
// when it looks like data (see `dataTable`); layout tables are flattened to their content by the walk.
internal import CLibXML2

extension PlainTextWriter {
    /// A row of a data table: its cells (`td`/`th`) and whether it holds column headings.
    struct TableRow {
        var cells: [xmlNodePtr]
        var isHeader: Bool
    }

    mutating func visitTable(_ node: xmlNodePtr) {
        guard let (caption, rows) = Self.dataTable(node) else {
            block(node, blank: true)
            return
        }
        breakBlock(blank: true)
        // A table inside a link (a whole card made clickable) keeps its cells free of the link's number.
        let outerLink = openLink
        openLink = nil
        if let caption {
            visitChildren(caption)
            flushInline()
        }
        writeDataTable(rows)
        breakBlock(blank: true)
        openLink = outerLink
    }

    /// The caption and rows of `table` when it holds data: not `role="presentation"`/`"none"`, at least two
    /// rows of two or more cells, and cells of inline text only (no blocks, no nested tables, and no images
    /// unless the table has heading cells). Anything else is layout; nil then.
    static func dataTable(_ table: xmlNodePtr) -> (caption: xmlNodePtr?, rows: [TableRow])? {
        if let role = HTMLNode.attribute("role", of: table)?.lowercased(), role == "presentation" || role == "none" {
            return nil
        }
        var caption: xmlNodePtr?
        var rows: [TableRow] = []
        for child in visibleElements(in: table) {
            switch HTMLNode.elementName(child) {
            case "tr":
                rows.append(row(child, inHead: false))
            case "thead", "tbody", "tfoot":
                let inHead = HTMLNode.elementName(child) == "thead"
                for grandchild in visibleElements(in: child) where HTMLNode.elementName(grandchild) == "tr" {
                    rows.append(row(grandchild, inHead: inHead))
                }
            case "caption":
                caption = child
            default:
                continue
            }
        }
        guard rows.filter({ $0.cells.count >= 2 }).count >= 2 else { return nil }
        let hasHeadingCells = rows.contains { row in row.cells.contains { HTMLNode.elementName($0) == "th" } }
        for row in rows {
            for cell in row.cells where containsLayout(cell, imagesAllowed: hasHeadingCells) {
                return nil
            }
        }
        return (caption, rows)
    }

    private static func row(_ tr: xmlNodePtr, inHead: Bool) -> TableRow {
        let cells = visibleElements(in: tr).filter {
            let name = HTMLNode.elementName($0)
            return name == "td" || name == "th"
        }
        let allHeadings = !cells.isEmpty && cells.allSatisfy { HTMLNode.elementName($0) == "th" }
        return TableRow(cells: cells, isHeader: inHead || allHeadings)
    }

    private static func visibleElements(in node: xmlNodePtr) -> [xmlNodePtr] {
        var result: [xmlNodePtr] = []
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE, !HTMLNode.hidesContent(current) { result.append(current) }
            child = current.pointee.next
        }
        return result
    }

    /// Whether a cell holds something only a layout cell would: a block, a nested table, an image.
    private static func containsLayout(_ node: xmlNodePtr, imagesAllowed: Bool, depth: Int = 0) -> Bool {
        // Data cells are shallow; anything deeper than the writer follows is layout.
        if depth >= maximumDepth { return true }
        var child = node.pointee.children
        while let current = child {
            defer { child = current.pointee.next }
            guard current.pointee.type == XML_ELEMENT_NODE else { continue }
            let name = HTMLNode.elementName(current)
            if HTMLNode.hidesContent(current, named: name) { continue }
            if HTMLNode.blockElements.contains(name) || (name == "img" && !imagesAllowed) { return true }
            if containsLayout(current, imagesAllowed: imagesAllowed, depth: depth + 1) { return true }
        }
        return false
    }

    /// Aligned columns when they fit the width, otherwise one block per row of `heading: value` lines.
    private mutating func writeDataTable(_ rows: [TableRow]) {
        let cells = rows.map { $0.cells.map { cellWords($0) } }
        let texts = cells.map { $0.map { $0.joined(separator: " ") } }
        let columnCount = texts.map(\.count).max() ?? 0
        var widths = Array(repeating: 0, count: columnCount)
        for row in texts {
            for (column, text) in row.enumerated() {
                widths[column] = max(widths[column], TextWrapper.displayWidth(of: text))
            }
        }
        // Columns empty in every row (spacer cells) take no room.
        let columns = widths.indices.filter { widths[$0] > 0 }
        let total = columns.reduce(0) { $0 + widths[$1] } + 2 * max(columns.count - 1, 0)
        let headerRow = rows.first?.isHeader == true ? 0 : nil

        if total <= availableWidth {
            for (index, row) in texts.enumerated() where row.contains(where: { !$0.isEmpty }) {
                var line = ""
                for (position, column) in columns.enumerated() {
                    let text = column < row.count ? row[column] : ""
                    line += text
                    if position < columns.count - 1 {
                        line += String.repeated(" ", count: widths[column] - TextWrapper.displayWidth(of: text) + 2)
                    }
                }
                emit(line)
                if index == headerRow {
                    emit(columns.map { String.repeated("-", count: widths[$0]) }.joined(separator: "  "))
                }
            }
            return
        }

        let headings = headerRow.map { texts[$0] } ?? []
        for (index, row) in cells.enumerated() where index != headerRow {
            for (column, value) in row.enumerated() where !value.isEmpty {
                push(Container(first: "", rest: "  "))
                let heading = column < headings.count ? headings[column] : ""
                if !heading.isEmpty {
                    var headingWords = heading.split(separator: " ").map(String.init)
                    headingWords[headingWords.count - 1] += ":"
                    words = WordList(headingWords)
                }
                words.append(contentsOf: value)
                pop()
            }
            breakBlock(blank: true)
        }
    }

    /// The words of one cell, gathered apart from the paragraph around the table.
    private mutating func cellWords(_ cell: xmlNodePtr) -> [String] {
        let saved = words
        words = WordList()
        joinsPrevious = false
        visitChildren(cell)
        let result = words.strings()
        words = saved
        joinsPrevious = false
        return result
    }
}

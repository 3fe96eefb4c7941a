// Lists for PlainTextWriter: `- ` bullets, `1. ` numbers (from `start`, `value`, `reversed`), nested lists
// indented under their item's text, continuation lines aligned under the item text.
internal import CLibXML2

extension PlainTextWriter {
    mutating func visitList(_ node: xmlNodePtr, ordered: Bool) {
        // A list inside a list item stays close to its item; a list in running text is a block of its own.
        let nested = !lists.isEmpty
        breakBlock(blank: !nested)
        var state = ListState(ordered: ordered, next: 1, step: 1)
        if ordered {
            let reversed = HTMLNode.attribute("reversed", of: node) != nil
            if reversed {
                state.step = -1
                state.next = Self.itemCount(node)
            }
            if let start = HTMLNode.attribute("start", of: node).flatMap({ Int($0.filter { !$0.isWhitespace }) }) {
                state.next = start
            }
        }
        lists.append(state)
        visitChildren(node)
        lists.removeLast()
        breakBlock(blank: !nested)
    }

    mutating func visitListItem(_ node: xmlNodePtr) {
        breakBlock(blank: false)
        var marker = "- "
        if let index = lists.indices.last, lists[index].ordered {
            if let value = HTMLNode.attribute("value", of: node).flatMap({ Int($0.filter { !$0.isWhitespace }) }) {
                lists[index].next = value
            }
            marker = "\(lists[index].next). "
            lists[index].next += lists[index].step
        }
        push(Container(marker: marker))
        visitChildren(node)
        pop()
    }

    private static func itemCount(_ list: xmlNodePtr) -> Int {
        var count = 0
        var child = list.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE, HTMLNode.elementName(current) == "li" { count += 1 }
            child = current.pointee.next
        }
        return count
    }
}

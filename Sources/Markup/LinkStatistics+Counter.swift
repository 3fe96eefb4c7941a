// The one walk behind LinkStatistics: counts visible words and characters on libxml2's UTF-8 bytes,
// collects links and images, and skips hidden elements by the rule PlainTextWriter uses.
internal import CLibXML2

extension LinkStatistics {
    struct Counter {
        var statistics = LinkStatistics()
        /// The last byte counted belonged to a word that markup alone may continue.
        var inWord = false
        /// Index in `statistics.links` of the link being read.
        var openLink: Int?
        var linkText: [UInt8] = []
        var linkTextNeedsSpace = false
        var depth = 0
        /// What each element name means to the count, looked up once per distinct name.
        var nameFacts = ElementNameMemo(NameFacts.init)

        struct NameFacts {
            /// `<head>`, `<style>` …: never text a reader sees (`HTMLNode.nonTextElements`).
            var hidesContent: Bool
            /// Ends the word before and after it: a block, `<br>` or `<img>`.
            var breaksWords: Bool
            var isBlock: Bool
            var isImage: Bool
            var isLink: Bool

            init(_ name: String) {
                hidesContent = HTMLNode.nonTextElements.contains(name)
                isBlock = HTMLNode.blockElements.contains(name)
                isImage = name == "img"
                isLink = name == "a"
                breaksWords = isBlock || isImage || name == "br"
            }
        }

        mutating func visit(_ node: xmlNodePtr) {
            switch node.pointee.type {
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = node.pointee.content { count(UnsafePointer(content)) }
            case XML_ELEMENT_NODE:
                visitElement(node)
            case XML_DOCUMENT_NODE, XML_HTML_DOCUMENT_NODE:
                visitChildren(node)
            default:
                return
            }
        }

        private mutating func visitChildren(_ node: xmlNodePtr) {
            var child = node.pointee.children
            while let current = child {
                visit(current)
                child = current.pointee.next
            }
        }

        private mutating func visitElement(_ node: xmlNodePtr) {
            let facts = nameFacts.value(of: node)
            if facts.hidesContent || HTMLNode.attributesHide(node) { return }
            if depth >= PlainTextWriter.maximumDepth {
                // As in PlainTextWriter: past this depth the rest is plain text, gathered by libxml2.
                if let content = xmlNodeGetContent(node) {
                    defer { gazette_xmlFree(content) }
                    count(UnsafePointer(content))
                }
                return
            }
            depth += 1
            defer { depth -= 1 }
            if facts.breaksWords { endWord() }
            if facts.isImage {
                recordImage(node)
            } else if facts.isLink, openLink == nil, let href = HTMLNode.attribute("href", of: node) {
                statistics.links.append(Link(
                    href: HTMLNode.trimmingHTMLSpaces(href), text: "",
                    line: Int(xmlGetLineNo(node)), containsImage: false))
                openLink = statistics.links.count - 1
                linkText.removeAll(keepingCapacity: true)
                linkTextNeedsSpace = false
                visitChildren(node)
                if let index = openLink { statistics.links[index].text = String(decoding: linkText, as: UTF8.self) }
                openLink = nil
                return
            }
            visitChildren(node)
            if facts.isBlock { endWord() }
        }

        private mutating func endWord() {
            inWord = false
            if !linkText.isEmpty { linkTextNeedsSpace = true }
        }

        private mutating func recordImage(_ node: xmlNodePtr) {
            if let index = openLink { statistics.links[index].containsImage = true }
            statistics.images.append(Image(
                src: HTMLNode.attribute("src", of: node) ?? "",
                alt: HTMLNode.attribute("alt", of: node),
                line: Int(xmlGetLineNo(node)),
                width: HTMLNode.attribute("width", of: node),
                height: HTMLNode.attribute("height", of: node)))
        }

        /// Counts a text node's bytes: whitespace as HTML collapses it, one character per Unicode scalar.
        private mutating func count(_ bytes: UnsafePointer<UInt8>) {
            let inLink = openLink != nil
            var index = 0
            while true {
                let byte = bytes[index]
                if !inLink, byte > 0x20, byte < 0x80 {
                    // Plain ASCII outside a link, most of a body: a run counted in one go.
                    var end = index + 1
                    while bytes[end] > 0x20, bytes[end] < 0x80 { end += 1 }
                    statistics.characters += end - index
                    if !inWord { statistics.words += 1 }
                    inWord = true
                    index = end
                    continue
                }
                if byte == 0 { return }
                switch byte {
                case 0x20, 0x09, 0x0A, 0x0D, 0x0C:
                    endWord()
                    index += 1
                    continue
                case 0xC2...0xEF:
                    let special = HTMLNode.specialCharacter(bytes, at: index)
                    if special.length > 0 {
                        if special.isSpace { endWord() }
                        index += special.length
                        continue
                    }
                default:
                    break
                }
                // UTF-8 continuation bytes (10xxxxxx) belong to the scalar already counted.
                if byte & 0xC0 != 0x80 {
                    statistics.characters += 1
                    if !inWord {
                        statistics.words += 1
                        if inLink { statistics.linkWords += 1 }
                    }
                    if inLink { statistics.linkCharacters += 1 }
                }
                inWord = true
                if inLink {
                    if linkTextNeedsSpace {
                        linkText.append(0x20)
                        linkTextNeedsSpace = false
                    }
                    linkText.append(byte)
                }
                index += 1
            }
        }
    }
}

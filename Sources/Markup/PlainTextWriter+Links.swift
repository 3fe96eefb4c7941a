// Links for PlainTextWriter: `text [1]` with a numbered list at the end, or `text <url>` inline; a link
// whose text is its URL shows the URL alone, a mailto link shows the address, page anchors show text only.
internal import CLibXML2
import Foundation  // removingPercentEncoding

extension PlainTextWriter {
    mutating func visitLink(_ node: xmlNodePtr) {
        guard let href = HTMLNode.attribute("href", of: node).map(HTMLNode.trimmingHTMLSpaces),
              Self.leadsSomewhere(href)
        else {
            visitChildren(node)
            return
        }
        // Text glued to the link ("re<a>read</a>") is part of the first word of the link.
        let outer = openLink
        openLink = OpenLink(href: href, start: joinsPrevious && !words.isEmpty ? words.count - 1 : words.count)
        visitChildren(node)
        if let link = openLink { finishLink(href: link.href, textFrom: link.start) }
        openLink = outer
    }

    /// Called before the gathered words are wrapped: a link around blocks (`<a><h2>…</h2><p>…</p></a>`,
    /// common in email cards) gets its reference on each block's text, and starts over after it.
    mutating func finishOpenLinkBeforeFlush() {
        guard let link = openLink else { return }
        finishLink(href: link.href, textFrom: link.start)
        openLink?.start = 0
    }

    /// `#top` and `javascript:` lead nowhere a reader of the text part can follow.
    static func leadsSomewhere(_ href: String) -> Bool {
        guard let first = href.utf8.first, first != UInt8(ascii: "#") else { return false }
        return !hasPrefix(href, "javascript:")
    }

    /// Whether `text` starts with the lower-case ASCII `prefix`, ignoring case (without lower-casing a copy).
    static func hasPrefix(_ text: String, _ prefix: StaticString) -> Bool {
        var characters = text.utf8.makeIterator()
        for index in 0..<prefix.utf8CodeUnitCount {
            guard let byte = characters.next() else { return false }
            let lower = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
            if lower != prefix.utf8Start[index] { return false }
        }
        return true
    }

    private mutating func finishLink(href: String, textFrom start: Int) {
        let start = min(start, words.count)
        guard let last = (start..<words.count).last(where: { !words.isLineBreak($0) }) else {
            // Nothing to read (an image with empty alt, an empty anchor): a bare URL would only be noise.
            return
        }
        if Self.hasPrefix(href, "mailto:") {
            let address = Self.mailAddress(href)
            let text = words.strings(from: start).joined(separator: " ")
            guard !address.isEmpty, address.lowercased() != text.lowercased() else { return }
            words.append("<" + address + ">")
            return
        }
        // A URL is one word: only a one-word text can be the URL itself.
        if start == last, Self.normalizedURL(words.word(last)) == Self.normalizedURL(href) {
            // The text is the URL (perhaps without its scheme): show the whole URL once, clickable.
            words.removeWords(from: start)
            words.append(href)
            return
        }
        switch options.links {
        case .inline:
            words.append("<" + href + ">")
        case .references:
            words.extend(last, with: " [\(referenceNumber(for: href))]")
        }
    }

    private mutating func referenceNumber(for url: String) -> Int {
        if let number = referenceNumbers[url] { return number }
        references.append(url)
        referenceNumbers[url] = references.count
        return references.count
    }

    /// The address of a mailto URL without its `?subject=…` part, percent-decoded.
    static func mailAddress(_ href: String) -> String {
        var address = href.dropFirst("mailto:".count)
        if let query = address.firstIndex(of: "?") { address = address[..<query] }
        return String(address).removingPercentEncoding ?? String(address)
    }

    /// A URL or link text compared loosely: case, scheme, `www.` and a trailing slash don't matter.
    private static func normalizedURL(_ text: String) -> String {
        var value = Substring(text.lowercased())
        for scheme in ["https://", "http://"] where value.hasPrefix(scheme) {
            value = value.dropFirst(scheme.count)
        }
        if value.hasPrefix("www.") { value = value.dropFirst(4) }
        while value.hasSuffix("/") { value = value.dropLast() }
        return String(value)
    }
}

// Markdown → cmark → libxml2 → the text alternative, as build makes an issue's text part. The first byte
// chooses the width and the link style, so narrow and odd widths are explored too.
import Markup

enum MarkdownTextFuzz {
    static func run(_ bytes: [UInt8]) {
        guard let first = bytes.first else { return }
        let markdown = String(decoding: bytes.dropFirst(), as: UTF8.self)
        guard let html = try? CommonMark.html(fromMarkdown: markdown),
              let document = try? HTMLDocument(parsing: "<html><body>" + html + "</body></html>"),
              let body = document.body else { return }
        let options = PlainTextOptions(width: Int(first & 0x7F), links: first & 0x80 == 0 ? .references : .inline,
                                       codeIndent: Int(first & 0x03))
        _ = PlainTextWriter.text(from: body, options: options)
    }
}

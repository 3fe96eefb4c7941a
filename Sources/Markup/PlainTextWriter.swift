// Turns an (already CSS-inlined) HTML tree into the text/plain alternative of an email, in one pass over the
// tree. This file holds the entry point and line output; the walk, inline text, links, lists and tables live
// in the PlainTextWriter+*.swift files beside it.
internal import CLibXML2

/// Writes the text/plain alternative of an HTML email: wrapped paragraphs, underlined headings, indented
/// lists, `>` quotes, verbatim code, readable tables and numbered links, leaving out what a reader can't see.
public struct PlainTextWriter {
    /// The text alternative of `node` (a document's root, its body, or any element): lines of at most
    /// `options.width` columns except words that can't be broken and preformatted lines, no trailing spaces,
    /// at most one blank line in a row, ending in a single newline ("" when nothing in it is visible).
    public static func text(from node: HTMLNode, options: PlainTextOptions = .init()) -> String {
        var writer = PlainTextWriter(options: options)
        writer.visit(node.node)
        writer.finish()
        return String(decoding: writer.output, as: UTF8.self)
    }

    /// A piece of line prefix owned by an enclosing block: `> ` for a quote, `- ` then `  ` for a list item.
    struct Container {
        var first: String
        var rest: String
        var usedFirst = false

        init(first: String, rest: String) {
            self.first = first
            self.rest = rest
        }

        /// A prefix whose continuation lines line up under the text after `marker`.
        init(marker: String) {
            self.init(first: marker, rest: String.repeated(" ", count: TextWrapper.displayWidth(of: marker)))
        }
    }

    /// Numbering of an enclosing `ul`/`ol`.
    struct ListState {
        var ordered: Bool
        var next: Int
        var step: Int
    }

    let options: PlainTextOptions
    /// The text so far, as UTF-8: lines are appended as bytes (a String per line, extended and trimmed, was a
    /// good part of the text part's time).
    var output: [UInt8] = []

    // Line output
    var containers: [Container] = []
    /// A blank line is owed before the next content line …
    var pendingBlank = false
    /// … prefixed by this many containers (the shallowest nesting seen since it was asked for).
    var blankDepth = 0
    /// True at the start too, so the text never opens with a blank line.
    var lastLineBlank = true

    // Inline text of the block being gathered: words, with `TextWrapper.lineBreak` for `<br>`.
    var words = WordList()
    /// The lines of the paragraph being written (TextWrapper's output), kept to reuse their buffers.
    var wrappedLines = WordList()
    /// The next text continues the last word (no whitespace between them in the HTML).
    var joinsPrevious = false

    /// A link being read: its URL and where its words start in `words`.
    struct OpenLink {
        var href: String
        var start: Int
    }

    // Links
    var openLink: OpenLink?
    var references: [String] = []
    var referenceNumbers: [String: Int] = [:]

    // Lists
    var lists: [ListState] = []

    /// Each element's role, by its name (`roles`), looked up once per distinct name.
    var roleOfName = ElementNameMemo { PlainTextWriter.roles[$0] }

    /// Elements open around the one being visited; past `maximumDepth` the rest is read as plain text, so
    /// a pathological tree can't exhaust the stack.
    var depth = 0
    static let maximumDepth = 256

    init(options: PlainTextOptions) {
        self.options = options
        output.reserveCapacity(16 * 1024)
    }

    // MARK: Blocks and lines

    /// Columns left for text inside the current containers (never under 20, so deep nesting still reads).
    var availableWidth: Int {
        var used = 0
        for container in containers { used += TextWrapper.displayWidth(of: container.rest) }
        return max(options.width - used, 20)
    }

    /// Ends the inline text gathered so far; `blank` asks for a blank line before whatever comes next.
    mutating func breakBlock(blank: Bool) {
        flushInline()
        guard blank else { return }
        if pendingBlank {
            blankDepth = min(blankDepth, containers.count)
        } else {
            pendingBlank = true
            blankDepth = containers.count
        }
    }

    mutating func push(_ container: Container) {
        flushInline()
        containers.append(container)
    }

    mutating func pop() {
        flushInline()
        containers.removeLast()
        if pendingBlank { blankDepth = min(blankDepth, containers.count) }
    }

    /// Writes one line of content with the containers' prefixes; "" writes a blank line.
    mutating func emit(_ content: String) {
        if content.isEmpty {
            emitBlank(depth: containers.count)
            return
        }
        let lineStart = startLine()
        output += content.utf8
        endLine(startedAt: lineStart)
        lastLineBlank = false
    }

    /// `emit` of a line's UTF-8 bytes (wrapped paragraphs, which are gathered as bytes).
    mutating func emit(line content: ArraySlice<UInt8>) {
        if content.isEmpty {
            emitBlank(depth: containers.count)
            return
        }
        let lineStart = startLine()
        output.append(contentsOf: content)
        endLine(startedAt: lineStart)
        lastLineBlank = false
    }

    /// Writes the blank line owed and the containers' prefixes of a content line; returns where the line starts.
    private mutating func startLine() -> Int {
        if pendingBlank {
            pendingBlank = false
            emitBlank(depth: blankDepth)
        }
        let lineStart = output.count
        for index in containers.indices {
            output += (containers[index].usedFirst ? containers[index].rest : containers[index].first).utf8
            containers[index].usedFirst = true
        }
        return lineStart
    }

    private mutating func emitBlank(depth: Int) {
        guard !lastLineBlank else { return }
        let lineStart = output.count
        for container in containers.prefix(depth) { output += container.rest.utf8 }
        endLine(startedAt: lineStart)
        lastLineBlank = true
    }

    /// Ends the line begun at `lineStart`, without the spaces and tabs it ends with.
    private mutating func endLine(startedAt lineStart: Int) {
        while output.count > lineStart, let last = output.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") {
            output.removeLast()
        }
        output.append(UInt8(ascii: "\n"))
    }

    /// Flushes the last paragraph and writes the "Links:" list.
    mutating func finish() {
        flushInline()
        if !references.isEmpty {
            breakBlock(blank: true)
            containers.removeAll()
            emit("Links:")
            for (index, url) in references.enumerated() {
                emit("[\(index + 1)] \(url)")
            }
        }
        while output.last == UInt8(ascii: "\n") { output.removeLast() }
        if !output.isEmpty { output.append(UInt8(ascii: "\n")) }
    }
}

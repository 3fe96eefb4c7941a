// The fast path in front of libxml2's HTML parser. What Gazette parses on every build — cmark's HTML inside the
// email template — is well formed: each element is closed where it was opened, references are known. For such
// input this reader builds, with libxml2's own tree functions, the very tree htmlReadMemory builds, in a fraction of
// its time (libxml2's parser spends most of it on rules that well-formed input never needs). At the first thing
// that would need them — an element libxml2 closes implicitly, an element it would imply, a misplaced or
// mismatched tag, a reference it would repair, a stray `<` — the reader gives up, and libxml2 parses the input
// with its recovery and its messages. Where the outcome depends on libxml2's tables (which elements are void, which
// start tag closes which element, what an entity stands for), libxml2 is asked, once per name.
// Tests parse every corpus document and thousands of mutations of them both ways and compare the trees.
internal import CLibXML2
import Foundation

enum WellFormedHTMLParser {
    /// The tree libxml2 would build for `input` and the one message it would give for such input ("Tag … invalid"),
    /// or nil when the input needs libxml2's own parser.
    static func parse(_ input: UnsafeBufferPointer<UInt8>) -> (tree: htmlDocPtr, issues: [HTMLParseIssue])? {
        // Over 10 MB a text node could pass libxml2's XML_MAX_TEXT_LENGTH, which it reports: left to it.
        guard input.count > 0, input.count <= 10_000_000, let tree = htmlNewDocNoDtD(nil, nil) else { return nil }
        guard let dictionary = xmlDictCreate() else {
            xmlFreeDoc(tree)
            return nil
        }
        // What htmlReadMemory sets, but for the name dictionary: libxml2's HTML documents copy each name, ours
        // intern them (freed with the document; xmlNewDocNode and xmlSetProp use it for nodes added later too).
        tree.pointee.dict = dictionary
        tree.pointee.properties = Int32(XML_DOC_HTML.rawValue)
        tree.pointee.parseFlags = Int32(HTML_PARSE_NODEFDTD.rawValue)  // of parseOptions, libxml2 records only this
        tree.pointee.encoding = UnsafePointer(xmlStrdup("UTF-8"))
        var reader = Reader(input: input, tree: tree, dictionary: dictionary)
        do {
            try reader.read()
            return (tree, reader.issues)
        } catch {
            xmlFreeDoc(tree)
            return nil
        }
    }

    /// Where in `input` the reader gave up (a byte offset), nil when it reads it all: for tests' messages.
    static func declinedPosition(_ input: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let tree = htmlNewDocNoDtD(nil, nil), let dictionary = xmlDictCreate() else { return 0 }
        defer { xmlFreeDoc(tree) }
        tree.pointee.dict = dictionary
        var reader = Reader(input: input, tree: tree, dictionary: dictionary)
        do {
            try reader.read()
            return nil
        } catch {
            return reader.position
        }
    }
}

/// Input that needs libxml2's recovery rules.
private struct NeedsLibXML2: Error {}

private struct Reader {
    let input: UnsafeBufferPointer<UInt8>
    let tree: htmlDocPtr
    let dictionary: xmlDictPtr
    var position = 0
    /// The line of `position`, counted as libxml2 counts it (from 1, at each line feed).
    var line = 1
    var issues: [HTMLParseIssue] = []

    /// The elements open, innermost last, with their interned names.
    private var open: [(node: xmlNodePtr, name: UnsafePointer<xmlChar>, index: Int)] = []
    private enum Phase { case beforeRoot, inRoot, afterRoot }
    private var phase = Phase.beforeRoot
    private var sawHead = false
    private var sawBody = false

    /// Character data since the last tag or comment: libxml2 joins it into one text node.
    private var text: [UInt8] = []
    /// The line libxml2 gives that text node: where its first piece was handed to the tree.
    private var textLine = 0
    /// Scratch for names and attribute values (NUL-terminated for libxml2).
    private var scratch: [UInt8] = []

    /// The distinct element names of this parse (interned, so compared as pointers; a document has a few dozen)
    /// and what `HTMLElementRules` said of each: searched in order, cheaper than hashing for so few.
    private var names: [UnsafePointer<xmlChar>] = []
    private var rules: [HTMLElementRules.Element] = []
    /// Whether the name numbered `starting` closes the one numbered `current`, at `starting * side + current`:
    /// 0 not asked yet, 1 yes, 2 no. Names beyond `side` are asked each time.
    private var closings = [UInt8](repeating: 0, count: Reader.side * Reader.side)
    private static let side = 64
    /// Entities met in this parse beyond the common five, by name packed into an integer (names of up to 8 letters).
    private var entities: [(name: UInt64, value: UInt32)] = []

    /// libxml2 hands character data to the tree in pieces of at least this many bytes (HTML_PARSER_BIG_BUFFER_SIZE).
    private static let pieceSize = 1000
    /// Deeper nesting is left to libxml2, which has its limit at 256 open elements.
    private static let deepest = 250
    /// libxml2 reads at most this many characters of a name (HTML_PARSER_BUFFER_SIZE).
    private static let longestName = 99

    init(input: UnsafeBufferPointer<UInt8>, tree: htmlDocPtr, dictionary: xmlDictPtr) {
        self.input = input
        self.tree = tree
        self.dictionary = dictionary
        text.reserveCapacity(4096)
        scratch.reserveCapacity(256)
    }

    private var documentNode: xmlNodePtr { xmlNodePtr(OpaquePointer(tree)) }

    // MARK: The document

    /// htmlParseDocument's order: blanks, comments, a doctype, blanks and comments, then content to the end.
    mutating func read() throws(NeedsLibXML2) {
        skipBlanks()
        try readCommentsBeforeContent()
        if startsDoctype() { try readDoctype() }
        skipBlanks()
        try readCommentsBeforeContent()
        while position < input.count {
            switch input[position] {
            case UInt8(ascii: "<"):
                let next = byte(at: position + 1)
                if next == UInt8(ascii: "/") {
                    try flushText()
                    try readEndTag()
                } else if isASCIILetter(next) {
                    try flushText()
                    try readStartTag()
                } else if next == UInt8(ascii: "!"), byte(at: position + 2) == UInt8(ascii: "-"), byte(at: position + 3) == UInt8(ascii: "-") {
                    try flushText()
                    try readComment()
                } else {
                    throw NeedsLibXML2()  // a stray `<`, a doctype in the content, a processing instruction
                }
            case UInt8(ascii: "&"):
                try readReference()
            default:
                try readCharacterData()
            }
        }
        guard phase != .beforeRoot else { throw NeedsLibXML2() }  // no element at all: libxml2 reports the document empty
        try flushText()
        open.removeAll()  // libxml2 closes what is still open at the end without a word
    }

    private mutating func readCommentsBeforeContent() throws(NeedsLibXML2) {
        while byte(at: position) == UInt8(ascii: "<") {
            if byte(at: position + 1) == UInt8(ascii: "?") { throw NeedsLibXML2() }
            guard byte(at: position + 1) == UInt8(ascii: "!"), byte(at: position + 2) == UInt8(ascii: "-"),
                  byte(at: position + 3) == UInt8(ascii: "-") else { return }
            try readComment()
            skipBlanks()
        }
    }

    private func startsDoctype() -> Bool {
        guard byte(at: position) == UInt8(ascii: "<"), byte(at: position + 1) == UInt8(ascii: "!") else { return false }
        for (offset, letter) in "DOCTYPE".utf8.enumerated() where byte(at: position + 2 + offset) & 0xDF != letter {
            return false
        }
        return true
    }

    /// `<!DOCTYPE name>`, with `PUBLIC "…" ["…"]` or `SYSTEM "…"`; anything else is left to libxml2.
    private mutating func readDoctype() throws(NeedsLibXML2) {
        position += 9
        skipBlanks()
        let nameStart = position
        while isASCIILetter(byte(at: position)) { position += 1 }
        guard position > nameStart else { throw NeedsLibXML2() }
        let name = Array(input[nameStart..<position])
        var publicID: [UInt8]?
        var systemID: [UInt8]?
        skipBlanks()
        if matchesKeyword("PUBLIC") {
            position += 6
            guard isBlank(byte(at: position)) else { throw NeedsLibXML2() }
            skipBlanks()
            publicID = try readLiteral(publicIdentifier: true)
            skipBlanks()
            if byte(at: position) == UInt8(ascii: "\"") || byte(at: position) == UInt8(ascii: "'") {
                systemID = try readLiteral(publicIdentifier: false)
            }
        } else if matchesKeyword("SYSTEM") {
            position += 6
            guard isBlank(byte(at: position)) else { throw NeedsLibXML2() }
            skipBlanks()
            systemID = try readLiteral(publicIdentifier: false)
        }
        skipBlanks()
        guard byte(at: position) == UInt8(ascii: ">") else { throw NeedsLibXML2() }
        position += 1
        // HTML 4.01 Strict makes libxml2 drop white space in <body>: not mirrored here.
        if let publicID {
            let lowered = String(decoding: publicID, as: UTF8.self).lowercased()
            if lowered == "-//w3c//dtd html 4.01//en" || lowered == "-//w3c//dtd html 4//en" { throw NeedsLibXML2() }
        }
        let withNUL: ([UInt8]?) -> [UInt8]? = { $0.map { $0 + [0] } }
        let nameZ = name + [0], publicZ = withNUL(publicID), systemZ = withNUL(systemID)
        nameZ.withUnsafeBufferPointer { namePointer in
            func pointer(_ bytes: [UInt8]?, _ body: (UnsafePointer<xmlChar>?) -> Void) {
                guard let bytes else { return body(nil) }
                bytes.withUnsafeBufferPointer { body($0.baseAddress) }
            }
            pointer(publicZ) { publicPointer in
                pointer(systemZ) { systemPointer in
                    _ = xmlCreateIntSubset(tree, namePointer.baseAddress, publicPointer, systemPointer)
                }
            }
        }
    }

    private func matchesKeyword(_ keyword: StaticString) -> Bool {
        let bytes = UnsafeBufferPointer(start: keyword.utf8Start, count: keyword.utf8CodeUnitCount)
        for (offset, letter) in bytes.enumerated() where byte(at: position + offset) & 0xDF != letter { return false }
        return true
    }

    /// A quoted doctype literal; a public identifier holds only the characters XML allows there.
    private mutating func readLiteral(publicIdentifier: Bool) throws(NeedsLibXML2) -> [UInt8] {
        let quote = byte(at: position)
        guard quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else { throw NeedsLibXML2() }
        position += 1
        let start = position
        while position < input.count, input[position] != quote {
            let character = input[position]
            if publicIdentifier, !Self.isPublicIdentifierCharacter(character) { throw NeedsLibXML2() }
            if character < 0x20 || character >= 0x80 { throw NeedsLibXML2() }
            position += 1
        }
        guard position < input.count else { throw NeedsLibXML2() }
        defer { position += 1 }
        return Array(input[start..<position])
    }

    private static func isPublicIdentifierCharacter(_ character: UInt8) -> Bool {
        if isASCIILetterOrDigit(character) || character == 0x20 { return true }
        return "-'()+,./:=?;!*#@$_%".utf8.contains(character)
    }

    // MARK: Tags

    private mutating func readStartTag() throws(NeedsLibXML2) {
        position += 1
        let name = try readName()
        // libxml2 splits a prefixed element name (`<o:p>` becomes <p>, the prefix dropped): left to it.
        if strchr(UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self), Int32(UInt8(ascii: ":"))) != nil { throw NeedsLibXML2() }
        let index = number(of: name)
        try checkPlacement(of: name, index: index)
        guard let node = xmlNewDocNodeEatName(tree, nil, UnsafeMutablePointer(mutating: name), nil) else { throw NeedsLibXML2() }
        xmlAddChild(open.last?.node ?? documentNode, node)

        skipBlanks()
        while position < input.count, input[position] != UInt8(ascii: ">"),
              !(input[position] == UInt8(ascii: "/") && byte(at: position + 1) == UInt8(ascii: ">")) {
            try readAttribute(of: node)
            skipBlanks()
        }
        guard position < input.count else { throw NeedsLibXML2() }
        node.pointee.line = UInt16(clamping: line)  // libxml2 records the line where the start tag's name and attributes end
        let rules = rules[index]
        if !rules.isKnown {
            issues.append(HTMLParseIssue(level: .error, line: line, message: "Tag \(String(cString: name)) invalid"))
        }
        if input[position] == UInt8(ascii: "/") {
            // `<html/>`, `<head/>`, `<body/>`: libxml2 keeps what follows inside them; left to it.
            if open.count <= 1 { throw NeedsLibXML2() }
            position += 2  // `<x/>`: libxml2 closes any element written so, void or not
            return
        }
        position += 1
        if rules.isVoid { return }
        // libxml2 stops at a depth of 256 without XML_PARSE_HUGE ("Excessive depth in document"): left to it.
        if open.count >= Self.deepest { throw NeedsLibXML2() }
        open.append((node, name, index))
        if phase == .beforeRoot { phase = .inRoot }
        if Self.equals(name, "script") || Self.equals(name, "style") { try readRawText(of: node) }
    }

    /// Declines every start tag whose place makes libxml2 imply, close or move an element.
    private mutating func checkPlacement(of name: UnsafePointer<xmlChar>, index: Int) throws(NeedsLibXML2) {
        switch phase {
        case .beforeRoot:
            guard Self.equals(name, "html") else { throw NeedsLibXML2() }  // libxml2 would imply <html>
            return
        case .afterRoot:
            throw NeedsLibXML2()
        case .inRoot:
            break
        }
        if Self.equals(name, "html") { throw NeedsLibXML2() }
        if open.count == 1 {
            // Directly in <html>: only <head> then <body>; anything else makes libxml2 imply one of them.
            if Self.equals(name, "head"), !sawHead, !sawBody {
                sawHead = true
                return
            }
            if Self.equals(name, "body"), !sawBody {
                sawBody = true
                return
            }
            throw NeedsLibXML2()
        }
        if Self.equals(name, "head") || Self.equals(name, "body") { throw NeedsLibXML2() }
        // In <head>, libxml2 closes the head before an element that does not belong there, even one it does not
        // know (`<s.yle>`): only the head's own elements are read here.
        if open.count == 2, sawHead, !sawBody, !Self.belongsInHead(name) { throw NeedsLibXML2() }
        guard let current = open.last?.index else { throw NeedsLibXML2() }
        if closes(index, current) { throw NeedsLibXML2() }
    }

    private mutating func readEndTag() throws(NeedsLibXML2) {
        position += 2
        guard isASCIILetter(byte(at: position)) else { throw NeedsLibXML2() }
        let name = try readName()
        skipBlanks()
        guard byte(at: position) == UInt8(ascii: ">"), let current = open.last, current.name == name else {
            throw NeedsLibXML2()  // a mismatched end tag: libxml2 closes, ignores or reports, by its priorities
        }
        position += 1
        open.removeLast()
        if open.isEmpty { phase = .afterRoot }
    }

    /// A tag or attribute name as libxml2 reads it (letters, digits, `:-_.`, lower-cased), interned.
    private mutating func readName() throws(NeedsLibXML2) -> UnsafePointer<xmlChar> {
        let first = byte(at: position)
        guard isASCIILetter(first) || first == UInt8(ascii: "_") || first == UInt8(ascii: ":") || first == UInt8(ascii: ".") else {
            throw NeedsLibXML2()
        }
        let start = position
        var hasUpperCase = false
        while position < input.count {
            let character = input[position]
            guard Self.isASCIILetterOrDigit(character) || character == UInt8(ascii: ":") || character == UInt8(ascii: "-")
                    || character == UInt8(ascii: "_") || character == UInt8(ascii: ".") else { break }
            if character >= UInt8(ascii: "A"), character <= UInt8(ascii: "Z") { hasUpperCase = true }
            position += 1
        }
        guard position - start <= Self.longestName else { throw NeedsLibXML2() }  // libxml2 would cut it short
        let interned: UnsafePointer<xmlChar>?
        if hasUpperCase {
            scratch.removeAll(keepingCapacity: true)
            for character in input[start..<position] {
                scratch.append(character >= UInt8(ascii: "A") && character <= UInt8(ascii: "Z") ? character | 0x20 : character)
            }
            interned = scratch.withUnsafeBufferPointer { xmlDictLookup(dictionary, $0.baseAddress, Int32($0.count)) }
        } else {
            interned = xmlDictLookup(dictionary, input.baseAddress! + start, Int32(position - start))  // as written
        }
        guard let interned else { throw NeedsLibXML2() }
        return interned
    }

    /// `name`, `name=value`, `name="value"` or `name='value'`, added to `node` as libxml2's SAX handler adds it.
    private mutating func readAttribute(of node: xmlNodePtr) throws(NeedsLibXML2) {
        let name = try readName()
        var attribute = node.pointee.properties
        while let current = attribute {
            if current.pointee.name == name { throw NeedsLibXML2() }  // libxml2 reports the second and drops it
            attribute = current.pointee.next
        }
        skipBlanks()
        guard byte(at: position) == UInt8(ascii: "=") else {
            // No value: libxml2 gives a boolean attribute (`checked`) its own name, any other none.
            let value: UnsafePointer<xmlChar>? = htmlIsBooleanAttr(name) != 0 ? name : nil
            guard xmlNewNsPropEatName(node, nil, UnsafeMutablePointer(mutating: name), value) != nil else { throw NeedsLibXML2() }
            return
        }
        position += 1
        skipBlanks()
        scratch.removeAll(keepingCapacity: true)
        let quote = byte(at: position)
        if quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") {
            position += 1
            // Most values hold no reference and no line feed: copied in one piece up to the quote.
            let start = position
            while position < input.count, input[position] != quote, input[position] >= 0x20, input[position] != UInt8(ascii: "&"),
                  input[position] != 0xEF {
                position += 1
            }
            scratch.append(contentsOf: UnsafeBufferPointer(rebasing: input[start..<position]))
            while position < input.count, input[position] != quote {
                try readAttributeCharacter()
            }
            guard position < input.count else { throw NeedsLibXML2() }
            position += 1
        } else {
            while position < input.count, input[position] != UInt8(ascii: ">"), !isBlank(input[position]) {
                try readAttributeCharacter()
            }
            guard !scratch.isEmpty else { throw NeedsLibXML2() }
        }
        scratch.append(0)
        let added = scratch.withUnsafeBufferPointer { xmlNewNsPropEatName(node, nil, UnsafeMutablePointer(mutating: name), $0.baseAddress) }
        guard let added else { throw NeedsLibXML2() }
        // An HTML ID (`id`, or `name` on <a>) is registered with the document; libxml2's parser reports one that
        // is already defined ("ID … already defined"), so a repeated one is left to it.
        if Self.equals(name, "id") || (Self.equals(name, "name") && Self.equals(node.pointee.name, "a")) {
            guard scratch.withUnsafeBufferPointer({ xmlGetID(tree, $0.baseAddress) }) == added else { throw NeedsLibXML2() }
        }
    }

    private mutating func readAttributeCharacter() throws(NeedsLibXML2) {
        let character = input[position]
        if character == UInt8(ascii: "&") {
            Self.appendUTF8(try readReferenceValue(), to: &scratch)
            return
        }
        try checkCharacter(at: position)
        if character == 0x0A { line += 1 }
        scratch.append(character)
        position += 1
    }

    // MARK: Content

    /// Text up to the next `<` or `&`.
    private mutating func readCharacterData() throws(NeedsLibXML2) {
        let start = position
        let startLine = line
        var blank = true
        while position < input.count {
            // Eight bytes at a time while none is a control, `<`, `&` or 0xEF: letters and spaces need no check.
            if position + 8 <= input.count, let base = input.baseAddress {
                let word = WordScan.word(at: base + position)
                if WordScan.below(word, 0x20) | WordScan.matches(word, UInt8(ascii: "<")) | WordScan.matches(word, UInt8(ascii: "&"))
                    | WordScan.matches(word, 0xEF) == 0 {
                    if word != 0x2020_2020_2020_2020 { blank = false }
                    position += 8
                    continue
                }
            }
            let character = input[position]
            if character > 0x20, character != UInt8(ascii: "<"), character != UInt8(ascii: "&"), character != 0xEF {
                blank = false  // the common case, with no further test
                position += 1
                continue
            }
            if character == UInt8(ascii: "<") || character == UInt8(ascii: "&") { break }
            try checkCharacter(at: position)
            if character == 0x0A { line += 1 }
            if !isBlank(character) { blank = false }
            position += 1
        }
        if open.isEmpty {
            guard blank else { throw NeedsLibXML2() }  // text outside <html>: libxml2 would imply elements for it
            return  // white space there is dropped, as libxml2 drops it
        }
        if !blank, isHTMLOrHead(open[open.count - 1].name) { throw NeedsLibXML2() }  // libxml2 would imply a <p>
        if text.isEmpty {
            textLine = position - start >= Self.pieceSize ? Self.line(afterFirstPieceFrom: start, in: input, startLine: startLine) : line
        }
        text.append(contentsOf: UnsafeBufferPointer(rebasing: input[start..<position]))
    }

    /// The line libxml2 is at when it hands the first piece of a long run of text to the tree.
    private static func line(afterFirstPieceFrom start: Int, in input: UnsafeBufferPointer<UInt8>, startLine: Int) -> Int {
        var line = startLine
        var index = start
        while index < input.count {
            let length = utf8Length(input[index])
            if index + length - start >= pieceSize { return line }
            for offset in 0..<length where input[index + offset] == 0x0A { line += 1 }
            index += length
        }
        return line
    }

    /// `&name;` or `&#…;` in text.
    private mutating func readReference() throws(NeedsLibXML2) {
        guard let current = open.last, !isHTMLOrHead(current.name) else { throw NeedsLibXML2() }
        let wasEmpty = text.isEmpty
        Self.appendUTF8(try readReferenceValue(), to: &text)
        if wasEmpty { textLine = line }
    }

    /// A reference libxml2 reads without complaint: a known entity, or a character number it accepts, ended by `;`.
    private mutating func readReferenceValue() throws(NeedsLibXML2) -> UInt32 {
        position += 1
        var value: UInt32 = 0
        if byte(at: position) == UInt8(ascii: "#") {
            position += 1
            let hexadecimal = byte(at: position) | 0x20 == UInt8(ascii: "x")
            if hexadecimal { position += 1 }
            let digitsStart = position
            while position < input.count, input[position] != UInt8(ascii: ";") {
                guard let digit = Self.digitValue(input[position], hexadecimal: hexadecimal), position - digitsStart < 8 else {
                    throw NeedsLibXML2()
                }
                value = value * (hexadecimal ? 16 : 10) + digit
                position += 1
            }
            guard position > digitsStart, position < input.count, Self.isXMLCharacter(value) else { throw NeedsLibXML2() }
            position += 1
        } else {
            let nameStart = position
            while Self.isASCIILetterOrDigit(byte(at: position)) { position += 1 }
            guard position > nameStart, position - nameStart <= 32, isASCIILetter(input[nameStart]),
                  byte(at: position) == UInt8(ascii: ";") else { throw NeedsLibXML2() }
            value = try entityValue(UnsafeBufferPointer(rebasing: input[nameStart..<position]))
            position += 1
        }
        return value
    }

    /// The character an HTML 4 entity stands for, as libxml2's table has it; an unknown one is left to libxml2.
    private mutating func entityValue(_ name: UnsafeBufferPointer<UInt8>) throws(NeedsLibXML2) -> UInt32 {
        switch name.count {  // the five everyone writes, without the walk through libxml2's table
        case 2 where name[0] == UInt8(ascii: "l") && name[1] == UInt8(ascii: "t"): return 0x3C
        case 2 where name[0] == UInt8(ascii: "g") && name[1] == UInt8(ascii: "t"): return 0x3E
        case 3 where name.elementsEqual("amp".utf8): return 0x26
        case 4 where name.elementsEqual("quot".utf8): return 0x22
        case 4 where name.elementsEqual("nbsp".utf8): return 0xA0
        default: break
        }
        // Others are looked up once per parse: a template repeats its `&zwnj;` or `&mdash;` dozens of times, and
        // libxml2 finds each by walking its table of 253.
        var packed: UInt64 = 0
        if name.count <= 8 {
            for byte in name { packed = packed << 8 | UInt64(byte) }
            if let known = entities.first(where: { $0.name == packed }) { return known.value }
        }
        let value = (Array(name) + [0]).withUnsafeBufferPointer { htmlEntityLookup($0.baseAddress)?.pointee.value ?? 0 }
        guard value > 0 else { throw NeedsLibXML2() }
        if name.count <= 8 { entities.append((packed, value)) }
        return value
    }

    /// `<!--…-->`, as a child of the open element (or of the document outside <html>).
    private mutating func readComment() throws(NeedsLibXML2) {
        position += 4
        let start = position
        // libxml2 2.9.14 ends `<!-->`, `<!--->` and `--!>` in ways of its own: left to it.
        if byte(at: start) == UInt8(ascii: ">") || (byte(at: start) == UInt8(ascii: "-") && byte(at: start + 1) == UInt8(ascii: ">")) {
            throw NeedsLibXML2()
        }
        while position + 2 < input.count {
            let character = input[position]
            if character == UInt8(ascii: "-"), input[position + 1] == UInt8(ascii: "-") {
                if input[position + 2] == UInt8(ascii: ">") { break }
                if input[position + 2] == UInt8(ascii: "!"), byte(at: position + 3) == UInt8(ascii: ">") { throw NeedsLibXML2() }
            }
            try checkCharacter(at: position)
            if character == 0x0A { line += 1 }
            position += 1
        }
        guard position + 2 < input.count else { throw NeedsLibXML2() }  // not ended: libxml2 reports it
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: input[start..<position]))
        scratch.append(0)
        position += 3
        let comment = scratch.withUnsafeBufferPointer { xmlNewDocComment(tree, $0.baseAddress) }
        guard let comment else { throw NeedsLibXML2() }
        comment.pointee.line = UInt16(clamping: line)
        xmlAddChild(open.last?.node ?? documentNode, comment)
    }

    /// The content of `script` or `style`, to the first `</`: one CDATA node, as libxml2 makes it.
    private mutating func readRawText(of node: xmlNodePtr) throws(NeedsLibXML2) {
        let start = position
        // libxml2 looks for a start tag before it reads raw text, and one that closes the element (`<body>`)
        // ends it: a `<` and a name first thing is left to it.
        let second = byte(at: position + 1)
        if byte(at: position) == UInt8(ascii: "<"), isASCIILetter(second) || second == UInt8(ascii: "_") || second == UInt8(ascii: ":") {
            throw NeedsLibXML2()
        }
        while position < input.count {
            let character = input[position]
            if character > 0x20, character != UInt8(ascii: "<"), character != 0xEF {
                position += 1
                continue
            }
            // Any `</` ends the raw text here: one not followed by this element's name is a mismatched end tag
            // (declined below), and libxml2 takes a `</` not followed by a letter apart its own way.
            if character == UInt8(ascii: "<"), byte(at: position + 1) == UInt8(ascii: "/") { break }
            try checkCharacter(at: position)
            if character == 0x0A { line += 1 }
            position += 1
        }
        guard position > start else { return }
        guard let content = xmlNewCDataBlock(tree, input.baseAddress! + start, Int32(position - start)) else { throw NeedsLibXML2() }
        xmlAddChild(node, content)
    }

    /// Adds the text gathered since the last tag or comment as one node.
    private mutating func flushText() throws(NeedsLibXML2) {
        guard !text.isEmpty, let parent = open.last?.node else { return }
        let node = text.withUnsafeBufferPointer { xmlNewDocTextLen(tree, $0.baseAddress, Int32($0.count)) }
        guard let node else { throw NeedsLibXML2() }
        node.pointee.line = UInt16(clamping: textLine)
        xmlAddChild(parent, node)
        text.removeAll(keepingCapacity: true)
    }

    // MARK: Rules

    /// The number of an element name in `names`, added with libxml2's rules for it when new.
    private mutating func number(of name: UnsafePointer<xmlChar>) -> Int {
        if let index = names.firstIndex(of: name) { return index }
        names.append(name)
        rules.append(HTMLElementRules.shared.element(String(cString: name)))
        return names.count - 1
    }

    /// Whether libxml2 closes the open element numbered `current` when one numbered `starting` starts inside it.
    private mutating func closes(_ starting: Int, _ current: Int) -> Bool {
        let cell = starting < Self.side && current < Self.side ? starting * Self.side + current : nil
        if let cell, closings[cell] != 0 { return closings[cell] == 1 }
        let answer = HTMLElementRules.shared.closes(String(cString: names[starting]), String(cString: names[current]))
        if let cell { closings[cell] = answer ? 1 : 2 }
        return answer
    }

    private static func belongsInHead(_ name: UnsafePointer<xmlChar>) -> Bool {
        equals(name, "title") || equals(name, "meta") || equals(name, "link") || equals(name, "style")
            || equals(name, "script") || equals(name, "base")
    }

    private func isHTMLOrHead(_ name: UnsafePointer<xmlChar>) -> Bool {
        Self.equals(name, "html") || Self.equals(name, "head")
    }

    // MARK: Characters

    private func byte(at index: Int) -> UInt8 { index < input.count ? input[index] : 0 }

    private mutating func skipBlanks() {
        while position < input.count, isBlank(input[position]) {
            if input[position] == 0x0A { line += 1 }
            position += 1
        }
    }

    /// Declines what libxml2 reports as a character it does not allow, and the carriage return it would treat
    /// as it reads on (not mirrored here).
    private func checkCharacter(at index: Int) throws(NeedsLibXML2) {
        let character = input[index]
        if character < 0x20, character != 0x09, character != 0x0A { throw NeedsLibXML2() }
        if character == 0xEF, byte(at: index + 1) == 0xBF, byte(at: index + 2) >= 0xBE { throw NeedsLibXML2() }  // U+FFFE, U+FFFF
    }

    private func isBlank(_ character: UInt8) -> Bool {
        character == 0x20 || character == 0x09 || character == 0x0A || character == 0x0D
    }

    private func isASCIILetter(_ character: UInt8) -> Bool {
        (character | 0x20) >= UInt8(ascii: "a") && (character | 0x20) <= UInt8(ascii: "z")
    }

    private static func isASCIILetterOrDigit(_ character: UInt8) -> Bool {
        ((character | 0x20) >= UInt8(ascii: "a") && (character | 0x20) <= UInt8(ascii: "z"))
            || (character >= UInt8(ascii: "0") && character <= UInt8(ascii: "9"))
    }

    private static func digitValue(_ character: UInt8, hexadecimal: Bool) -> UInt32? {
        if character >= UInt8(ascii: "0"), character <= UInt8(ascii: "9") { return UInt32(character - UInt8(ascii: "0")) }
        let lower = character | 0x20
        if hexadecimal, lower >= UInt8(ascii: "a"), lower <= UInt8(ascii: "f") { return UInt32(lower - UInt8(ascii: "a") + 10) }
        return nil
    }

    /// XML's Char production, which libxml2 checks character references against.
    private static func isXMLCharacter(_ value: UInt32) -> Bool {
        value == 0x09 || value == 0x0A || value == 0x0D || (0x20...0xD7FF).contains(value)
            || (0xE000...0xFFFD).contains(value) || (0x10000...0x10FFFF).contains(value)
    }

    private static func utf8Length(_ leading: UInt8) -> Int {
        leading < 0x80 ? 1 : leading < 0xE0 ? 2 : leading < 0xF0 ? 3 : 4
    }

    private static func appendUTF8(_ value: UInt32, to output: inout [UInt8]) {
        switch value {
        case ..<0x80:
            output.append(UInt8(value))
        case ..<0x800:
            output.append(UInt8(0xC0 | value >> 6))
            output.append(UInt8(0x80 | value & 0x3F))
        case ..<0x10000:
            output.append(UInt8(0xE0 | value >> 12))
            output.append(UInt8(0x80 | value >> 6 & 0x3F))
            output.append(UInt8(0x80 | value & 0x3F))
        default:
            output.append(UInt8(0xF0 | value >> 18))
            output.append(UInt8(0x80 | value >> 12 & 0x3F))
            output.append(UInt8(0x80 | value >> 6 & 0x3F))
            output.append(UInt8(0x80 | value & 0x3F))
        }
    }

    /// Whether the NUL-terminated `name` is `literal`.
    private static func equals(_ name: UnsafePointer<xmlChar>, _ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        return memcmp(name, literal.utf8Start, count) == 0 && name[count] == 0
    }
}

/// What libxml2's HTML parser knows of element names, asked of libxml2 once per name or pair and kept for the process.
final class HTMLElementRules: @unchecked Sendable {
    struct Element: Sendable {
        /// In libxml2's element table; an element outside it gets "Tag … invalid".
        var isKnown: Bool
        /// Closed by libxml2 right after its start tag (`br`, `img`, `meta` …).
        var isVoid: Bool
    }

    static let shared = HTMLElementRules()

    // Every stored property is behind the lock.
    private let lock = NSLock()
    private var elements: [String: Element] = [:]
    private var closings: [String: Bool] = [:]

    private init() {
        xmlInitParser()  // builds libxml2's auto-close index, which htmlAutoCloseTag reads
    }

    func element(_ name: String) -> Element {
        lock.lock()
        defer { lock.unlock() }
        if let known = elements[name] { return known }
        let description = htmlTagLookup(name)
        let element = Element(isKnown: description != nil, isVoid: (description?.pointee.empty ?? 0) != 0)
        elements[name] = element
        return element
    }

    /// Whether libxml2 closes an open `current` element when a `starting` start tag comes inside it.
    func closes(_ starting: String, _ current: String) -> Bool {
        let key = starting + " " + current
        lock.lock()
        if let known = closings[key] {
            lock.unlock()
            return known
        }
        lock.unlock()
        let answer = starting == current ? Self.probeClosesItself(starting) : Self.askCloses(starting, current)
        lock.lock()
        closings[key] = answer
        lock.unlock()
        return answer
    }

    /// htmlAutoCloseTag(doc, name, elem) answers whether an element named like `elem`, starting, closes `name`.
    private static func askCloses(_ starting: String, _ current: String) -> Bool {
        guard let probe = xmlNewNode(nil, starting) else { return true }
        defer { xmlFreeNode(probe) }
        return htmlAutoCloseTag(nil, current, probe) != 0
    }

    /// htmlAutoCloseTag says no for one name in itself, whatever the parser does; the parser is asked instead.
    private static func probeClosesItself(_ name: String) -> Bool {
        let html = "<html><body><\(name)><\(name)></\(name)></\(name)></body></html>"
        let options = Int32(HTML_PARSE_NONET.rawValue | HTML_PARSE_NODEFDTD.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue)
        guard let document = htmlReadMemory(html, Int32(html.utf8.count), nil, "UTF-8", options) else { return true }
        defer { xmlFreeDoc(document) }
        func child(of node: xmlNodePtr?, named wanted: String?) -> xmlNodePtr? {
            var child = node?.pointee.children
            while let current = child {
                if wanted == nil { return current }
                if current.pointee.type == XML_ELEMENT_NODE, String(cString: current.pointee.name) == wanted { return current }
                child = current.pointee.next
            }
            return nil
        }
        guard let outer = child(of: child(of: xmlDocGetRootElement(document), named: "body"), named: nil),
              outer.pointee.type == XML_ELEMENT_NODE, String(cString: outer.pointee.name) == name else { return true }
        guard let inner = child(of: outer, named: nil) else { return true }
        return !(inner.pointee.type == XML_ELEMENT_NODE && String(cString: inner.pointee.name) == name)
    }
}

// Turns CSS text into style rules and at-rules (CSS Syntax Level 3's error recovery, simplified).
// Works on UTF-8 bytes; broken parts are skipped with a CSSDiagnostic, never a trap. Selectors: SelectorParser.

import Foundation

/// A one-pass CSS parser over UTF-8 bytes; `limit` narrows it to a block while parsing nested content.
struct CSSParser {
    private let bytes: [UInt8]
    private var index = 0
    private var limit: Int
    private let source: String
    private let firstLine: Int
    private(set) var diagnostics: [CSSDiagnostic] = []
    // Lines are counted forward from a cursor, so asking for increasing offsets costs one pass in total.
    private var lineCursor = 0
    private var lineAtCursor: Int
    /// A problem met while scanning (an unterminated string or comment): the caller drops what it was reading.
    private var scanProblem: (line: Int, message: String, hint: String)?

    init(_ text: String, source: String, firstLine: Int = 1) {
        bytes = Array(text.utf8)
        limit = bytes.count
        self.source = source
        self.firstLine = firstLine
        lineAtCursor = firstLine
    }

    // MARK: Stylesheet level

    mutating func parseStylesheet() -> [Stylesheet.Item] {
        var items: [Stylesheet.Item] = []
        while true {
            skipWhitespaceAndComments()
            guard index < limit else { break }
            switch bytes[index] {
            case UInt8(ascii: "@"):
                items += parseAtRule(parentSelectors: nil)
            case UInt8(ascii: "}"):
                report(at: index, "a '}' closes nothing", hint: "remove the extra '}' or add the '{' it belongs to")
                index += 1
            case UInt8(ascii: "<") where starts(with: "<!--"):
                index += 4  // CDO/CDC tokens are ignored at the top level (CSS Syntax §5.4.1).
            case UInt8(ascii: "-") where starts(with: "-->"):
                index += 3
            default:
                items += parseQualifiedRule(parentSelectors: nil)
            }
        }
        return items
    }

    /// A declaration list without braces, as in a `style` attribute.
    mutating func parseDeclarationList() -> [Declaration] {
        parseBlockContent(end: limit, parentSelectors: []).declarations
    }

    // MARK: Rules

    /// A qualified rule at `index`; nested rules inside it come back flattened after it.
    private mutating func parseQualifiedRule(parentSelectors: [String]?) -> [Stylesheet.Item] {
        let start = index
        scanProblem = nil
        let (end, stop) = scan(until: [.openBrace, .closeBrace, .semicolon])
        let problem = scanProblem
        guard let stop else {
            report(at: start, "'\(text(start, end).prefix(40))' has no '{ … }' block", hint: "add the declaration block or remove the text")
            index = end
            return []
        }
        guard stop == UInt8(ascii: "{") else {
            // Top level only: text before a ';' or '}' with no block is garbage; skip through it.
            report(at: start, "'\(text(start, end).prefix(40))' is not a rule", hint: "remove it, or give it a selector and a '{ … }' block")
            index = end + 1
            return []
        }
        guard let blockEnd = findBlockEnd(openingAt: end) else {
            report(at: end, "the block opened here is never closed", hint: "add the missing '}'")
            index = limit
            return []
        }
        index = blockEnd + 1
        if let problem {
            report(line: problem.line, problem.message + "; the rule is skipped", hint: problem.hint)
            return []
        }
        let prelude = collapseWhitespace(text(start, end))
        let selectorTexts = nestedSelectorTexts(prelude, parents: parentSelectors)
        return makeRule(selectorTexts: selectorTexts, blockStart: end + 1, blockEnd: blockEnd, line: line(at: start))
    }

    private mutating func makeRule(selectorTexts: [String], blockStart: Int, blockEnd: Int, line: Int) -> [Stylesheet.Item] {
        let saved = (index, limit)
        index = blockStart
        let content = parseBlockContent(end: blockEnd, parentSelectors: selectorTexts)
        (index, limit) = saved
        var selectors: [Selector] = []
        for selectorText in selectorTexts {
            switch SelectorParser.parse(selectorText) {
            case .success(let selector): selectors.append(selector)
            case .failure(let error):
                report(line: line, "the selector '\(selectorText)' is not valid: \(error.message)", hint: "fix the selector or remove it from the list")
            }
        }
        var items: [Stylesheet.Item] = []
        // Rules without declarations change nothing; Juice drops them too.
        if !selectors.isEmpty, !content.declarations.isEmpty {
            let rule = StyleRule(
                selectorText: selectorTexts.joined(separator: ", "), selectors: selectors,
                declarations: content.declarations, line: line)
            items.append(.rule(rule))
        }
        return items + content.nested
    }

    /// Declarations and nested rules between `index` and `end` (the closing brace, or the end of a style attribute).
    private mutating func parseBlockContent(end: Int, parentSelectors: [String]) -> (declarations: [Declaration], nested: [Stylesheet.Item]) {
        let savedLimit = limit
        limit = end
        defer { limit = savedLimit }
        var declarations: [Declaration] = []
        var nested: [Stylesheet.Item] = []
        while true {
            skipWhitespaceAndComments()
            guard index < limit else { break }
            if bytes[index] == UInt8(ascii: ";") {
                index += 1
                continue
            }
            if bytes[index] == UInt8(ascii: "@") {
                nested += parseAtRule(parentSelectors: parentSelectors)
                continue
            }
            let start = index
            scanProblem = nil
            let (stopIndex, stop) = scan(until: [.semicolon, .openBrace])
            if stop == UInt8(ascii: "{"), !parentSelectors.isEmpty {
                // CSS Nesting: `& .title { … }` inside `.card { … }` becomes `.card .title { … }`.
                index = start
                nested += parseQualifiedRule(parentSelectors: parentSelectors)
                continue
            }
            if stop == UInt8(ascii: "{") {
                report(at: start, "a '{' inside a style attribute", hint: "write only 'property: value;' pairs in style attributes")
                index = limit
                break
            }
            index = stop == nil ? stopIndex : stopIndex + 1
            if let problem = scanProblem {
                report(line: problem.line, problem.message + "; the declaration is skipped", hint: problem.hint)
                continue
            }
            if let declaration = parseDeclaration(from: start, to: stopIndex) { declarations.append(declaration) }
        }
        return (declarations, nested)
    }

    private mutating func parseDeclaration(from start: Int, to end: Int) -> Declaration? {
        guard let colon = bytes[start..<end].firstIndex(of: UInt8(ascii: ":")) else {
            report(at: start, "'\(text(start, end).prefix(40))' is not a declaration", hint: "write it as 'property: value;'")
            return nil
        }
        let name = trimmed(bytes[start..<colon])
        guard !name.isEmpty, !name.contains(where: CSSText.isWhitespace) else {
            report(at: start, "'\(text(start, end).prefix(40))' has no valid property name", hint: "write it as 'property: value;'")
            return nil
        }
        let isCustom = name.count > 2 && name[name.startIndex] == UInt8(ascii: "-") && name[name.startIndex + 1] == UInt8(ascii: "-")
        // Property names are ASCII-case-insensitive; custom properties are not.
        let property = isCustom || !name.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") })
            ? String(decoding: name, as: UTF8.self) : String(decoding: name, as: UTF8.self).lowercased()
        var value = trimmed(removeComments(from: colon + 1, to: end))
        var isImportant = false
        if let bang = importantFlagStart(in: value) {
            isImportant = true
            value = trimmed(value[value.startIndex..<bang])
        }
        guard !value.isEmpty || isCustom else {
            report(at: start, "'\(property)' has no value", hint: "give '\(property)' a value or remove the declaration")
            return nil
        }
        return Declaration(
            property: property, value: String(decoding: value, as: UTF8.self), isImportant: isImportant, line: line(at: start))
    }

    /// The index of `!` in a trailing `! important` (any case, spaces allowed), if any.
    private func importantFlagStart(in value: ArraySlice<UInt8>) -> Int? {
        let word = Array("important".utf8)
        guard value.count > word.count else { return nil }
        var cursor = value.endIndex - word.count
        for (offset, letter) in word.enumerated() where value[cursor + offset] | 0x20 != letter { return nil }
        while cursor > value.startIndex {
            cursor -= 1
            if value[cursor] == UInt8(ascii: "!") { return cursor }
            if !CSSText.isWhitespace(value[cursor]) { return nil }
        }
        return nil
    }

    private func trimmed(_ slice: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        guard let first = slice.firstIndex(where: { !CSSText.isWhitespace($0) }),
              let last = slice.lastIndex(where: { !CSSText.isWhitespace($0) }) else { return [] }
        return slice[first...last]
    }

    // MARK: At-rules

    /// An at-rule at `index`. Inside a style rule (`parentSelectors` set) its block wraps the parent's selectors.
    private mutating func parseAtRule(parentSelectors: [String]?) -> [Stylesheet.Item] {
        let start = index
        index += 1
        let nameStart = index
        while index < limit, isNameByte(bytes[index]) { index += 1 }
        let name = text(nameStart, index)
        scanProblem = nil
        let (end, stop) = scan(until: [.semicolon, .openBrace, .closeBrace])
        let prelude = collapseWhitespace(text(index, end))
        guard !name.isEmpty else {
            report(at: start, "'@' without a rule name", hint: "remove the stray '@'")
            index = stop == UInt8(ascii: "{") ? (findBlockEnd(openingAt: end).map { $0 + 1 } ?? limit) : min(end + 1, limit)
            return []
        }
        if stop != UInt8(ascii: "{") {
            // A statement at-rule (`@import …;`, `@charset …;`, `@layer a, b;`).
            if stop == UInt8(ascii: "}") || stop == nil, parentSelectors == nil {
                report(at: start, "'@\(name)' does not end with ';'", hint: "end the rule with ';'")
            }
            index = stop == UInt8(ascii: ";") ? end + 1 : end
            if let problem = scanProblem {
                report(line: problem.line, problem.message + "; '@\(name)' is skipped", hint: problem.hint)
                return []
            }
            let statement = "@" + name + (prelude.isEmpty ? "" : " " + prelude) + ";"
            return [.atRule(AtRule(writtenName: name, prelude: prelude, text: statement, line: line(at: start)))]
        }
        guard let blockEnd = findBlockEnd(openingAt: end) else {
            report(at: start, "the block of '@\(name)' is never closed", hint: "add the missing '}'")
            index = limit
            return []
        }
        index = blockEnd + 1
        if let problem = scanProblem {
            report(line: problem.line, problem.message + "; '@\(name)' is skipped", hint: problem.hint)
            return []
        }
        let body = text(end + 1, blockEnd)
        let head = "@" + name + (prelude.isEmpty ? "" : " " + prelude)
        let ruleText: String
        if let parentSelectors, !parentSelectors.isEmpty {
            // `.a { @media (x) { color: red } }` means `@media (x) { .a { color: red } }`.
            ruleText = head + " {\n  " + parentSelectors.joined(separator: ", ") + " {" + body + "}\n}"
        } else {
            ruleText = head + " {" + body + "}"
        }
        return [.atRule(AtRule(writtenName: name, prelude: prelude, text: ruleText, line: line(at: start)))]
    }

    // MARK: Nesting

    /// The selectors of a rule; nested ones are resolved against their parents (`&` or a descendant).
    private func nestedSelectorTexts(_ prelude: String, parents: [String]?) -> [String] {
        let own = SelectorParser.splitList(prelude)
        guard let parents, !parents.isEmpty else { return own }
        var result: [String] = []
        for parent in parents {
            for selector in own {
                if selector.contains("&") {
                    result.append(selector.replacingOccurrences(of: "&", with: parent))
                } else {
                    result.append(parent + " " + selector)
                }
            }
        }
        return result
    }

    // MARK: Scanning

    /// The bytes `scan` may stop at.
    struct Stops: OptionSet {
        let rawValue: UInt8
        static let semicolon = Stops(rawValue: 1)
        static let openBrace = Stops(rawValue: 2)
        static let closeBrace = Stops(rawValue: 4)

        func stopsAt(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: ";"): return contains(.semicolon)
            case UInt8(ascii: "{"): return contains(.openBrace)
            case UInt8(ascii: "}"): return contains(.closeBrace)
            default: return false
            }
        }
    }

    /// Moves to the first of `stops` outside strings, comments, brackets and parentheses, or to `limit`.
    /// Returns that position and the stop byte (nil at `limit`). Braces stop even inside parentheses, so an
    /// unbalanced `(` cannot swallow the rest of the stylesheet.
    private mutating func scan(until stops: Stops) -> (Int, UInt8?) {
        var cursor = index
        var depth = 0
        while cursor < limit {
            if let after = skipOpaque(at: cursor) {
                cursor = after
                continue
            }
            let byte = bytes[cursor]
            switch byte {
            case UInt8(ascii: "("), UInt8(ascii: "["):
                depth += 1
            case UInt8(ascii: ")"), UInt8(ascii: "]"):
                if depth > 0 { depth -= 1 }
            default:
                if stops.stopsAt(byte), depth == 0 || byte != UInt8(ascii: ";") { return (cursor, byte) }
            }
            cursor += 1
        }
        return (limit, nil)
    }

    /// The index of the `}` matching the `{` at `open`, or nil when the block runs past `limit`.
    private mutating func findBlockEnd(openingAt open: Int) -> Int? {
        var cursor = open + 1
        var depth = 1
        while cursor < limit {
            if let after = skipOpaque(at: cursor) {
                cursor = after
                continue
            }
            if bytes[cursor] == UInt8(ascii: "{") { depth += 1 }
            if bytes[cursor] == UInt8(ascii: "}") {
                depth -= 1
                if depth == 0 { return cursor }
            }
            cursor += 1
        }
        return nil
    }

    /// After a string, a comment or an escape starting at `cursor`: their braces and semicolons do not count.
    private mutating func skipOpaque(at cursor: Int) -> Int? {
        switch bytes[cursor] {
        case UInt8(ascii: "\\"): return cursor + 2
        case UInt8(ascii: "\""), UInt8(ascii: "'"): return skipString(at: cursor)
        case UInt8(ascii: "/") where cursor + 1 < limit && bytes[cursor + 1] == UInt8(ascii: "*"): return skipComment(at: cursor)
        default: return nil
        }
    }

    /// The index after the string starting at `start`. An unterminated string ends at the line's end (CSS Syntax §4.3.5).
    private mutating func skipString(at start: Int) -> Int {
        let quote = bytes[start]
        var cursor = start + 1
        while cursor < limit {
            let byte = bytes[cursor]
            if byte == quote { return cursor + 1 }
            if byte == UInt8(ascii: "\\") {
                cursor += 2
                continue
            }
            if byte == UInt8(ascii: "\n") { break }
            cursor += 1
        }
        if scanProblem == nil {
            scanProblem = (line(at: start), "a string is not closed", "close the string with \(quote == UInt8(ascii: "\"") ? "\"" : "'") on the same line")
        }
        return min(cursor, limit)
    }

    /// The index after the comment starting at `start`; an unterminated comment runs to the end.
    private mutating func skipComment(at start: Int) -> Int {
        var cursor = start + 2
        while cursor + 1 < limit {
            if bytes[cursor] == UInt8(ascii: "*"), bytes[cursor + 1] == UInt8(ascii: "/") { return cursor + 2 }
            cursor += 1
        }
        report(at: start, "a comment is not closed; everything after it is ignored", hint: "close the comment with */")
        return limit
    }

    private mutating func skipWhitespaceAndComments() {
        while index < limit {
            if isWhitespace(bytes[index]) {
                index += 1
            } else if bytes[index] == UInt8(ascii: "/"), index + 1 < limit, bytes[index + 1] == UInt8(ascii: "*") {
                index = skipComment(at: index)
            } else {
                return
            }
        }
    }

    /// The text between `start` and `end` with comments left out (strings kept as written).
    private mutating func removeComments(from start: Int, to end: Int) -> ArraySlice<UInt8> {
        // The common case has no comment: a slice of the input, no copy.
        guard bytes[start..<end].contains(UInt8(ascii: "*")) else { return bytes[start..<end] }
        var kept: [UInt8] = []
        var cursor = start
        while cursor < end {
            let byte = bytes[cursor]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                let after = min(skipString(at: cursor), end)
                kept += bytes[cursor..<after]
                cursor = after
            } else if byte == UInt8(ascii: "/"), cursor + 1 < end, bytes[cursor + 1] == UInt8(ascii: "*") {
                cursor = min(skipComment(at: cursor), end)
                kept.append(UInt8(ascii: " "))
            } else {
                kept.append(byte)
                cursor += 1
            }
        }
        return kept[...]
    }

    // MARK: Small helpers

    private func starts(with literal: String) -> Bool {
        let pattern = Array(literal.utf8)
        guard index + pattern.count <= limit else { return false }
        return bytes[index..<index + pattern.count].elementsEqual(pattern)
    }

    private func text(_ start: Int, _ end: Int) -> String {
        guard start < end else { return "" }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    private func collapseWhitespace(_ text: String) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        for byte in text.utf8 {
            if CSSText.isWhitespace(byte) {
                pendingSpace = !output.isEmpty
            } else {
                if pendingSpace { output.append(UInt8(ascii: " ")) }
                pendingSpace = false
                output.append(byte)
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    private func isWhitespace(_ byte: UInt8) -> Bool { CSSText.isWhitespace(byte) }

    private func isNameByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
            || byte >= 0x80
    }

    private mutating func line(at offset: Int) -> Int {
        if offset < lineCursor {
            lineCursor = 0
            lineAtCursor = firstLine
        }
        let end = min(offset, bytes.count)
        while lineCursor < end {
            if bytes[lineCursor] == UInt8(ascii: "\n") { lineAtCursor += 1 }
            lineCursor += 1
        }
        return lineAtCursor
    }

    private mutating func report(at offset: Int, _ message: String, hint: String) {
        report(line: line(at: offset), message, hint: hint)
    }

    private mutating func report(line: Int, _ message: String, hint: String) {
        diagnostics.append(CSSDiagnostic(source: source, line: line, message: message, hint: hint))
    }
}

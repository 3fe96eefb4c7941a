// Parses CSS selector text (Selectors Level 3 plus `:not()` lists and the ` i` attribute flag) into `Selector`.
// Pseudo-classes it cannot evaluate still parse: the selector is then marked for retention, not inlining.

/// Selector text to `Selector`; `splitList` cuts a selector list at its top-level commas.
enum SelectorParser {
    /// Why a selector is not valid.
    struct Failure: Error, Equatable {
        var message: String
    }

    /// Pseudo-classes that depend on the reader (Juice's `ignoredPseudos` and their relatives).
    static let dynamicPseudoClasses: Set<String> = [
        "hover", "active", "focus", "visited", "link", "focus-within", "focus-visible", "target", "any-link",
    ]
    /// Pseudo-elements that CSS 2 let authors write with one colon.
    static let legacyPseudoElements: Set<String> = ["before", "after", "first-letter", "first-line"]

    /// Parses one selector.
    static func parse(_ text: String) -> Result<Selector, Failure> {
        var scanner = Scanner(bytes: Array(text.utf8))
        do {
            let selector = try scanner.parseComplex(text: text.trimmingCSSWhitespace())
            return .success(selector)
        } catch let failure as Failure {
            return .failure(failure)
        } catch {
            return .failure(Failure(message: "\(error)"))
        }
    }

    /// A selector list cut at commas outside brackets, parentheses and strings; pieces trimmed, empty ones dropped.
    static func splitList(_ text: String) -> [String] {
        var pieces: [String] = []
        var current: [UInt8] = []
        var depth = 0
        var quote: UInt8?
        var escaped = false
        for byte in text.utf8 {
            if escaped {
                escaped = false
            } else if byte == UInt8(ascii: "\\") {
                escaped = true
            } else if let open = quote {
                if byte == open { quote = nil }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                quote = byte
            } else if byte == UInt8(ascii: "(") || byte == UInt8(ascii: "[") {
                depth += 1
            } else if byte == UInt8(ascii: ")") || byte == UInt8(ascii: "]") {
                depth = max(0, depth - 1)
            } else if byte == UInt8(ascii: ","), depth == 0 {
                pieces.append(String(decoding: current, as: UTF8.self))
                current.removeAll(keepingCapacity: true)
                continue
            }
            current.append(byte)
        }
        pieces.append(String(decoding: current, as: UTF8.self))
        return pieces.map { $0.trimmingCSSWhitespace() }.filter { !$0.isEmpty }
    }

    /// A cursor over the selector's bytes.
    private struct Scanner {
        let bytes: [UInt8]
        var index = 0
        var retention: Selector.Retention?

        init(bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool { index >= bytes.count }
        var current: UInt8 { bytes[index] }

        mutating func parseComplex(text: String) throws -> Selector {
            skipWhitespace()
            var compounds: [Selector.Compound] = []
            var combinators: [Selector.Combinator] = []
            guard !atEnd else { throw Failure(message: "it is empty") }
            compounds.append(try parseCompound())
            while !atEnd {
                let hadWhitespace = skipWhitespace()
                if atEnd { break }
                var combinator = Selector.Combinator.descendant
                switch current {
                case UInt8(ascii: ">"): combinator = .child
                case UInt8(ascii: "+"): combinator = .nextSibling
                case UInt8(ascii: "~"): combinator = .subsequentSibling
                default:
                    guard hadWhitespace else { throw Failure(message: "unexpected '\(Character(Unicode.Scalar(current)))'") }
                }
                if combinator != .descendant {
                    index += 1
                    skipWhitespace()
                    guard !atEnd else { throw Failure(message: "it ends with a combinator") }
                }
                combinators.append(combinator)
                compounds.append(try parseCompound())
            }
            return Selector(text: text, compounds: compounds, combinators: combinators, retention: retention)
        }

        mutating func parseCompound() throws -> Selector.Compound {
            var compound = Selector.Compound()
            var parsedSomething = false
            if current == UInt8(ascii: "*") {
                index += 1
                parsedSomething = true
            } else if isNameStart(current) {
                compound.tag = try parseIdentifier().lowercased()
                parsedSomething = true
            }
            if !atEnd, current == UInt8(ascii: "|") { throw Failure(message: "namespaces are not supported") }
            loop: while !atEnd {
                switch current {
                case UInt8(ascii: "#"):
                    index += 1
                    compound.ids.append(try parseIdentifier())
                case UInt8(ascii: "."):
                    index += 1
                    compound.classes.append(try parseIdentifier())
                case UInt8(ascii: "["):
                    compound.attributes.append(try parseAttribute())
                case UInt8(ascii: ":"):
                    try parsePseudo(into: &compound)
                default:
                    break loop
                }
                parsedSomething = true
            }
            guard parsedSomething else {
                throw Failure(message: atEnd ? "it ends early" : "unexpected '\(Character(Unicode.Scalar(current)))'")
            }
            return compound
        }

        mutating func parseAttribute() throws -> Selector.Attribute {
            index += 1  // [
            skipWhitespace()
            let name = try parseIdentifier().lowercased()
            skipWhitespace()
            guard !atEnd else { throw Failure(message: "'[' is not closed") }
            if current == UInt8(ascii: "]") {
                index += 1
                return Selector.Attribute(name: name)
            }
            let op: Selector.Attribute.Operator
            switch current {
            case UInt8(ascii: "="): op = .equals
            case UInt8(ascii: "~"): op = .includesWord
            case UInt8(ascii: "|"): op = .dashMatch
            case UInt8(ascii: "^"): op = .prefix
            case UInt8(ascii: "$"): op = .suffix
            case UInt8(ascii: "*"): op = .substring
            default: throw Failure(message: "unknown attribute operator")
            }
            index += op == .equals ? 1 : 2
            if op != .equals {
                guard index - 1 < bytes.count, bytes[index - 1] == UInt8(ascii: "=") else {
                    throw Failure(message: "unknown attribute operator")
                }
            }
            skipWhitespace()
            guard !atEnd else { throw Failure(message: "'[' is not closed") }
            let value: String
            if current == UInt8(ascii: "\"") || current == UInt8(ascii: "'") {
                value = try parseString()
            } else {
                value = try parseIdentifier()
            }
            skipWhitespace()
            var caseInsensitive = false
            if !atEnd, current == UInt8(ascii: "i") || current == UInt8(ascii: "I") || current == UInt8(ascii: "s") || current == UInt8(ascii: "S") {
                caseInsensitive = current == UInt8(ascii: "i") || current == UInt8(ascii: "I")
                index += 1
                skipWhitespace()
            }
            guard !atEnd, current == UInt8(ascii: "]") else { throw Failure(message: "'[' is not closed") }
            index += 1
            return Selector.Attribute(name: name, operator: op, value: value, caseInsensitive: caseInsensitive)
        }

        mutating func parsePseudo(into compound: inout Selector.Compound) throws {
            index += 1
            var isElement = false
            if !atEnd, current == UInt8(ascii: ":") {
                isElement = true
                index += 1
            }
            let name = try parseIdentifier().lowercased()
            var argument: [UInt8]?
            if !atEnd, current == UInt8(ascii: "(") {
                argument = try parseParenthesized()
            }
            if isElement || SelectorParser.legacyPseudoElements.contains(name) {
                compound.pseudoElementCount += 1
                if retention == nil { retention = .pseudoElement(name) }
                return
            }
            if SelectorParser.dynamicPseudoClasses.contains(name) {
                retention = .dynamicPseudoClass(name)
                compound.unevaluatedPseudoClassCount += 1
                return
            }
            if let pseudo = try structuralPseudoClass(name, argument: argument) {
                compound.pseudoClasses.append(pseudo)
                return
            }
            if retention == nil { retention = .unsupportedPseudoClass(name) }
            compound.unevaluatedPseudoClassCount += 1
        }

        /// The pseudo-classes we evaluate; nil for the others.
        mutating func structuralPseudoClass(_ name: String, argument: [UInt8]?) throws -> Selector.PseudoClass? {
            switch (name, argument) {
            case ("root", nil): return .root
            case ("empty", nil): return .empty
            case ("first-child", nil): return .firstChild
            case ("last-child", nil): return .lastChild
            case ("only-child", nil): return .onlyChild
            case ("first-of-type", nil): return .firstOfType
            case ("last-of-type", nil): return .lastOfType
            case ("only-of-type", nil): return .onlyOfType
            case ("nth-child", let argument?): return .nthChild(try SelectorParser.parseNth(argument))
            case ("nth-last-child", let argument?): return .nthLastChild(try SelectorParser.parseNth(argument))
            case ("nth-of-type", let argument?): return .nthOfType(try SelectorParser.parseNth(argument))
            case ("nth-last-of-type", let argument?): return .nthLastOfType(try SelectorParser.parseNth(argument))
            case ("not", let argument?):
                var inner: [Selector.Compound] = []
                for piece in SelectorParser.splitList(String(decoding: argument, as: UTF8.self)) {
                    var scanner = Scanner(bytes: Array(piece.utf8))
                    let compound = try scanner.parseCompound()
                    guard scanner.atEnd else { return nil }  // combinators inside :not() are Selectors Level 4
                    if let innerRetention = scanner.retention { retention = retention ?? innerRetention }
                    inner.append(compound)
                }
                guard !inner.isEmpty else { throw Failure(message: ":not() is empty") }
                return .not(inner)
            default:
                return nil
            }
        }

        /// The bytes between `(` and its matching `)`.
        mutating func parseParenthesized() throws -> [UInt8] {
            index += 1
            let start = index
            var depth = 1
            while !atEnd {
                switch current {
                case UInt8(ascii: "\""), UInt8(ascii: "'"):
                    _ = try parseString()
                    continue
                case UInt8(ascii: "\\"):
                    index += 1
                case UInt8(ascii: "("):
                    depth += 1
                case UInt8(ascii: ")"):
                    depth -= 1
                    if depth == 0 {
                        let argument = Array(bytes[start..<index])
                        index += 1
                        return argument
                    }
                default:
                    break
                }
                index += 1
            }
            throw Failure(message: "'(' is not closed")
        }

        mutating func parseString() throws -> String {
            let quote = current
            index += 1
            var value: [UInt8] = []
            while !atEnd {
                let byte = current
                if byte == quote {
                    index += 1
                    return String(decoding: value, as: UTF8.self)
                }
                if byte == UInt8(ascii: "\\") {
                    index += 1
                    if !atEnd, current == UInt8(ascii: "\n") {
                        index += 1
                        continue
                    }
                    value += parseEscape()
                    continue
                }
                value.append(byte)
                index += 1
            }
            throw Failure(message: "a string is not closed")
        }

        /// An identifier with escapes resolved (`\31 0` → `10`, `\:` → `:`).
        mutating func parseIdentifier() throws -> String {
            var value: [UInt8] = []
            while !atEnd {
                let byte = current
                if byte == UInt8(ascii: "\\") {
                    index += 1
                    guard !atEnd else { throw Failure(message: "it ends with '\\'") }
                    value += parseEscape()
                } else if isNameByte(byte) {
                    value.append(byte)
                    index += 1
                } else {
                    break
                }
            }
            guard !value.isEmpty else {
                throw Failure(message: atEnd ? "a name is missing at the end" : "a name is expected before '\(Character(Unicode.Scalar(current)))'")
            }
            return String(decoding: value, as: UTF8.self)
        }

        /// The character after a backslash: up to six hex digits and one optional space, or the byte itself.
        mutating func parseEscape() -> [UInt8] {
            var hex = 0
            var digits = 0
            while !atEnd, digits < 6, let digit = hexValue(current) {
                hex = hex * 16 + digit
                digits += 1
                index += 1
            }
            if digits == 0 {
                guard !atEnd else { return [] }
                let byte = current
                index += 1
                return [byte]
            }
            if !atEnd, current == UInt8(ascii: " ") || current == UInt8(ascii: "\n") || current == UInt8(ascii: "\t") { index += 1 }
            let scalar = Unicode.Scalar(UInt32(hex)).flatMap { hex == 0 ? nil : $0 } ?? "\u{FFFD}"
            return Array(String(Character(scalar)).utf8)
        }

        @discardableResult
        mutating func skipWhitespace() -> Bool {
            let start = index
            while !atEnd, current == 0x20 || current == 0x0A || current == 0x09 || current == 0x0D || current == 0x0C { index += 1 }
            return index > start
        }

        func isNameStart(_ byte: UInt8) -> Bool {
            isNameByte(byte) || byte == UInt8(ascii: "\\")
        }

        func isNameByte(_ byte: UInt8) -> Bool {
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: "_") || byte >= 0x80
        }

        func hexValue(_ byte: UInt8) -> Int? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return Int(byte - UInt8(ascii: "a")) + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return Int(byte - UInt8(ascii: "A")) + 10
            default: return nil
            }
        }
    }

    /// `odd`, `even`, `3`, `-n+3`, `2n`, `2n + 1` (whitespace allowed around the sign).
    static func parseNth(_ argument: [UInt8]) throws -> Selector.Nth {
        let text = String(decoding: argument, as: UTF8.self).lowercased().filter { !$0.isWhitespace }
        if text == "odd" { return Selector.Nth(a: 2, b: 1) }
        if text == "even" { return Selector.Nth(a: 2, b: 0) }
        guard let n = text.firstIndex(of: "n") else {
            guard let b = Int(text) else { throw Failure(message: "'\(text)' is not an+b") }
            return Selector.Nth(a: 0, b: b)
        }
        let aText = String(text[..<n])
        let bText = String(text[text.index(after: n)...])
        let a: Int
        switch aText {
        case "", "+": a = 1
        case "-": a = -1
        default:
            guard let value = Int(aText) else { throw Failure(message: "'\(text)' is not an+b") }
            a = value
        }
        var b = 0
        if !bText.isEmpty {
            guard bText.first == "+" || bText.first == "-", let value = Int(bText) else {
                throw Failure(message: "'\(text)' is not an+b")
            }
            b = value
        }
        return Selector.Nth(a: a, b: b)
    }
}

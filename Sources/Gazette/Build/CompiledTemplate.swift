// A template rendered by swift-mustache once with stand-ins in place of the values, kept as literal
// chunks and the places where each value goes: the next render with the same fixed values (the next issue of a
// build, a preview reload) splices instead of rendering. Only what probes show to be Mustache's own output is
// spliced: each value must come out as it is or HTML-escaped and change nothing else; otherwise it renders.
import Foundation

/// The pieces of one template rendered with stand-ins, and what rendering it asked of the slot table.
struct CompiledTemplate: Sendable {
    enum Piece: Sendable, Equatable {
        case literal(String)
        /// The value at this index of `SplicedContext.values`, HTML-escaped as `{{name}}` does or as it is.
        case value(Int, escaped: Bool)
    }

    var pieces: [Piece]
    /// Slot names the template used (`{{subscriber.first_name}}`) that the table did not have yet, in order:
    /// named again on each splice so slot numbers come out as rendering gives them.
    var newSlotNames: [String]

    /// The template's output for `values`.
    func render(_ values: [String], slots: SlotTable) -> String {
        var output = ""
        for piece in pieces {
            switch piece {
            case .literal(let text): output += text
            case .value(let index, let escaped): output += escaped ? Self.htmlEscape(values[index]) : values[index]
            }
        }
        for name in newSlotNames { _ = slots.token(for: name) }
        return output
    }

    /// swift-mustache's HTML escaping, Character by Character as it does it (a "<" with a combining mark after it
    /// is another Character and stays); text without any of the five bytes is returned as it is.
    static func htmlEscape(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x3C || $0 == 0x3E || $0 == 0x26 || $0 == 0x22 || $0 == 0x27 }) else {
            return text
        }
        var escaped = ""
        for character in text {
            switch character {
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "&": escaped += "&amp;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    // MARK: Compiling

    static let standInPrefix = "GzStandIn"

    /// A stand-in for value `index`: letters of both cases and digits, so Mustache's escaping leaves it alone and
    /// a case or order transform would show; a final newline when the value has one (an indented partial indents
    /// the line after a value that ends with one).
    static func standIn(_ index: Int, newline: Bool) -> String { "\(standInPrefix)\(index)q" + (newline ? "\n" : "") }

    /// The probe for value `index`: longer, with other first and last characters, other cases, and every character
    /// HTML escaping changes.
    static func probe(_ index: Int, newline: Bool) -> String { "<&\"'>gZsTANDiN\(index)Qxx" + (newline ? "\n" : "") }

    /// Renders `context` with stand-ins, then with every value's probe, and reads the pieces off the two outputs;
    /// nil when the second is not the first with each probe put in, as it is or escaped, at its stand-in's places
    /// (a transform, a dynamic partial, a value a stand-in cannot stand for). Mustache has no construct that
    /// relates two values, so one probe output shows what a probe output per value would.
    static func compile(_ spliced: SplicedContext, context: [String: Any], slots: SlotTable,
                        render: ([String: Any]) throws -> String) rethrows -> CompiledTemplate? {
        let count = spliced.values.count
        let standIns = (0..<count).map { standIn($0, newline: spliced.endsWithNewline[$0]) }
        let probes = (0..<count).map { probe($0, newline: spliced.endsWithNewline[$0]) }
        let standInTable = slots.copy(), probeTable = slots.copy()
        let standInOutput = try render(spliced.substituting(standIns, in: context, slots: standInTable))
        let probeOutput = try render(spliced.substituting(probes, in: context, slots: probeTable))
        guard probeTable.names == standInTable.names, let pieces = Self.pieces(of: standInOutput, standIns: standIns),
              let escaped = Self.match(Array(probeOutput.utf8), pieces: pieces, probes: probes) else { return nil }
        var occurrence = 0
        let marked = pieces.map { piece -> Piece in
            guard case .value(let index, _) = piece else { return piece }
            defer { occurrence += 1 }
            return .value(index, escaped: escaped[occurrence])
        }
        return CompiledTemplate(pieces: marked, newSlotNames: Array(standInTable.names.dropFirst(slots.names.count)))
    }

    /// The stand-in output cut at each stand-in, on its bytes (a stand-in starts with an ASCII letter, so each cut
    /// falls between two scalars); nil when one is not whole (a newline missing after it).
    private static func pieces(of output: String, standIns: [String]) -> [Piece]? {
        let bytes = Array(output.utf8), prefix = Array(standInPrefix.utf8)
        var pieces: [Piece] = []
        var literalStart = 0, position = 0
        while let found = bytes.firstRange(of: prefix, from: position) {
            var end = found + prefix.count, index = 0
            while end < bytes.count, bytes[end] >= 0x30, bytes[end] <= 0x39, index < standIns.count {
                index = index * 10 + Int(bytes[end] - 0x30)
                end += 1
            }
            guard end > found + prefix.count, index < standIns.count else { return nil }
            let standIn = Array(standIns[index].utf8)
            guard bytes.count - found >= standIn.count, bytes[found..<(found + standIn.count)].elementsEqual(standIn) else {
                return nil
            }
            if found > literalStart { pieces.append(.literal(String(decoding: bytes[literalStart..<found], as: UTF8.self))) }
            pieces.append(.value(index, escaped: false))
            position = found + standIn.count
            literalStart = position
        }
        if literalStart < bytes.count { pieces.append(.literal(String(decoding: bytes[literalStart...], as: UTF8.self))) }
        return pieces
    }

    /// Whether `output` is `pieces` with the probes in them, each as it is or escaped; the escaping of each value
    /// place in order, or nil.
    private static func match(_ output: [UInt8], pieces: [Piece], probes: [String]) -> [Bool]? {
        var position = 0
        var escapes: [Bool] = []
        func take(_ text: String) -> Bool {
            let bytes = Array(text.utf8)
            guard output.count - position >= bytes.count, output[position..<(position + bytes.count)].elementsEqual(bytes) else {
                return false
            }
            position += bytes.count
            return true
        }
        for piece in pieces {
            switch piece {
            case .literal(let text):
                guard take(text) else { return nil }
            case .value(let index, _):
                if take(probes[index]) {
                    escapes.append(false)
                } else if take(htmlEscape(probes[index])) {
                    escapes.append(true)
                } else {
                    return nil
                }
            }
        }
        return position == output.count ? escapes : nil
    }
}

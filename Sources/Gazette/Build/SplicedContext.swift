// A template context cut in two for CompiledTemplate: the issue's own text (its non-empty `issue.*` strings,
// `content`, `content_text`), spliced in, and everything else (newsletter, empty values, tags, slots), which
// with the template's name keys the compiled template.
import Foundation

/// The spliced values of one context and the key of the compiled template they fit.
struct SplicedContext {
    struct Key: Hashable, Sendable {
        var template: String
        var fixed: [String: Fixed]
        /// Spliced paths, each with whether its value ends with a newline (as a Character).
        var spliced: [String: Bool]
        /// The slot table's names before rendering: slot tokens in the output depend on them.
        var slotNames: [String]
    }

    enum Fixed: Hashable, Sendable {
        case string(String)
        case strings([String])
        case slots
    }

    /// Paths of `content`, `content_text` and `issue.*` values, which are spliced when they are non-empty strings.
    /// `name` is the value's whole path (names joined by NUL), `first` its first name.
    static func isSpliced(depth: Int, name: String, first: String) -> Bool {
        depth == 1 ? name == "content" || name == "content_text" : depth == 2 && first == "issue"
    }

    /// Whether `text` holds the stand-ins' prefix, on its bytes.
    static func holdsStandInPrefix(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            let prefix = CompiledTemplate.standInPrefix.utf8
            guard bytes.count >= prefix.count else { return false }
            for start in 0...(bytes.count - prefix.count) where bytes[start] == UInt8(ascii: "G") {
                if bytes[start..<(start + prefix.count)].elementsEqual(prefix) { return true }
            }
            return false
        }
    }

    private(set) var key: Key
    /// The spliced paths, sorted, and their values and trailing newlines in the same order.
    private(set) var paths: [[String]] = []
    private(set) var values: [String] = []
    private(set) var endsWithNewline: [Bool] = []

    /// nil when the context holds something other than strings, lists of strings, dictionaries of them and the
    /// subscriber's slots, or a fixed value that holds a stand-in's prefix.
    init?(template: String, context: [String: Any], slots: SlotTable) {
        key = Key(template: template, fixed: Dictionary(minimumCapacity: 32), spliced: [:], slotNames: slots.names)
        var spliced: [([String], String)] = []
        guard Self.flatten(context, path: "", depth: 0, first: "", last: "", fixed: &key.fixed, spliced: &spliced) else { return nil }
        for case .string(let text) in key.fixed.values where Self.holdsStandInPrefix(text) { return nil }
        for (path, value) in spliced.sorted(by: { $0.0.lexicographicallyPrecedes($1.0) }) {
            paths.append(path)
            values.append(value)
            endsWithNewline.append(value.last == "\n")
            key.spliced[path.joined(separator: "\u{0}")] = value.last == "\n"
        }
    }

    /// Walks `value`, found at `path` (its names joined by NUL in `name`, as the keys of `fixed` are). The path is
    /// kept as one String, not an array per value: only the few spliced values need it as names.
    private static func flatten(_ value: Any, path name: String, depth: Int, first: String, last: String,
                                fixed: inout [String: Fixed], spliced: inout [([String], String)]) -> Bool {
        switch value {
        case let text as String:
            if isSpliced(depth: depth, name: name, first: first), !text.isEmpty {
                spliced.append((depth == 1 ? [name] : [first, last], text))
            } else {
                fixed[name] = .string(text)
            }
        case let texts as [String]:
            fixed[name] = .strings(texts)
        case is SubscriberSlots:
            fixed[name] = .slots
        case let dictionary as [String: Any]:
            for (key, child) in dictionary {
                let childName = depth == 0 ? key : name + "\u{0}" + key
                guard flatten(child, path: childName, depth: depth + 1, first: depth == 0 ? key : first, last: key,
                              fixed: &fixed, spliced: &spliced) else { return false }
            }
        default:
            return false
        }
        return true
    }

    /// `context` with the spliced values replaced by `values` (in `paths` order) and the subscriber's slots
    /// taken from `slots`; dictionaries without a replaced value are kept as they are, with their own type.
    func substituting(_ replacements: [String], in context: [String: Any], slots: SlotTable) -> [String: Any] {
        var byPath: [[String]: String] = [:]
        for (path, value) in zip(paths, replacements) { byPath[path] = value }
        return substitute(context, path: [], byPath, slots: slots) as? [String: Any] ?? context
    }

    private func substitute(_ value: Any, path: [String], _ byPath: [[String]: String], slots: SlotTable) -> Any {
        if let replacement = byPath[path] { return replacement }
        if value is SubscriberSlots { return SubscriberSlots(table: slots) }
        guard let dictionary = value as? [String: Any],
              path.isEmpty || byPath.keys.contains(where: { $0.starts(with: path) }) else {
            return value
        }
        var copy = dictionary
        for (key, child) in dictionary { copy[key] = substitute(child, path: path + [key], byPath, slots: slots) }
        return copy
    }
}

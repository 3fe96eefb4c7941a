// Reads YAML (gazette.yml, front matter) through Yams' node tree so that every value keeps its line,
// and every mistake becomes a diagnostic naming the file, the line and the key.
import Foundation
import Yams

/// A YAML mapping with positions, for reading settings one key at a time.
struct YAMLReader {
    let file: String
    /// Added to Yams' line numbers: front matter starts after the opening `---` line.
    let lineOffset: Int
    let node: Node?
    /// Keys read so far, to report the ones nobody knows.
    private(set) var path: [String]

    /// Parses `text`; a syntax error becomes a diagnostic at the line Yams reports.
    init(parsing text: String, file: String, lineOffset: Int = 0) throws {
        self.file = file
        self.lineOffset = lineOffset
        self.path = []
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw DiagnosticError(Self.diagnostic(for: error, file: file, lineOffset: lineOffset))
        } catch {
            throw DiagnosticError(.error("yaml-syntax", "the YAML could not be read: \(error)",
                                         at: SourceLocation(path: file, line: lineOffset + 1)))
        }
        if let node, node.mapping == nil, node.scalar?.string.isEmpty == false || node.sequence != nil {
            throw DiagnosticError(.error(
                "yaml-shape", "expected `key: value` lines, found a \(node.sequence != nil ? "list" : "single value")",
                at: location(of: node), hint: "write settings as `key: value`, one per line"))
        }
    }

    private init(file: String, lineOffset: Int, node: Node?, path: [String]) {
        self.file = file
        self.lineOffset = lineOffset
        self.node = node
        self.path = path
    }

    static func diagnostic(for error: YamlError, file: String, lineOffset: Int) -> Diagnostic {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            // libyaml reports where it gave up; the context says where the construct it was reading began.
            var message = "YAML syntax: \(problem)"
            if let context, context.mark.line != mark.line {
                message += " (\(context.text) that starts on line \(context.mark.line + lineOffset))"
            }
            return .error("yaml-syntax", message,
                          at: SourceLocation(path: file, line: mark.line + lineOffset, column: mark.column),
                          hint: "check the indentation and quoting on this line; quote values that contain `: ` or start with `{`, `[`, `*`, `&`, `!`, `%`, `@` or `#`")
        case let .duplicatedKeysInMapping(duplicates, context):
            return .error("yaml-duplicate-key", "the key \(duplicates.joined(separator: ", ")) appears twice",
                          at: SourceLocation(path: file, line: context.mark.line + lineOffset, column: context.mark.column),
                          hint: "keep one of them")
        default:
            return .error("yaml-syntax", "the YAML could not be read: \(error)",
                          at: SourceLocation(path: file, line: lineOffset + 1))
        }
    }

    /// The location of a node (or of the file's first line).
    func location(of node: Node?) -> SourceLocation {
        guard let mark = node?.mark else { return SourceLocation(path: file, line: lineOffset + 1) }
        return SourceLocation(path: file, line: mark.line + lineOffset, column: mark.column)
    }

    var keyPath: String { path.joined(separator: ".") }

    /// Keys present in this mapping, in order.
    var keys: [String] {
        node?.mapping?.keys.compactMap { $0.string } ?? []
    }

    /// The location of a key's value (or of the mapping).
    func location(ofKey key: String) -> SourceLocation {
        location(of: node?[key] ?? node)
    }

    func contains(_ key: String) -> Bool { node?[key] != nil }

    /// A nested mapping.
    func mapping(_ key: String) throws -> YAMLReader? {
        guard let child = node?[key], !isNull(child) else { return nil }
        guard child.mapping != nil else {
            throw shapeError(key, child, expected: "a mapping of `key: value` lines (indented below it)", example: "\(key): { name: value }")
        }
        return YAMLReader(file: file, lineOffset: lineOffset, node: child, path: path + [key])
    }

    func string(_ key: String) throws -> String? {
        guard let child = node?[key], !isNull(child) else { return nil }
        guard let scalar = child.scalar else { throw shapeError(key, child, expected: "a single value", example: "\(key): \"…\"") }
        return scalar.string
    }

    func requiredString(_ key: String, hint: String) throws -> String {
        guard let value = try string(key), !value.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw DiagnosticError(.error("setting-missing", "`\(qualified(key))` is missing or empty",
                                         at: location(ofKey: key), hint: hint))
        }
        return value
    }

    func int(_ key: String) throws -> Int? {
        guard let child = node?[key], !isNull(child) else { return nil }
        guard let value = child.int else { throw shapeError(key, child, expected: "a whole number", example: "\(key): 12") }
        return value
    }

    func double(_ key: String) throws -> Double? {
        guard let child = node?[key], !isNull(child) else { return nil }
        guard let value = child.float ?? child.int.map(Double.init) else {
            throw shapeError(key, child, expected: "a number", example: "\(key): 0.5")
        }
        return value
    }

    func bool(_ key: String) throws -> Bool? {
        guard let child = node?[key], !isNull(child) else { return nil }
        guard let value = child.bool else { throw shapeError(key, child, expected: "true or false", example: "\(key): true") }
        return value
    }

    /// A list of strings; a single string is taken as a list of one.
    func strings(_ key: String) throws -> [String]? {
        try locatedStrings(key)?.map(\.value)
    }

    /// A list of strings with the location of each item; a single string is taken as a list of one.
    func locatedStrings(_ key: String) throws -> [(value: String, location: SourceLocation)]? {
        guard let child = node?[key], !isNull(child) else { return nil }
        if let scalar = child.scalar { return [(scalar.string, location(of: child))] }
        guard let sequence = child.sequence else { throw shapeError(key, child, expected: "a list", example: "\(key): [a, b]") }
        return try sequence.map { item in
            guard let scalar = item.scalar else { throw shapeError(key, item, expected: "a list of single values", example: "\(key): [a, b]") }
            return (scalar.string, location(of: item))
        }
    }

    /// A flat mapping of strings (`defaults: {name: there}`).
    func stringMap(_ key: String) throws -> [String: String]? {
        guard let child = try mapping(key) else { return nil }
        var result: [String: String] = [:]
        for name in child.keys { result[name] = try child.string(name) ?? "" }
        return result
    }

    /// Every scalar in the tree with its dotted key path, for secret detection.
    func allScalars() -> [(key: String, value: String, location: SourceLocation)] {
        var result: [(String, String, SourceLocation)] = []
        func walk(_ node: Node, _ path: [String]) {
            if let mapping = node.mapping {
                for (key, value) in mapping { walk(value, path + [key.string ?? "?"]) }
            } else if let sequence = node.sequence {
                for item in sequence { walk(item, path) }
            } else if let scalar = node.scalar {
                result.append((path.joined(separator: "."), scalar.string, location(of: node)))
            }
        }
        if let node { walk(node, path) }
        return result
    }

    private func isNull(_ node: Node) -> Bool {
        guard let scalar = node.scalar else { return false }
        return scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    private func qualified(_ key: String) -> String { (path + [key]).joined(separator: ".") }

    private func shapeError(_ key: String, _ child: Node, expected: String, example: String) -> DiagnosticError {
        let found = child.mapping != nil ? "a mapping" : child.sequence != nil ? "a list" : "\"\(child.scalar?.string ?? "")\""
        return DiagnosticError(.error("setting-type", "`\(qualified(key))` should be \(expected), found \(found)",
                                      at: location(of: child), hint: "write it like `\(example)`"))
    }
}

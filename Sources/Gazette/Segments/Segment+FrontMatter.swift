// Reads an issue's `audience:` block: `{ lists: [...], tags: [...], exclude_tags: [...], where: { column: value |
// [values] } }`. Mistakes are diagnostics at their line; what can be read is kept.
import Foundation

extension Segment {
    static let frontMatterKeys = ["lists", "tags", "exclude_tags", "where"]

    /// The segment and the lists of `audience:` in `reader` (nil lists: not given there). Problems go to
    /// `errors` and `warnings`.
    static func read(audience reader: YAMLReader, errors: inout [Diagnostic], warnings: inout [Diagnostic])
        -> (segment: Segment, lists: [String]?) {
        var segment = Segment()
        func recover<Value>(_ fallback: Value, _ read: () throws -> Value) -> Value {
            do { return try read() } catch let error as DiagnosticError { errors += error.diagnostics } catch {}
            return fallback
        }
        for key in reader.keys where !frontMatterKeys.contains(key) {
            warnings.append(.warning("front-matter-unknown", "unknown key `audience.\(key)`; it is ignored",
                                     at: reader.location(ofKey: key), hint: "audience keys: \(frontMatterKeys.joined(separator: ", "))"))
        }
        let lists = recover(nil) { try reader.strings("lists") }
        segment.tags = recover(nil) { try reader.strings("tags") } ?? []
        segment.excludeTags = recover(nil) { try reader.strings("exclude_tags") } ?? []
        if reader.contains("tags") { segment.locations.tags = reader.location(ofKey: "tags") }
        if reader.contains("exclude_tags") { segment.locations.excludeTags = reader.location(ofKey: "exclude_tags") }
        if let conditions = recover(nil, { try reader.mapping("where") }) {
            for attribute in conditions.keys {
                let values = recover(nil) { try conditions.strings(attribute) } ?? []
                segment.conditions.append((attribute, values))
                segment.locations.conditions[attribute] = conditions.location(ofKey: attribute)
            }
        }
        return (segment, lists)
    }
}

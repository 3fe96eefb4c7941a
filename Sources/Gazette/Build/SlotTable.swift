// Per-recipient values left open in a prepared issue. At build time each becomes a token made of letters
// and digits only (GZSLOT3Z): it survives Mustache escaping, libxml2, the inliner and the text writer unchanged,
// and splitting the final HTML and text on the tokens gives the chunks that personalization splices.
import Foundation
import Mustache

/// The names of the per-recipient slots of one issue, in the order they were first used.
final class SlotTable {
    private(set) var names: [String] = []
    private var indexes: [String: Int] = [:]

    static let prefix = "GZSLOT"
    static let suffix = "Z"

    /// The token that stands for `name` until send time.
    func token(for name: String) -> String {
        if let index = indexes[name] { return Self.token(index) }
        indexes[name] = names.count
        names.append(name)
        return Self.token(names.count - 1)
    }

    static func token(_ index: Int) -> String { "\(prefix)\(index)\(suffix)" }

    /// A table with the same names, to render into without changing this one.
    func copy() -> SlotTable {
        let copy = SlotTable()
        copy.names = names
        copy.indexes = indexes
        return copy
    }
}

/// `{{subscriber.x}}` in an email template: any field name resolves to its slot token.
struct SubscriberSlots: MustacheParent {
    let table: SlotTable
    func child(named name: String) -> Any? { table.token(for: "subscriber.\(name)") }
}

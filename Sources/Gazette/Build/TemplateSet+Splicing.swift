// Rendering an issue's email templates through CompiledTemplate: the first render of a context's fixed values
// renders, the second compiles (two more renders) and checks the splice against the render, later ones splice.
import Foundation
import Markup

/// Compiled templates of one TemplateSet, by the fixed part of their context.
final class CompiledTemplateStore: Sendable {
    /// Keys rendered once: compiling costs two more renders, worth it only for a key that comes again (a build's
    /// issues mostly differ in tags or empty fields; a preview renders the same issue after each edit).
    let seen = LeastRecentlyUsedCache<SplicedContext.Key, Bool>(capacity: 256)
    /// nil: the template cannot be spliced for this key and is rendered. About the layout's size each.
    let templates = LeastRecentlyUsedCache<SplicedContext.Key, CompiledTemplate?>(capacity: 64)

    /// Whether some key has a template that is spliced (for tests).
    var hasSplicedTemplate: Bool { templates.values.contains { $0 != nil } }
}

extension TemplateSet {
    /// Forgets the templates compiled for splicing, so the next renders are first ones (a benchmark's cold run).
    public func removeCompiledTemplates() {
        compiled.seen.removeAll()
        compiled.templates.removeAll()
    }

    /// Renders `name` as `render(_:_:)` does, naming slots in `slots` (the table of the context's
    /// `SubscriberSlots`) as the render would; a template rendered before with the same fixed values is spliced.
    func render(_ name: String, _ context: [String: Any], slots: SlotTable) throws -> String {
        guard mayBeSpliced, let spliced = SplicedContext(template: name, context: context, slots: slots) else {
            return try render(name, context)
        }
        if let kept = compiled.templates.cachedValue(for: spliced.key) {
            guard let template = kept else { return try render(name, context) }
            return template.render(spliced.values, slots: slots)
        }
        guard compiled.seen.cachedValue(for: spliced.key) != nil else {
            compiled.seen.insert(true, for: spliced.key)
            return try render(name, context)
        }
        var template = try CompiledTemplate.compile(spliced, context: context, slots: slots) { try render(name, $0) }
        // The splice must give what rendering gives, byte for byte (String's == would take canonically equivalent
        // text as equal) and slot table alike; if not, this key always renders.
        let spliceTable = slots.copy()
        let rendered = try render(name, context)
        if let compiled = template,
           !compiled.render(spliced.values, slots: spliceTable).utf8.elementsEqual(rendered.utf8)
            || spliceTable.names != slots.names {
            template = nil
        }
        compiled.templates.insert(template, for: spliced.key)
        return rendered
    }
}

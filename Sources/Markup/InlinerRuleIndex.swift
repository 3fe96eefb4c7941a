// The style rules of one inline run, flattened to (selector, declarations) pairs in source order and bucketed by
// the rightmost compound's id, class or tag, so each element is tested only against selectors that can match it.

/// Inlinable selectors bucketed for lookup, and the CSS that must stay in a `<style>`.
struct InlinerRuleIndex: Sendable {
    /// One selector of one rule: Juice applies a rule once per selector in its list, in order.
    struct Instance {
        var selector: Selector
        /// Positions in `declarations`.
        var declarations: Range<Int>
        /// The rule's number in the run, for counting.
        var rule: Int
    }

    private(set) var instances: [Instance] = []
    /// Every declaration of every inlinable rule; the position is the source order used by the cascade.
    private(set) var declarations: [Declaration] = []
    private(set) var ruleCount = 0
    /// Whether a declaration defines a custom property or uses `var()`.
    private(set) var usesCustomProperties = false
    /// Rules and at-rules to write into the retained `<style>`, as CSS text, `@import` first as CSS requires.
    private(set) var retained: [String] = []
    private var retainedImports: [String] = []

    /// The rule declarations' property names numbered (InlinerProperties), and each declaration's number.
    private(set) var propertyNumbers: [String: Int32] = [:]
    private(set) var ruleProperties: [Int32] = []

    /// Outputs worked out with this index, by what decides them, for every later run with the same stylesheets:
    /// an issue's paragraphs, links and cells match as the previous issue's did. A class, shared by copies.
    let outputs = LeastRecentlyUsedCache<Inliner.OutputKey, Inliner.StyleOutput>(capacity: 1024)

    private var byID: [String: [Int32]] = [:]
    private var byClass: [String: [Int32]] = [:]
    private var byTag: [String: [Int32]] = [:]
    private var universal: [Int32] = []

    init(stylesheets: [Stylesheet], options: InlinerOptions) {
        for stylesheet in stylesheets {
            for item in stylesheet.items {
                switch item {
                case .atRule(let atRule):
                    guard options.retainedAtRules.contains(atRule.name) else { continue }
                    if atRule.name == "import" { retainedImports.append(atRule.text) } else { retained.append(atRule.text) }
                case .rule(let rule):
                    add(rule, options: options)
                }
            }
        }
        retained = retainedImports + retained
        let properties = InlinerProperties()
        ruleProperties = declarations.map { properties.number(of: $0.property) }
        propertyNumbers = properties.numbers
    }

    /// The index of `stylesheets` for `options`, built once per process for the same parsed stylesheets (a build
    /// inlines every issue with the same email.css, and the stylesheets themselves are cached by their text).
    static func cached(for stylesheets: [Stylesheet], options: InlinerOptions) -> InlinerRuleIndex {
        // Huge stylesheets are not cached by their text either (StylesheetCache): neither is their index.
        guard stylesheets.reduce(0, { $0 + $1.items.count }) <= maximumCachedItems else {
            return InlinerRuleIndex(stylesheets: stylesheets, options: options)
        }
        let key = CacheKey(stylesheets: stylesheets.map(\.identity), retainNonInlinableRules: options.retainNonInlinableRules,
                           retainedAtRules: options.retainedAtRules)
        return cache.value(for: key) { InlinerRuleIndex(stylesheets: stylesheets, options: options) }
    }

    /// What an index depends on: the stylesheets and the options that decide what is retained.
    private struct CacheKey: Hashable, Sendable {
        var stylesheets: [Int]
        var retainNonInlinableRules: Bool
        var retainedAtRules: Set<String>
    }

    private static let cache = LeastRecentlyUsedCache<CacheKey, InlinerRuleIndex>(capacity: 16)
    static let maximumCachedItems = 5000

    /// Forgets the indexes built so far (for measuring a cold run).
    static func removeCached() {
        cache.removeAll()
    }

    private mutating func add(_ rule: StyleRule, options: InlinerOptions) {
        let number = ruleCount
        ruleCount += 1
        let start = declarations.count
        declarations += rule.declarations
        if !usesCustomProperties {
            usesCustomProperties = rule.declarations.contains { $0.traits.mayUseVariables || $0.property.hasPrefix("--") }
        }
        let range = start..<declarations.count
        var kept: [Selector] = []
        for selector in rule.selectors {
            guard selector.isInlinable else {
                kept.append(selector)
                continue
            }
            let instance = Int32(instances.count)
            instances.append(Instance(selector: selector, declarations: range, rule: number))
            // The rightmost compound decides: an element without that id, class or tag cannot match.
            guard let last = selector.compounds.last else { continue }
            if let id = last.ids.first {
                byID[id, default: []].append(instance)
            } else if let className = last.classes.first {
                byClass[className, default: []].append(instance)
            } else if let tag = last.tag {
                byTag[tag, default: []].append(instance)
            } else {
                universal.append(instance)
            }
        }
        if !kept.isEmpty, options.retainNonInlinableRules {
            retained.append(rule.cssText(selectors: kept))
        }
    }

    /// The instances whose rightmost compound names `tag`: looked up once per distinct name of a run.
    func tagBucket(_ tag: String) -> [Int32]? { byTag[tag] }

    /// Instances that may match an element, in source order, without repeats, written into `result` (a buffer
    /// reused across elements). `tagBucket` is `tagBucket(_:)` of the element's name.
    func candidates(id: String?, classes: [String], tagBucket: [Int32]?, into result: inout [Int32]) {
        result.removeAll(keepingCapacity: true)
        result += universal
        var buckets = universal.isEmpty ? 0 : 1
        if let id, let bucket = byID[id] {
            result += bucket
            buckets += 1
        }
        for className in classes {
            if let bucket = byClass[className] {
                result += bucket
                buckets += 1
            }
        }
        if let bucket = tagBucket {
            result += bucket
            buckets += 1
        }
        // One bucket is already in source order without repeats.
        guard buckets > 1 else { return }
        result.sort()
        var write = 0
        for read in result.indices where write == 0 || result[write - 1] != result[read] {
            result[write] = result[read]
            write += 1
        }
        result.removeLast(result.count - write)
    }
}

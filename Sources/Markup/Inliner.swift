// The CSS inliner: applies a document's stylesheets (and extra CSS) to its elements' `style` attributes, adds
// the presentational attributes old clients need, and keeps what cannot be inlined in one `<style>` in `<head>`.
// Parsing: CSSParser; matching: SelectorMatcher; cascade: InlinerCascade; attributes: OutlookAttributes.
import Foundation

/// Moves CSS into `style` attributes for e-mail clients that ignore `<style>`.
public struct Inliner: Sendable {
    /// What the inliner does besides writing `style`.
    public var options: InlinerOptions

    /// Elements that render nothing: they never receive styles (as in Juice).
    static let nonVisualElements: Set<String> = ["head", "title", "base", "link", "style", "meta", "script", "noscript"]

    /// Creates an inliner.
    public init(options: InlinerOptions = InlinerOptions()) {
        self.options = options
    }

    /// Inlines the document's `<style>` elements, its `<link rel="stylesheet">` (read through
    /// `stylesheetLoader(href)`, which returns nil for a missing file) and `options.extraCSS`, in place.
    /// Bad CSS never stops the run: it is skipped and reported in the returned diagnostics.
    public func inline(
        _ document: HTMLDocument, stylesheetLoader: (String) throws -> String? = { _ in nil }
    ) throws -> InlineReport {
        var report = InlineReport()
        let sources = collectSources(in: document, stylesheetLoader: stylesheetLoader)
        let index = InlinerRuleIndex.cached(for: sources.stylesheets, options: options)
        report.diagnostics = sources.diagnostics
        for (stylesheet, documentLine) in zip(sources.stylesheets, sources.documentLines) {
            report.diagnostics += stylesheet.diagnostics.map { diagnostic in
                var diagnostic = diagnostic
                // The CSS of a <style> starts on the element's own line.
                diagnostic.documentLine = documentLine.map { $0 + diagnostic.line - 1 }
                return diagnostic
            }
        }
        // Removed before matching, as Juice does: a <style> must not count for :first-child and the like.
        if options.removeInlinedStyleElements {
            for element in sources.consumedElements { element.remove() }
        }
        let matcher = SelectorMatcher(document)

        let properties = InlinerProperties(startingWith: index.propertyNumbers)
        let ruleProperties = index.ruleProperties
        var styles = [InlinerCascade?](repeating: nil, count: matcher.count)
        var ruleMatched = [Bool](repeating: false, count: index.ruleCount)
        var candidates: [Int32] = []
        var matched: [Int32] = []
        // Elements matched by the same rules with the same `style` get the same output (most paragraphs, links
        // and cells of an issue): it is worked out for the first and copied, and kept with the rule index for the
        // next runs with the same stylesheets (the next issue, the next preview reload). Not when custom properties
        // are in play, as a value may then come from an ancestor.
        let reusesOutput = !(options.resolveCSSVariables && index.usesCustomProperties)
        var firstWithSignature = StyleSignatureTable()
        var sameOutputAs = [Int](repeating: -1, count: matcher.count)
        // Outputs by element: copied from an earlier run's (index.outputs), or worked out below.
        var outputs: [Int: StyleOutput] = [:]
        var newOutputKeys: [Int: OutputKey] = [:]
        let outputOptions = OutputKey.Options(self.options)
        // Instances are read through a pointer: a copy would retain every part of its selector.
        index.instances.withUnsafeBufferPointer { instances in
            // What depends on the name alone, by name number: a Set and a Dictionary lookup per element showed.
            var nameFacts: [(isNonVisual: Bool, tagBucket: [Int32]?)?] = []
            func facts(of element: Int) -> (isNonVisual: Bool, tagBucket: [Int32]?) {
                let name = matcher.names[element]
                let work = { (Inliner.nonVisualElements.contains(name), index.tagBucket(name)) }
                let number = Int(matcher.nameNumbers[element])
                guard number >= 0 else { return work() }
                if number >= nameFacts.count { nameFacts += repeatElement(nil, count: number + 1 - nameFacts.count) }
                if let known = nameFacts[number] { return known }
                let made = work()
                nameFacts[number] = made
                return made
            }
            for element in 0..<matcher.count {
                let (isNonVisual, tagBucket) = facts(of: element)
                if isNonVisual { continue }
                index.candidates(id: matcher.ids[element], classes: matcher.classes[element], tagBucket: tagBucket,
                                 into: &candidates)
                matched.removeAll(keepingCapacity: true)
                for candidate in candidates {
                    guard let instance = instances.baseAddress.map({ $0 + Int(candidate) }),
                          matcher.matches(instance.pointee.selector, element: element) else { continue }
                    ruleMatched[instance.pointee.rule] = true
                    matched.append(candidate)
                }
                guard !matched.isEmpty else { continue }
                let styleText = matcher.attribute("style", of: element)
                let name = matcher.names[element]
                let signatureHash = reusesOutput
                    ? StyleSignatureTable.hash(name: name, style: styleText, instances: matched) : nil
                if let signatureHash,
                   let first = firstWithSignature.element(name: name, style: styleText, instances: matched, hash: signatureHash) {
                    sameOutputAs[element] = first
                    continue
                }
                let outputKey = signatureHash.map { hash in
                    OutputKey(signature: StyleSignature(name: name, style: styleText, instances: matched, partsHash: hash),
                              options: outputOptions)
                }
                if let outputKey, let signatureHash, let earlier = index.outputs.cachedValue(for: outputKey) {
                    firstWithSignature.add(element, name: name, style: styleText, instances: matched, hash: signatureHash)
                    outputs[element] = earlier
                    continue
                }
                var cascade = styleAttributeCascade(of: element, styleText: styleText, matcher: matcher, document: document,
                                                    properties: properties, report: &report)
                for candidate in matched {
                    let instance = instances[Int(candidate)]
                    let specificity = instance.selector.specificity
                    for position in instance.declarations {
                        cascade.add(InlinerCascade.Entry(
                            property: ruleProperties[position],
                            origin: index.declarations[position].isImportant ? .importantRule : .rule,
                            specificity: specificity, position: position, source: Int(candidate)))
                    }
                }
                // A style attribute with a problem is reported for every element that has it; one with custom
                // properties may hold values for descendants.
                if let signatureHash, let outputKey, cascade.isReusable {
                    firstWithSignature.add(element, name: name, style: styleText, instances: matched, hash: signatureHash)
                    newOutputKeys[element] = outputKey
                }
                styles[element] = cascade
            }
        }

        // Every property of the run is numbered by now: look up the Outlook attributes' ones once.
        let outlookProperties = OutlookAttributes.Property.allCases.map { properties.existingNumber(of: $0.name) }
        for element in 0..<matcher.count {
            let output: StyleOutput
            if sameOutputAs[element] >= 0, let first = outputs[sameOutputAs[element]] {
                output = first
            } else if let earlier = outputs[element] {
                output = earlier
            } else if let cascade = styles[element] {
                output = self.output(of: cascade, for: element, styles: styles, rules: index.declarations, matcher: matcher,
                                     properties: properties, outlookProperties: outlookProperties)
                if reusesOutput { outputs[element] = output }
                if let outputKey = newOutputKeys[element] { index.outputs.insert(output, for: outputKey) }
            } else {
                continue
            }
            let node = HTMLNode(document: document, node: matcher.nodes[element])
            if !output.style.isEmpty {
                node.setAttribute("style", nulTerminatedBytes: output.style)
                report.elementsStyled += 1
            }
            for (name, value) in output.attributes { node.setAttribute(name, value) }
            // The text part and the checks ask every element whether it hides: answered here, once per output.
            if !output.style.isEmpty { HTMLNode.rememberVisibility(node.node, styleHides: output.styleHides) }
        }

        report.rulesInlined = ruleMatched.filter { $0 }.count
        report.rulesUnmatched = Set(index.instances.map(\.rule)).filter { !ruleMatched[$0] }.count
        report.rulesRetained = index.retained.count
        if options.removeInlinedStyleElements {
            if !index.retained.isEmpty {
                let css = "\n" + index.retained.joined(separator: "\n") + "\n"
                insertRetainedStyle(css, into: document)
                report.retainedCSSBytes = css.utf8.count
            }
        }
        return report
    }

    /// Forgets the stylesheets parsed so far and the rule indexes built from them. Inlining keeps parsed CSS by its
    /// text for the life of the process, so a build of many issues parses its stylesheet once; benchmarks call this
    /// to measure a cold run.
    public static func removeCachedStylesheets() {
        StylesheetCache.removeAll()
        InlinerRuleIndex.removeCached()
    }

    /// Parses `html`, inlines as `inline(_:stylesheetLoader:)` does and serializes, keeping the template code
    /// of `options.codeBlocks` byte for byte.
    public func inline(
        html: String, stylesheetLoader: (String) throws -> String? = { _ in nil }
    ) throws -> (html: String, report: InlineReport) {
        var protected = ""
        let codeBlocks = InlinerCodeBlocks(protecting: html, delimiters: options.codeBlocks, into: &protected)
        let document = try HTMLDocument(parsing: protected)
        let report = try inline(document, stylesheetLoader: stylesheetLoader)
        return (codeBlocks.restore(document.serialized()), report)
    }

    /// A cascade seeded with the element's own `style` attribute, which outranks normal rules.
    private func styleAttributeCascade(
        of element: Int, styleText: String?, matcher: SelectorMatcher, document: HTMLDocument, properties: InlinerProperties,
        report: inout InlineReport
    ) -> InlinerCascade {
        var cascade = InlinerCascade(propertyCount: properties.count)
        guard let text = styleText, !text.allSatisfy(\.isWhitespace) else { return cascade }
        let parsed = Stylesheet.declarations(inStyleAttribute: text, source: "")
        if !parsed.diagnostics.isEmpty {
            cascade.isReusable = false
            // Named only when something is wrong: building the label for every element showed in the profile.
            let line = HTMLNode(document: document, node: matcher.nodes[element]).line
            report.diagnostics += parsed.diagnostics.map { diagnostic in
                var diagnostic = diagnostic
                diagnostic.source = "style attribute of <\(matcher.names[element])> at line \(line)"
                diagnostic.documentLine = line
                return diagnostic
            }
        }
        cascade.attributeDeclarations = parsed.declarations
        for (position, declaration) in parsed.declarations.enumerated() {
            if declaration.traits.mayUseVariables || declaration.property.hasPrefix("--") { cascade.isReusable = false }
            cascade.add(InlinerCascade.Entry(
                property: properties.number(of: declaration.property),
                origin: declaration.isImportant ? .importantStyleAttribute : .styleAttribute,
                specificity: .zero, position: position, source: -1))
        }
        return cascade
    }

    /// What decides an element's output for a given rule index: its signature and the options `output` reads.
    struct OutputKey: Hashable, Sendable {
        struct Options: Hashable, Sendable {
            var preserveImportant, resolveCSSVariables, widths, heights, tableAttributes: Bool
            init(_ options: InlinerOptions) {
                preserveImportant = options.preserveImportant
                resolveCSSVariables = options.resolveCSSVariables
                widths = options.applyWidthAttributes
                heights = options.applyHeightAttributes
                tableAttributes = options.applyTableAttributes
            }
        }
        var signature: StyleSignature
        var options: Options
    }

    /// What inlining writes on one element: its `style` (bytes, no terminator) and presentational attributes.
    struct StyleOutput: Sendable {
        /// Empty, or the declarations ending in a NUL.
        var style: [UInt8]
        var attributes: [(name: String, value: String)]
        /// Whether `style` hides the element (`HTMLNode.styleHides`).
        var styleHides: Bool
    }

    /// The `style` attribute and the presentational attributes of one element; `rules` are the declarations of the
    /// run's rules, which the cascades' entries point into.
    private func output(
        of cascade: InlinerCascade, for element: Int, styles: [InlinerCascade?], rules: [Declaration], matcher: SelectorMatcher,
        properties: InlinerProperties, outlookProperties: [Int32?]
    ) -> StyleOutput {
        let lookup: (String) -> String? = { name in
            var current: Int? = element
            while let index = current {
                if let value = styles[index]?.winner(properties.existingNumber(of: name), rules: rules)?.value { return value }
                current = matcher.parent(of: index)
            }
            return nil
        }
        let resolve: (String) -> String = { value in
            options.resolveCSSVariables ? CSSVariables.resolve(value, lookup: lookup) : value
        }
        // The attribute is built as bytes in one buffer and handed to libxml2 once: String appends per
        // declaration and Foundation's quote replacement were a third of the inliner's time.
        var style: [UInt8] = []
        style.reserveCapacity(512)
        for position in cascade.orderedIndices {
            let declaration = cascade.declaration(at: position, rules: rules)
            let property = declaration.property
            // `content` only means something for pseudo-elements, which are never inlined.
            if property == "content" || (options.resolveCSSVariables && property.utf8.first == UInt8(ascii: "-")
                                         && property.hasPrefix("--")) { continue }
            if !style.isEmpty { style.append(0x20) }
            let traits = declaration.traits
            if !traits.mayUseVariables {
                // Written once when the stylesheet was parsed (and cached with it).
                style += traits.written
            } else {
                Self.append(property, to: &style)
                style.append(UInt8(ascii: ":"))
                style.append(0x20)
                let value = resolve(declaration.value)
                let resolvedTraits = Declaration.Traits(value)
                // Juice writes double quotes as single ones so the attribute needs no &quot;; only when that is safe.
                if resolvedTraits.hasDoubleQuote, !resolvedTraits.hasSingleQuote {
                    for byte in value.utf8 { style.append(byte == UInt8(ascii: "\"") ? UInt8(ascii: "'") : byte) }
                } else {
                    Self.append(value, to: &style)
                }
            }
            if options.preserveImportant, declaration.isImportant { Self.append(" !important", to: &style) }
            style.append(UInt8(ascii: ";"))
        }
        let attributes = OutlookAttributes.attributes(for: matcher.names[element], options: options) { property in
            cascade.winner(outlookProperties[property.rawValue], rules: rules).map { resolve($0.value) }
        }
        let hides = style.withUnsafeBufferPointer { HTMLNode.styleHides($0) }
        if !style.isEmpty { style.append(0) }  // for libxml2
        return StyleOutput(style: style, attributes: attributes, styleHides: hides)
    }

    /// Appends a String's UTF-8 bytes in one copy (appending the UTF8View byte by byte was slower than the rest
    /// of writing a declaration).
    private static func append(_ text: String, to bytes: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// One `<style>` with the retained CSS: at the end of `<head>`, or first in `<body>` for a fragment.
    private func insertRetainedStyle(_ css: String, into document: HTMLDocument) {
        let style = document.makeElement(named: "style")
        style.append(document.makeText(css))
        if let root = document.root, let head = root.firstChildElement(named: "head") {
            head.append(style)
        } else if let body = document.body {
            if let first = body.children.first { first.insertBefore(style) } else { body.append(style) }
        } else {
            document.root?.append(style)
        }
    }
}

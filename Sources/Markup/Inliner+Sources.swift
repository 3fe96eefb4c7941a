// Collects the CSS an inline run applies: `<style>` elements and `<link rel="stylesheet">` in document order,
// then the extra CSS. Each is parsed once per process (StylesheetCache); unreadable stylesheets become diagnostics.
internal import CLibXML2

extension Inliner {
    /// The stylesheets of a run and the elements they came from.
    struct Sources {
        var stylesheets: [Stylesheet] = []
        /// For each stylesheet, the HTML line its CSS starts on when it came from a `<style>` element.
        var documentLines: [Int?] = []
        /// `<style>` and `<link>` elements whose CSS was read, to remove afterwards.
        var consumedElements: [HTMLNode] = []
        var diagnostics: [CSSDiagnostic] = []
    }

    func collectSources(in document: HTMLDocument, stylesheetLoader: (String) throws -> String?) -> Sources {
        var sources = Sources()
        var candidates: [HTMLNode] = []
        if let root = document.root?.node {
            HTMLNode.walkElements(from: root) { element in
                if let name = element.pointee.name, HTMLNode.equals(name, "style") || HTMLNode.equals(name, "link") {
                    candidates.append(HTMLNode(document: document, node: element))
                }
                return true
            }
        }
        for element in candidates {
            if element.name == "style" {
                readStyleElement(element, into: &sources)
            } else {
                readLinkElement(element, in: document, loader: stylesheetLoader, into: &sources)
            }
        }
        if !options.extraCSS.isEmpty {
            sources.stylesheets.append(StylesheetCache.stylesheet(parsing: options.extraCSS, source: "extra CSS"))
            sources.documentLines.append(nil)
        }
        for extra in options.extraStylesheets {
            sources.stylesheets.append(StylesheetCache.stylesheet(parsing: extra.css, source: extra.source))
            sources.documentLines.append(nil)
        }
        return sources
    }

    private func readStyleElement(_ element: HTMLNode, into sources: inout Sources) {
        if element.hasAttribute("data-embed") {
            // Juice's opt-out: the element stays as written and is not applied.
            element.removeAttribute("data-embed")
            return
        }
        guard Inliner.appliesToScreen(element.attribute("media")) else { return }
        let source = "<style> at line \(element.line)"
        sources.stylesheets.append(StylesheetCache.stylesheet(parsing: element.textContent, source: source))
        sources.documentLines.append(element.line)
        sources.consumedElements.append(element)
    }

    private func readLinkElement(
        _ element: HTMLNode, in document: HTMLDocument, loader: (String) throws -> String?, into sources: inout Sources
    ) {
        let rel = element.attribute("rel")?.lowercased().split(whereSeparator: \.isWhitespace) ?? []
        guard rel.contains("stylesheet"), !rel.contains("alternate"),
              let href = element.attribute("href"), !href.isEmpty,
              Inliner.appliesToScreen(element.attribute("media")) else { return }
        let css: String?
        do {
            css = try loader(href)
        } catch {
            var diagnostic = CSSDiagnostic(
                source: href, line: element.line,
                message: "the stylesheet linked at line \(element.line) could not be read: \(error)",
                hint: "check the href, or put the CSS in a <style> element")
            diagnostic.documentLine = element.line
            sources.diagnostics.append(diagnostic)
            return
        }
        guard let css else {
            var diagnostic = CSSDiagnostic(
                source: href, line: element.line,
                message: "the stylesheet linked at line \(element.line) was not found",
                hint: "check the href (it is read relative to the template), or remove the <link>")
            diagnostic.documentLine = element.line
            sources.diagnostics.append(diagnostic)
            return
        }
        if element.hasAttribute("data-embed") {
            // Embedded, not applied: the link becomes a <style> with the same CSS, as Juice's web-resource-inliner does.
            let style = document.makeElement(named: "style")
            if let type = element.attribute("type") { style.setAttribute("type", type) }
            style.append(document.makeText(css))
            element.insertBefore(style)
            element.remove()
            return
        }
        sources.stylesheets.append(StylesheetCache.stylesheet(parsing: css, source: href))
        sources.documentLines.append(nil)
        sources.consumedElements.append(element)
    }

    /// Whether a `media` attribute includes screens (absent, empty, `all`, `screen`, or a list with either).
    static func appliesToScreen(_ media: String?) -> Bool {
        guard let media = media?.lowercased(), !media.allSatisfy(\.isWhitespace) else { return true }
        return media.split(separator: ",").contains { query in
            if query.trimmingCSSWhitespace().hasPrefix("(") { return true }
            let words = query.split(whereSeparator: { $0.isWhitespace || $0 == "(" })
            guard let first = words.first else { return false }
            let type = first == "only" && words.count > 1 ? words[1] : first
            return type == "all" || type == "screen"
        }
    }
}

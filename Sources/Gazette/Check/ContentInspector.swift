// Reads the final email tree of one issue, before URLs are made absolute, and reports what would hurt the
// reader or the delivery: unsafe HTML, missing files, insecure or shortened links, leftover template markers,
// GFM tables that cmark left as paragraphs, and HTML errors libxml2 found, each at its Markdown line.
import Foundation
import Markup

/// Inspects a rendered issue's HTML and measures it.
struct ContentInspector {
    let project: Project
    let issue: IssueSource
    let templates: TemplateSet

    static let unsafeElements: Set<String> = ["script", "iframe", "form", "input", "button", "textarea", "select",
                                              "object", "embed", "applet", "frame", "frameset"]
    static let shorteners: Set<String> = ["bit.ly", "tinyurl.com", "t.co", "goo.gl", "ow.ly", "is.gd", "buff.ly",
                                          "rebrand.ly", "cutt.ly", "shorturl.at", "tiny.cc", "bit.do", "rb.gy",
                                          "t.ly", "s.id", "v.gd", "lnkd.in", "trib.al", "shorte.st", "adf.ly"]
    /// HTML5 elements libxml2's HTML 4 parser does not know; its "Tag … invalid" about them is noise.
    static let html5Elements: Set<String> = ["article", "aside", "audio", "bdi", "canvas", "data", "details",
                                             "dialog", "figcaption", "figure", "footer", "header", "main", "mark",
                                             "meter", "nav", "output", "picture", "progress", "rp", "rt", "ruby",
                                             "section", "source", "summary", "template", "time", "track", "video",
                                             "wbr", "svg", "path", "g", "circle", "rect", "line", "polyline",
                                             "polygon", "use", "defs", "center", "abbr", "kbd", "samp", "sup", "sub"]

    func inspect(document: HTMLDocument, markdownHTML: String) -> [Diagnostic] {
        var findings: [Diagnostic] = []
        document.root?.visitElements { element in
            let name = element.name
            let location = self.location(of: element)
            if Self.unsafeElements.contains(name) {
                findings.append(.error("unsafe-html", "<\(name)> does not work in email and is removed or flagged by filters",
                                       at: location, hint: "link to a web page instead of embedding \(name == "form" ? "a form" : "it")"))
            }
            for (attribute, _) in element.attributes where attribute.lowercased().hasPrefix("on") {
                findings.append(.error("unsafe-html", "the event handler \(attribute)= on <\(name)> is script, which email clients strip",
                                       at: location, hint: "remove the \(attribute) attribute"))
            }
            if name == "a", let href = element.attribute("href") {
                findings += inspectURL(href, attribute: "link", location: location)
            }
            if name == "img" {
                if let src = element.attribute("src") { findings += inspectURL(src, attribute: "image", location: location) }
                if !element.hasAttribute("alt") {
                    findings.append(.warning("image-alt", "an image has no alt text (\(element.attribute("src") ?? "no src"))",
                                             at: location, hint: "write ![what it shows](…); use an empty alt only for decoration"))
                }
            }
        }
        findings += leftoverMarkers(in: document)
        findings += pipeTables(in: document)
        findings += htmlErrors(in: markdownHTML)
        return findings
    }

    /// The Markdown line of an element from the nearest `data-sourcepos`, or the email template.
    func location(of element: HTMLNode) -> SourceLocation {
        var current: HTMLNode? = element
        while let node = current {
            if let position = node.attribute("data-sourcepos"), let line = Self.startLine(ofSourcePosition: position) {
                return SourceLocation(path: issue.path, line: issue.bodyStartLine + line - 1)
            }
            current = node.parent
        }
        return SourceLocation(path: templates.path(of: "email.html"))
    }

    /// `12:1-14:20` → 12
    static func startLine(ofSourcePosition position: String) -> Int? {
        Int(position.prefix { $0.isNumber })
    }

    /// `12:1-14:20` → 12...14
    static func lineRange(ofSourcePosition position: String) -> ClosedRange<Int>? {
        let parts = position.split(separator: "-")
        guard parts.count == 2, let start = Int(parts[0].prefix { $0.isNumber }),
              let end = Int(parts[1].prefix { $0.isNumber }), start <= end else { return nil }
        return start...end
    }

    func inspectURL(_ value: String, attribute kind: String, location: SourceLocation) -> [Diagnostic] {
        let url = value.trimmingCharacters(in: .whitespaces)
        let lower = url.lowercased()
        if url.isEmpty {
            return [.warning("link-empty", "a \(kind) has an empty address", at: location, hint: "fill in the URL or remove the \(kind)")]
        }
        if lower.hasPrefix("javascript:") {
            return [.error("unsafe-html", "a \(kind) runs JavaScript, which email clients block", at: location,
                           hint: "link to a web page instead")]
        }
        if lower.hasPrefix("http://") {
            var findings: [Diagnostic] = [.warning("link-http", "the \(kind) \(url) is not https", at: location,
                                                   hint: "use https://; plain http links look unsafe to filters and readers")]
            findings += shortenerFinding(url, kind: kind, location: location)
            return findings
        }
        if lower.hasPrefix("https://") { return shortenerFinding(url, kind: kind, location: location) }
        if url.hasPrefix("#") || url.hasPrefix("//") || url.contains("{{") || url.hasPrefix(SlotTable.prefix)
            || lower.range(of: "^[a-z][a-z0-9+.-]*:", options: .regularExpression) != nil {
            return []
        }
        // A relative URL: it must name a file that the build publishes from content/.
        var path = String(url.split(separator: "#", maxSplits: 1).first ?? "")
        path = String(path.split(separator: "?", maxSplits: 1).first ?? "")
        path = path.removingPercentEncoding ?? path
        while path.hasPrefix("./") { path.removeFirst(2) }
        if path.hasPrefix("/") { path.removeFirst() }
        let file = project.url(Project.contentDirectory).appendingPathComponent(path)
        if path.isEmpty || path.hasSuffix("/") { return [] }
        if !FileManager.default.fileExists(atPath: file.path) {
            return [.error("missing-file", "the \(kind) points to \(url), but \(Project.contentDirectory)/\(path) does not exist",
                           at: location, hint: "relative addresses are read from \(Project.contentDirectory)/ (e.g. images/chart.png); fix the path or add the file")]
        }
        return []
    }

    func shortenerFinding(_ url: String, kind: String, location: SourceLocation) -> [Diagnostic] {
        guard let host = URL(string: url)?.host?.lowercased() else { return [] }
        let bare = host.hasPrefix("www.") ? String(host.dropFirst(4)) : host
        guard Self.shorteners.contains(bare) else { return [] }
        return [.warning("link-shortener", "the \(kind) uses the URL shortener \(bare)", at: location,
                         hint: "link to the destination itself: spam filters distrust shorteners")]
    }

    /// `{{…}}`, `{%…%}` and `<%…%>` left in visible text or attributes (outside code).
    func leftoverMarkers(in document: HTMLDocument) -> [Diagnostic] {
        var findings: [Diagnostic] = []
        var reportedLines: Set<String> = []
        func report(_ text: String, _ location: SourceLocation) {
            guard let marker = Self.firstTemplateMarker(in: text), reportedLines.insert(location.description).inserted
            else { return }
            findings.append(.error("leftover-marker", "a template marker is left in the email: \(marker)", at: location,
                                   hint: "fill it in, or put it in `code` if readers should see it"))
        }
        func walk(_ node: HTMLNode, insideCode: Bool) {
            switch node.kind {
            case .element:
                let name = node.name
                if name == "style" || name == "script" || name == "head" { return }
                let code = insideCode || name == "code" || name == "pre"
                for (attribute, value) in node.attributes where attribute != "style" {
                    report(value, location(of: node))
                }
                for child in node.children { walk(child, insideCode: code) }
            case .text:
                if !insideCode, let parent = node.parent { report(node.textContent, location(of: parent)) }
            default:
                break
            }
        }
        if let root = document.root { walk(root, insideCode: false) }
        return findings
    }

    /// The first marker in `text`. `{{name}}` markers are left out: the body's marker pass reports those.
    static func firstTemplateMarker(in text: String) -> String? {
        for (open, close) in [("{{", "}}"), ("{%", "%}"), ("<%", "%>")] {
            var rest = Substring(text)
            while let start = rest.range(of: open) {
                let end = rest[start.upperBound...].range(of: close)
                let inner = rest[start.upperBound..<(end?.lowerBound ?? rest.endIndex)].trimmingCharacters(in: .whitespaces)
                if open == "{{", end != nil, BodyMarkers.isMarkerName(inner) {
                    rest = rest[(end?.upperBound ?? rest.endIndex)...]
                    continue
                }
                return String(rest[start.lowerBound..<(end?.upperBound ?? rest.endIndex)].prefix(40))
            }
        }
        return nil
    }

    /// A paragraph whose Markdown lines hold a GFM table delimiter row (`|---|---|`): CommonMark has no pipe tables.
    func pipeTables(in document: HTMLDocument) -> [Diagnostic] {
        let lines = issue.body.split(separator: "\n", omittingEmptySubsequences: false)
        var findings: [Diagnostic] = []
        for paragraph in document.root?.descendants(named: "p") ?? [] {
            guard let position = paragraph.attribute("data-sourcepos"),
                  let range = Self.lineRange(ofSourcePosition: position) else { continue }
            for line in range where line - 1 < lines.count && Self.isTableDelimiterRow(lines[line - 1]) {
                findings.append(.error(
                    "pipe-table", "this looks like a GFM pipe table, which CommonMark renders as a plain paragraph",
                    at: SourceLocation(path: issue.path, line: issue.bodyStartLine + range.lowerBound - 1),
                    hint: "write the table as HTML (<table><tr><th>…</th></tr>…</table>), see docs/templates.md"))
                break
            }
        }
        return findings
    }

    /// `| --- | :---: |`, `---|---` …
    static func isTableDelimiterRow(_ line: Substring) -> Bool {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard trimmed.contains("|"), trimmed.contains("-") else { return false }
        let cells = trimmed.split(separator: "|", omittingEmptySubsequences: true)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard !cells.isEmpty else { return false }
        return cells.allSatisfy { cell in
            var core = Substring(cell)
            if core.hasPrefix(":") { core = core.dropFirst() }
            if core.hasSuffix(":") { core = core.dropLast() }
            return core.count >= 1 && core.allSatisfy { $0 == "-" }
        }
    }

    /// What libxml2 reports about the body's HTML (raw HTML a writer typed), mapped to Markdown lines.
    func htmlErrors(in markdownHTML: String) -> [Diagnostic] {
        guard let fragment = try? HTMLDocument(parsing: markdownHTML) else { return [] }
        let htmlLines = markdownHTML.split(separator: "\n", omittingEmptySubsequences: false)
        var findings: [Diagnostic] = []
        for problem in fragment.parseIssues {
            if let tag = Self.invalidTagName(problem.message), Self.html5Elements.contains(tag) { continue }
            // The nearest data-sourcepos at or above the reported line of cmark's output.
            var markdownLine: Int?
            var index = min(problem.line, htmlLines.count) - 1
            while index >= 0, markdownLine == nil {
                if let range = htmlLines[index].range(of: "data-sourcepos=\"") {
                    markdownLine = Int(htmlLines[index][range.upperBound...].prefix { $0.isNumber })
                }
                index -= 1
            }
            findings.append(.warning(
                "html", "HTML problem: \(problem.message)",
                at: SourceLocation(path: issue.path, line: markdownLine.map { issue.bodyStartLine + $0 - 1 }),
                hint: "check the raw HTML here: unclosed or misnested tags render differently in each mail client"))
        }
        return findings
    }

    /// "Tag section invalid" → "section"
    static func invalidTagName(_ message: String) -> String? {
        guard message.hasPrefix("Tag "), message.hasSuffix(" invalid") else { return nil }
        return String(message.dropFirst(4).dropLast(8))
    }

    /// The numbers the threshold checks compare.
    func measure(document: HTMLDocument, contentNode: HTMLNode?, text: String, html: String, slots: SlotTable,
                 retainedStyleBytes: Int) -> IssueMeasurements {
        var measurements = IssueMeasurements()
        measurements.htmlBytes = html.utf8.count
        measurements.retainedStyleBytes = retainedStyleBytes
        measurements.textWords = text.split(whereSeparator: { $0 == " " || $0 == "\n" }).count
        if let body = document.body {
            let statistics = LinkStatistics(body)
            measurements.visibleWords = statistics.words
            measurements.linkTextRatio = statistics.linkTextRatio
            measurements.linksPer100Words = statistics.linksPer100Words
            measurements.links = statistics.linkCount
            measurements.images = statistics.imageCount
            measurements.imagesPer100Words = statistics.imagesPer100Words
            let unsubscribeToken = slots.names.firstIndex(of: "unsubscribe_url").map(SlotTable.token)
            measurements.hasUnsubscribeLink = statistics.links.contains { link in
                unsubscribeToken.map { link.href.contains($0) } ?? false
            }
            if let address = project.configuration.postalAddress, !address.isEmpty {
                let visible = Self.collapseWhitespace(body.textContent)
                measurements.hasPostalAddress = visible.contains(Self.collapseWhitespace(address))
            }
        }
        measurements.hasPreheader = !(issue.preheader ?? "").trimmingCharacters(in: .whitespaces).isEmpty
        return measurements
    }

    static func collapseWhitespace(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}

// Renders an issue once: Markdown (cmark) → body markers → email layout (Mustache) → libxml2 tree → CSS inlined →
// inspected → URLs made absolute → HTML and text split into chunks and slots (a PreparedIssue).
import Foundation
import Markup

/// Renders issues of one project with one set of templates.
public struct IssueRenderer {
    public let project: Project
    public let templates: TemplateSet
    let context: TemplateContext

    public init(project: Project, templates: TemplateSet) {
        self.project = project
        self.templates = templates
        self.context = TemplateContext(configuration: project.configuration)
    }

    var configuration: Configuration { project.configuration }

    /// The email layout with the issue's content in it, before CSS inlining; slots are taken from `slots`.
    struct EmailLayout {
        var html: String
        var markdownHTML: String
        var diagnostics: [Diagnostic]
        /// The line of `html` on which the body begins; nil when the layout does not hold the body as it is.
        var contentStartLine: Int?
        /// `newsletter.*` and `issue.*` as the email saw them, for the text part.
        var baseContext: [String: Any]
    }

    func emailLayout(_ issue: IssueSource, slots: SlotTable) throws -> EmailLayout {
        var diagnostics: [Diagnostic] = []
        // 1. Markdown to HTML, with source positions so findings map back to Markdown lines.
        let markdownHTML = try CommonMark.html(fromMarkdown: issue.body, options: [.default, .sourcePositions])

        // 2. Markers in the body: per-recipient ones become slots, build-time ones their values.
        let (emailContent, markers) = BodyMarkers.replace(in: markdownHTML) { name in
            if TemplateVariables.isPerRecipient(name) { return slots.token(for: name) }
            return context.buildTimeValue(name, issue: issue).map(HTMLSerializer.escapeText)
        }
        for marker in markers where !marker.resolved {
            diagnostics.append(.error(
                "leftover-marker", "{{\(marker.name)}} is not a known variable, so it would be sent as it is",
                at: SourceLocation(path: issue.path, line: line(ofMarker: marker.name, in: issue)),
                hint: "use subscriber.<column>, unsubscribe_url, issue.* or newsletter.*; to show braces literally, put them in `code`"))
        }

        // 3. The email layout around the content.
        let base = baseContext(for: issue, basePath: configuration.baseURL)
        var emailContext = base
        emailContext["content"] = emailContent
        emailContext["subscriber"] = SubscriberSlots(table: slots)
        emailContext["unsubscribe_url"] = slots.token(for: "unsubscribe_url")
        let html = try templates.render("email.html", emailContext, slots: slots)
        return EmailLayout(html: html, markdownHTML: markdownHTML, diagnostics: diagnostics,
                           contentStartLine: Self.firstLine(of: emailContent, in: html), baseContext: base)
    }

    /// The email as the inliner receives it, with linked stylesheets pasted into `<style>` elements:
    /// the input the benchmark gives to Gazette's inliner and to its peers alike.
    public func preInlineHTML(_ issue: IssueSource) throws -> String {
        var html = try emailLayout(issue, slots: SlotTable()).html
        let document = try HTMLDocument(parsing: html)
        for link in document.root?.descendants(named: "link") ?? []
        where link.attribute("rel")?.lowercased() == "stylesheet" {
            guard let href = link.attribute("href"), let css = templates.assets[Self.assetName(href)] else { continue }
            let style = document.makeElement(named: "style")
            style.append(document.makeText(css))
            link.insertBefore(style)
            link.remove()
        }
        html = document.serialized()
        return html
    }

    /// Renders `issue` for email and web; throws only when the issue cannot be rendered at all.
    public func render(_ issue: IssueSource) throws -> RenderedIssue {
        let slots = SlotTable()
        let layout = try emailLayout(issue, slots: slots)
        var diagnostics = layout.diagnostics
        let markdownHTML = layout.markdownHTML
        let document = try HTMLDocument(parsing: layout.html)

        // 4. CSS inlining; stylesheets are looked up among the templates' files.
        let inliner = Inliner(options: InlinerOptions())
        let report = try inliner.inline(document) { href in templates.assets[Self.assetName(href)] }
        for problem in report.diagnostics {
            // A linked stylesheet's problem points into its file; others into the email template.
            let asset = Self.assetName(problem.source)
            let location = templates.assets[asset] != nil
                ? SourceLocation(path: "\(TemplateSet.directory)/\(asset)", line: problem.line)
                : SourceLocation(path: templates.path(of: "email.html"))
            let message = templates.assets[asset] != nil || problem.source.isEmpty
                ? problem.message : "\(problem.source), line \(problem.line): \(problem.message)"
            diagnostics.append(.warning("css", message, at: location, hint: problem.hint))
        }
        Self.removeStylesheetLinks(from: document)

        // 5. Inspect the final tree while it still carries source positions and relative URLs.
        let inspection = ContentInspector(project: project, issue: issue, templates: templates)
        diagnostics += inspection.inspect(document: document, markdownHTML: markdownHTML,
                                          contentStartLine: layout.contentStartLine)

        // 6. Absolute URLs for mail clients; positions stripped; the text part from the #content element.
        Self.finalizeURLs(in: document, baseURL: configuration.baseURL)
        let contentNode = document.element(withID: "content") ?? document.body ?? document.root
        let textOptions = PlainTextOptions(width: configuration.textWidth,
                                           links: configuration.textLinks == .inline ? .inline : .references)
        let contentText = contentNode.map { PlainTextWriter.text(from: $0, options: textOptions) } ?? ""
        var textContext = layout.baseContext
        textContext["content_text"] = contentText
        textContext["content"] = contentText
        textContext["subscriber"] = SubscriberSlots(table: slots)
        textContext["unsubscribe_url"] = slots.token(for: "unsubscribe_url")
        let text = Self.tidyText(try templates.render("email.txt", textContext, slots: slots))
        // 7. Tracking, when on: links and the pixel become per-recipient slots (after the text part, which keeps
        // the real URLs, and after the checks, which look at the real links).
        let trackedLinks = configuration.tracking.isOn
            ? TrackingSlots.apply(to: document, settings: configuration.tracking, unsubscribeURL: configuration.unsubscribeURL,
                                  base: configuration.trackingBase, slots: slots) : []
        // Kept as bytes: slot splitting and the size check read bytes, and a String would validate them first.
        let html = HTMLSerializer.serializedBytes(document)

        func subjectTemplate(_ text: String) -> PersonalizationTemplate {
            let withSlots = BodyMarkers.replace(in: text) { name in
                TemplateVariables.isPerRecipient(name) ? slots.token(for: name) : context.buildTimeValue(name, issue: issue)
            }.html
            return PersonalizationTemplate(splitting: withSlots, escaping: .none)
        }
        let subjectTest = issue.subjectTest.map {
            PreparedSubjectTest(subjects: $0.subjects.map(subjectTemplate), shareBasisPoints: $0.shareBasisPoints)
        }

        let prepared = PreparedIssue(
            issueNumber: issue.number, slug: issue.slug, title: issue.title, date: issue.date.description,
            sourcePath: issue.path, preheader: issue.preheader, lists: issue.lists, slotNames: slots.names,
            subject: subjectTemplate(issue.subject), subjectTest: subjectTest,
            html: PersonalizationTemplate(splittingBytes: html, escaping: .html),
            text: PersonalizationTemplate(splittingBytes: text, escaping: .none),
            webURL: context.webURL(of: issue), trackedLinks: configuration.tracking.clicks ? trackedLinks : nil)

        var measurements = inspection.measure(document: document, contentNode: contentNode, text: text, contentText: contentText,
                                              htmlBytes: html.count, slots: slots, retainedStyleBytes: report.retainedCSSBytes)
        measurements.personalizedHTMLBytes = samplePersonalizedSize(prepared)

        // 8. The web versions of the body are made by SiteWriter from cmark's HTML, only when it writes pages:
        // check and publish never need them, and each costs a parse and a serialization.
        return RenderedIssue(source: issue, prepared: prepared, markdownHTML: markdownHTML,
                             diagnostics: diagnostics, measurements: measurements)
    }

    /// The template values every template of an issue sees.
    func baseContext(for issue: IssueSource, basePath: String) -> [String: Any] {
        ["newsletter": context.newsletter(basePath: basePath, year: issue.date.year), "issue": context.issue(issue)]
    }

    /// The body for web pages and the feed: markers filled from the personalization defaults. Links into the site
    /// start with `pathToRoot` (`../../` on an issue's page); with nil, as in the feed, they are absolute.
    func webContentHTML(markdownHTML: String, issue: IssueSource, pathToRoot: String?) throws -> String {
        let (filled, _) = BodyMarkers.replace(in: markdownHTML) { name in
            if name.hasPrefix("subscriber.") {
                return HTMLSerializer.escapeText(configuration.personalizationDefaults[String(name.dropFirst(11))] ?? "")
            }
            if name == "unsubscribe_url" { return configuration.unsubscribeURL ?? "" }
            return context.buildTimeValue(name, issue: issue).map(HTMLSerializer.escapeText)
        }
        let fragment = try HTMLDocument(parsing: "<html><body>" + filled + "</body></html>")
        Self.finalizeURLs(in: fragment, baseURL: configuration.baseURL, pathToRoot: pathToRoot)
        guard let body = fragment.body else { return filled }
        return body.children.map { HTMLSerializer.serialize($0) }.joined()
    }

    /// The email's HTML size with long sample values in the slots, as the biggest recipient would get it.
    /// Counted, not rendered: the literal bytes plus each slot's escaped sample value.
    func samplePersonalizedSize(_ prepared: PreparedIssue) -> Int {
        // A tracked URL: the base, /c/ and a token about 1.4 times the link plus 60 characters (docs/tracking.md).
        let base = configuration.trackingBase ?? configuration.baseURL
        let tracking = TrackingValues(clicks: (prepared.trackedLinks ?? []).map { base + "/c/" + Self.filler($0.utf8.count * 14 / 10 + 80) },
                                      open: base + "/o/" + Self.filler(120) + ".gif")
        let sample = prepared.slotValues(
            fields: [:], unsubscribeURL: (configuration.unsubscribeURL ?? configuration.baseURL)
                + "?token=" + Self.filler(120),
            defaults: configuration.personalizationDefaults, tracking: tracking
        ).map { $0.isEmpty ? Self.filler(40) : $0 }
        return prepared.html.renderedByteCount(sample)
    }

    /// A sample value of `count` characters.
    static func filler(_ count: Int) -> String { .repeated("x", count: count) }

    /// The 1-based line of `html` on which `content` first appears as it is (1 for empty content); nil when it is
    /// not in it, as when a layout escapes it with `{{content}}` or leaves it out.
    static func firstLine(of content: String, in html: String) -> Int? {
        if content.isEmpty { return 1 }
        var html = html, content = content
        return html.withUTF8 { haystack in
            content.withUTF8 { needle -> Int? in
                guard let base = haystack.baseAddress, let first = needle.baseAddress, needle.count <= haystack.count else {
                    return nil
                }
                var line = 1
                // memchr for the first byte, memcmp for the rest; lines counted on the way.
                var offset = 0
                while offset <= haystack.count - needle.count {
                    guard let found = memchr(base + offset, Int32(first.pointee), haystack.count - needle.count + 1 - offset) else {
                        return nil
                    }
                    let start = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                    for byte in UnsafeBufferPointer(rebasing: haystack[offset..<start]) where byte == 0x0A { line += 1 }
                    if memcmp(base + start, first, needle.count) == 0 { return line }
                    if haystack[start] == 0x0A { line += 1 }
                    offset = start + 1
                }
                return nil
            }
        }
    }

    /// The Markdown line on which a marker first appears.
    func line(ofMarker name: String, in issue: IssueSource) -> Int {
        for (offset, line) in issue.body.textLines().enumerated()
        where line.contains(name) {
            return issue.bodyStartLine + offset
        }
        return issue.bodyStartLine
    }

    /// `./email.css` and `email.css` both name templates/email.css.
    static func assetName(_ href: String) -> String {
        var name = href
        while name.hasPrefix("./") { name.removeFirst(2) }
        if name.hasPrefix("templates/") { name.removeFirst("templates/".count) }
        return name
    }

    static func removeStylesheetLinks(from document: HTMLDocument) {
        for link in document.root?.descendants(named: "link") ?? []
        where link.attribute("rel")?.lowercased().split(separator: " ").contains("stylesheet") == true {
            link.remove()
        }
    }

    /// Relative `href`/`src` are resolved against the base URL (RFC 3986); with `pathToRoot`, a target inside
    /// the site is written relative again, as `pathToRoot` + its path under the base. `data-sourcepos` goes.
    static func finalizeURLs(in document: HTMLDocument, baseURL: String, pathToRoot: String? = nil) {
        document.root?.visitElements { element in
            // One pass over the attributes' bytes; Strings only for a URL that may change.
            var hasSourcePosition = false
            var rewrites: [(name: String, value: String)] = []
            element.forEachAttribute { name, value in
                if equals(name, "data-sourcepos") {
                    hasSourcePosition = true
                } else if equals(name, "href") || equals(name, "src"), !hasScheme(value),
                          let absolute = absoluteURL(String(decoding: value, as: UTF8.self), baseURL: baseURL) {
                    let url = pathToRoot.flatMap { root in
                        absolute.hasPrefix(baseURL) ? root + absolute.dropFirst(baseURL.count) : nil
                    } ?? absolute
                    rewrites.append((String(decoding: name, as: UTF8.self), url))
                }
            }
            if hasSourcePosition { element.removeAttribute("data-sourcepos") }
            for rewrite in rewrites { element.setAttribute(rewrite.name, rewrite.value) }
        }
    }

    private static func equals(_ bytes: UnsafeBufferPointer<UInt8>, _ literal: StaticString) -> Bool {
        bytes.elementsEqual(UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// `value` resolved against `baseURL` by RFC 3986 §5.2 (`../a.pdf` loses its dot segments); nil when it is
    /// already absolute, a fragment, a slot, or template code.
    static func absoluteURL(_ value: String, baseURL: String) -> String? {
        // Most links start with a scheme (https:, mailto:): settled from the bytes, before any trimming.
        if hasScheme(value.utf8) { return nil }
        let trimmed = value.trimmingWhitespaces()
        if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix(SlotTable.prefix) || trimmed.containsPhrase("{{") {
            return nil
        }
        if let colon = trimmed.firstIndex(of: ":"),
           trimmed[..<colon].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == "." }) {
            return nil  // has a scheme: https:, mailto:, tel: …
        }
        return URLReference.resolve(trimmed, against: baseURL)
    }

    /// Whether `bytes` start with an ASCII URL scheme and its colon (`https:`), which the slow path also skips.
    static func hasScheme<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> Bool {
        var first = true
        for byte in bytes {
            let letter = byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A
            if byte == UInt8(ascii: ":") { return !first }
            if first {
                guard letter else { return false }
                first = false
            } else if !(letter || (byte >= 0x30 && byte <= 0x39) || byte == 0x2B || byte == 0x2D || byte == 0x2E) {
                return false
            }
        }
        return false
    }

    /// At most one blank line in a row, no trailing spaces, one final newline. On bytes: lines end at a line feed
    /// not preceded by a carriage return, as splitting on the Character "\n" did ("\r\n" is one Character).
    /// Bytes out: the slot splitting and the checks read bytes, and a String would validate them once more.
    static func tidyText(_ text: String) -> [UInt8] {
        var output: [UInt8] = []
        var text = text
        text.withUTF8 { bytes in
            output.reserveCapacity(bytes.count + 1)
            var blankOwed = false
            var start = 0
            for index in 0...bytes.count {
                guard index == bytes.count || (bytes[index] == 0x0A && (index == 0 || bytes[index - 1] != 0x0D)) else {
                    continue
                }
                var end = index
                // "-- " is the signature separator (RFC 3676 §4.3): its space is meant.
                while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 || bytes[end - 1] == 0x0D,
                      !(end - start == 3 && bytes[start] == 0x2D && bytes[start + 1] == 0x2D && bytes[start + 2] == 0x20) {
                    end -= 1
                }
                if end == start {
                    // A blank line is written only between two lines of text.
                    blankOwed = !output.isEmpty
                } else {
                    if !output.isEmpty { output.append(0x0A) }
                    if blankOwed { output.append(0x0A) }
                    blankOwed = false
                    output += UnsafeBufferPointer(rebasing: bytes[start..<end])
                }
                start = index + 1
            }
        }
        output.append(0x0A)
        return output
    }
}

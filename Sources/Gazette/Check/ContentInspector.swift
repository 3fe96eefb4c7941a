// Reads the final email tree of one issue, before URLs are made absolute, and reports what would hurt the
// reader or the delivery: unsafe HTML, missing files, insecure or shortened links, leftover template markers,
// GFM tables that cmark left as paragraphs, and HTML errors libxml2 found, each at its Markdown line.
import Foundation
import Markup

/// Inspects a rendered issue's HTML and measures it. A class: the walk calls it for every element and link, and a
/// struct of the project and the issue was copied (every field retained and released) on each call.
final class ContentInspector {
    let project: Project
    let issue: IssueSource
    let templates: TemplateSet

    init(project: Project, issue: IssueSource, templates: TemplateSet) {
        self.project = project
        self.issue = issue
        self.templates = templates
    }

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

    /// Everything the walk finds, in the order it is reported: per-element findings, then leftover template
    /// markers, then GFM tables left as paragraphs, then libxml2's HTML errors. `contentStartLine` is the line
    /// of the email's HTML where the body begins (nil: unknown); libxml2's errors for the body are looked for
    /// only when the email's own parse reported something there or after it.
    func inspect(document: HTMLDocument, markdownHTML: String, contentStartLine: Int?) -> [Diagnostic] {
        var walk = InspectionWalk(inspector: self, delimiterRows: Self.tableDelimiterRows(in: issue.body))
        if let root = document.root { walk.visit(root, insideCode: false, checksMarkers: true, sourceLine: nil, isRoot: true) }
        let htmlFindings = Self.bodyMayHaveHTMLProblems(document.parseIssues, contentStartLine: contentStartLine)
            || Self.mayHoldOpenRawConstruct(markdownHTML) ? htmlErrors(in: markdownHTML) : []
        return walk.elementFindings + walk.markerFindings + walk.tableFindings + htmlFindings
    }

    /// Whether the body's own parse could report an HTML problem, judged from the email's parse. The parser reads
    /// the body before the rest of the layout, so a problem of the body shows at or after the line where the body
    /// begins (a tag left open surfaces at the layout's next closing tag). Problems of the layout above the body
    /// and libxml2's "Tag … invalid" for HTML5 elements (noise, left out of the findings too) do not count; when
    /// the body's place is unknown, it could.
    static func bodyMayHaveHTMLProblems(_ issues: [HTMLParseIssue], contentStartLine: Int?) -> Bool {
        guard let start = contentStartLine else { return true }
        return issues.contains { issue in
            issue.line >= start && !(invalidTagName(issue.message).map(html5Elements.contains) ?? false)
        }
    }

    /// The Markdown line as a location in the issue, or the email template when the element came from it.
    func location(markdownLine line: Int?) -> SourceLocation {
        guard let line else { return SourceLocation(path: templates.path(of: "email.html")) }
        return SourceLocation(path: issue.path, line: issue.bodyStartLine + line - 1)
    }

    /// The Markdown line of an element from the nearest `data-sourcepos`, or the email template.
    func location(of element: HTMLNode) -> SourceLocation {
        var current: HTMLNode? = element
        while let node = current {
            if let position = node.attribute("data-sourcepos"), let line = Self.startLine(ofSourcePosition: position) {
                return location(markdownLine: line)
            }
            current = node.parent
        }
        return location(markdownLine: nil)
    }

    /// Whether `bytes` hold `{{`, `{%` or `<%`: the cheap test before `firstTemplateMarker`.
    static func mayHoldTemplateMarker(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count >= 2 else { return false }
        for index in 0..<(bytes.count - 1) {
            let byte = bytes[index], next = bytes[index + 1]
            if byte == UInt8(ascii: "{"), next == UInt8(ascii: "{") || next == UInt8(ascii: "%") { return true }
            if byte == UInt8(ascii: "<"), next == UInt8(ascii: "%") { return true }
        }
        return false
    }

    /// The 1-based lines of `body` that are GFM table delimiter rows. Lines end at "\n" alone ("\r\n" is one
    /// Character in Swift, so it never split lines here); only lines with `|` and `-` are looked at closely.
    static func tableDelimiterRows(in body: String) -> Set<Int> {
        var rows: Set<Int> = []
        var body = body
        body.withUTF8 { bytes in
            // A body without a pipe has no such row: settled by memchr, without counting lines.
            guard let base = bytes.baseAddress, memchr(base, Int32(UInt8(ascii: "|")), bytes.count) != nil else { return }
            var line = 1, start = 0, pipe = false, dash = false
            for index in 0...bytes.count {
                let byte = index < bytes.count ? bytes[index] : 0x0A
                if byte == 0x0A, index == bytes.count || index == 0 || bytes[index - 1] != 0x0D {
                    if pipe, dash, isTableDelimiterRow(Substring(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))) {
                        rows.insert(line)
                    }
                    line += 1
                    start = index + 1
                    pipe = false
                    dash = false
                } else if byte == UInt8(ascii: "|") {
                    pipe = true
                } else if byte == UInt8(ascii: "-") {
                    dash = true
                }
            }
        }
        return rows
    }

    /// `12:1-14:20` → 12
    static func startLine(ofSourcePosition position: String) -> Int? {
        // cmark writes ASCII digits; read on bytes (Character.isNumber showed in the build's profile).
        var line = 0, digits = 0
        for byte in position.utf8 {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), digits < 18 else { break }
            line = line * 10 + Int(byte - UInt8(ascii: "0"))
            digits += 1
        }
        return digits > 0 ? line : nil
    }

    /// `12:1-14:20` → 12...14
    static func lineRange(ofSourcePosition position: String) -> ClosedRange<Int>? {
        let parts = position.split(separator: "-")
        guard parts.count == 2, let start = Int(parts[0].prefix { $0.isNumber }),
              let end = Int(parts[1].prefix { $0.isNumber }), start <= end else { return nil }
        return start...end
    }

    /// `location` is made only for a finding: most links have none.
    func inspectURL(_ value: String, attribute kind: String, location: @autoclosure () -> SourceLocation) -> [Diagnostic] {
        // The usual link, https:// with nothing to trim, can only be a shortener: no Foundation trimming for it.
        if Self.startsWithHTTPS(value.utf8), let last = value.utf8.last, last != 0x20, last != 0x09, last < 0x80 {
            return shortenerFinding(value, kind: kind, location: location())
        }
        let url = value.trimmingWhitespaces()
        let lower = url.lowercased()
        if url.isEmpty {
            return [.warning("link-empty", "a \(kind) has an empty address", at: location(), hint: "fill in the URL or remove the \(kind)")]
        }
        if lower.hasPrefix("javascript:") {
            return [.error("unsafe-html", "a \(kind) runs JavaScript, which email clients block", at: location(),
                           hint: "link to a web page instead")]
        }
        if lower.hasPrefix("http://") {
            var findings: [Diagnostic] = [.warning("link-http", "the \(kind) \(url) is not https", at: location(),
                                                   hint: "use https://; plain http links look unsafe to filters and readers")]
            findings += shortenerFinding(url, kind: kind, location: location())
            return findings
        }
        if lower.hasPrefix("https://") { return shortenerFinding(url, kind: kind, location: location()) }
        if url.hasPrefix("#") || url.hasPrefix("//") || url.containsPhrase("{{") || url.hasPrefix(SlotTable.prefix)
            || IssueRenderer.hasScheme(lower.utf8) {  // ^[a-z][a-z0-9+.-]*: on the lower-cased URL
            return []
        }
        // A relative URL: it must name a file that the build publishes from content/ to base_url. Resolved as
        // RFC 3986 says, as the email resolves it. A relative path is resolved below a stand-in folder, because at
        // a host's root RFC 3986 drops the `..` that would climb out (`../x.pdf` → `/x.pdf`) and the escape from
        // content/ would not show.
        let base = project.configuration.baseURL
        let target = URLReference.resolve(url, against: base)
        let frame = url.hasPrefix("/") ? base : Self.contentFrame
        let resolved = url.hasPrefix("/") ? target : URLReference.resolve(url, against: frame)
        guard resolved.hasPrefix(frame) else {
            return [.error("missing-file", "the \(kind) points to \(url), which is outside \(Project.contentDirectory)/; it would become \(target)",
                           at: location(),
                           hint: "relative addresses are read from \(Project.contentDirectory)/ and published under base_url: put the file in \(Project.contentDirectory)/ (e.g. \(Project.contentDirectory)/files/report.pdf, linked as files/report.pdf), or write the full https:// address")]
        }
        var path = URLReference(String(resolved.dropFirst(frame.count))).path
        path = path.removingPercentEncoding ?? path
        if path.isEmpty || path.hasSuffix("/") { return [] }
        // A path joined as text: URL.appendingPathComponent asks the file system whether each part is a folder,
        // two more system calls per image of every build.
        let file = project.root.path + "/" + Project.contentDirectory + "/" + path
        if !FileManager.default.fileExists(atPath: file) {
            return [.error("missing-file", "the \(kind) points to \(url), but \(Project.contentDirectory)/\(path) does not exist",
                           at: location(), hint: "relative addresses are read from \(Project.contentDirectory)/ (e.g. images/chart.png); fix the path or add the file")]
        }
        return []
    }

    /// content/ as a folder below a root, to resolve relative paths in.
    static let contentFrame = "gazette:/\(Project.contentDirectory)/"

    func shortenerFinding(_ url: String, kind: String, location: @autoclosure () -> SourceLocation) -> [Diagnostic] {
        guard Self.mayUseShortener(url.utf8), let host = URL(string: url)?.host?.lowercased() else { return [] }
        let bare = host.hasPrefix("www.") ? String(host.dropFirst(4)) : host
        guard Self.shorteners.contains(bare) else { return [] }
        return [.warning("link-shortener", "the \(kind) uses the URL shortener \(bare)", at: location(),
                         hint: "link to the destination itself: spam filters distrust shorteners")]
    }

    /// Whether the bytes start with `https://` in any ASCII case.
    static func startsWithHTTPS(_ bytes: String.UTF8View) -> Bool {
        var iterator = bytes.makeIterator()
        for expected in "https://".utf8 {
            guard let byte = iterator.next(), (byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte) == expected else { return false }
        }
        return true
    }

    /// False when the URL's host, read from the bytes, is plainly no shortener; true when it is one or when
    /// the authority is unusual (percent-escapes, IPv6, non-ASCII), which Foundation's URL then decides.
    static func mayUseShortener(_ bytes: String.UTF8View) -> Bool {
        // Read in place: a copy of the URL and of its host was most of the cost of a link's checks.
        bytes.withContiguousStorageIfAvailable(mayUseShortener) ?? Array(bytes).withUnsafeBufferPointer(mayUseShortener)
    }

    private static func mayUseShortener(_ url: UnsafeBufferPointer<UInt8>) -> Bool {
        var separator: Int?
        if url.count >= 3 {
            for index in 0...(url.count - 3)
            where url[index] == UInt8(ascii: ":") && url[index + 1] == UInt8(ascii: "/") && url[index + 2] == UInt8(ascii: "/") {
                separator = index
                break
            }
        }
        guard let separator else { return true }
        var hostStart = separator + 3
        var hostEnd = hostStart
        for index in hostStart..<url.count {
            let byte = url[index]
            if byte == UInt8(ascii: "/") || byte == UInt8(ascii: "?") || byte == UInt8(ascii: "#") { break }
            if byte >= 0x80 || byte == UInt8(ascii: "%") || byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "[") { return true }
            hostEnd = index + 1
            if byte == UInt8(ascii: "@") { hostStart = hostEnd }  // user information comes before the host
        }
        var host = UnsafeBufferPointer(rebasing: url[hostStart..<hostEnd])
        if let colon = host.firstIndex(of: UInt8(ascii: ":")) { host = UnsafeBufferPointer(rebasing: host[..<colon]) }
        if host.count > 4, lowercased(host[0]) == UInt8(ascii: "w"), lowercased(host[1]) == UInt8(ascii: "w"),
           lowercased(host[2]) == UInt8(ascii: "w"), host[3] == UInt8(ascii: ".") {
            host = UnsafeBufferPointer(rebasing: host[4...])
        }
        // Compared on the bytes, by length first: a String, its lower-casing and a hash per link showed.
        return shortenerBytes.contains { shortener in
            shortener.count == host.count && zip(shortener, host).allSatisfy { $0 == lowercased($1) }
        }
    }

    private static let shortenerBytes: [[UInt8]] = shorteners.map { Array($0.utf8) }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
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
        var findings: [Diagnostic] = []
        // Split into lines only when there is something to place: most bodies have no HTML problem at all.
        var splitLines: [Substring]?
        for problem in fragment.parseIssues {
            if let tag = Self.invalidTagName(problem.message), Self.html5Elements.contains(tag) { continue }
            let htmlLines = splitLines ?? markdownHTML.split(separator: "\n", omittingEmptySubsequences: false)
            splitLines = htmlLines
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

    /// Whether the body holds a construct that libxml2 reads to a terminator: a comment with no `-->` after it, a
    /// `<!…` or `<?…` with no `>`, or a `<script` or `<style` element (read to the next `</`). Left open, it runs to
    /// the end of the body alone, where libxml2 reports it; in the email the layout's own bytes (its
    /// `<![endif]-->`, its `</td>`) can end it without a word, so for these the body's own parse is the only witness.
    static func mayHoldOpenRawConstruct(_ html: String) -> Bool {
        var html = html
        return html.withUTF8 { bytes in
            func find(_ terminator: StaticString, from start: Int) -> Int? {
                let count = terminator.utf8CodeUnitCount
                var index = start
                while index + count <= bytes.count {
                    if memcmp(bytes.baseAddress! + index, terminator.utf8Start, count) == 0 { return index }
                    index += 1
                }
                return nil
            }
            var index = 0
            while index + 1 < bytes.count {
                // The next `<` by memchr: a body is some thousands of bytes of text between tags.
                guard let hit = memchr(bytes.baseAddress! + index, Int32(UInt8(ascii: "<")), bytes.count - 1 - index) else { break }
                index = UnsafeRawPointer(hit) - UnsafeRawPointer(bytes.baseAddress!)
                let next = bytes[index + 1]
                if next == UInt8(ascii: "!") || next == UInt8(ascii: "?") {
                    // libxml2 ends a comment at the first "-->" from the fourth byte after "<!--" on, as searched here.
                    let isComment = next == UInt8(ascii: "!") && index + 3 < bytes.count
                        && bytes[index + 2] == UInt8(ascii: "-") && bytes[index + 3] == UInt8(ascii: "-")
                    let end = isComment ? find("-->", from: index + 4).map { $0 + 3 } : find(">", from: index + 2).map { $0 + 1 }
                    guard let end else { return true }
                    index = end
                    continue
                }
                if startsWithName(bytes, at: index + 1, "script") || startsWithName(bytes, at: index + 1, "style") { return true }
                index += 1
            }
            return false
        }
    }

    /// Whether `bytes` hold the lower-case ASCII `name` at `index`, in any case.
    private static func startsWithName(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, _ name: StaticString) -> Bool {
        let count = name.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        for offset in 0..<count where bytes[index + offset] | 0x20 != name.utf8Start[offset] { return false }
        return true
    }

    /// "Tag section invalid" → "section"
    static func invalidTagName(_ message: String) -> String? {
        guard message.hasPrefix("Tag "), message.hasSuffix(" invalid") else { return nil }
        return String(message.dropFirst(4).dropLast(8))
    }
}

// The preview's own pages (index, text part, errors, findings as JSON), around what PreviewSession renders.
// Plain HTML with inline CSS and a small script: nothing is loaded from the network.
import Foundation
import Gazette
import Markup

enum PreviewPages {
    /// A page of the preview with its header; `script` is the live-reload client (and more, on issue pages).
    static func layout(title: String, body: String, generation: Int, stem: String? = nil, bodyClass: String = "") -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title)) · Gazette preview</title>
        <style>\(PreviewStyle.css)</style>
        </head>
        <body class="\(bodyClass)" data-generation="\(generation)" data-stem="\(escape(stem ?? ""))">
        \(body)
        <script>\(PreviewScript.liveReload)</script>
        </body></html>
        """
    }

    /// Safe in text and in double-quoted attributes alike.
    static func escape(_ text: String) -> String {
        HTMLSerializer.escapeText(text).replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func message(title: String, text: String) -> String {
        layout(title: title, body: "<header class=\"bar\"><a href=\"/\">Gazette preview</a></header><main class=\"page\"><h1>\(escape(title))</h1><p>\(escape(text))</p></main>",
               generation: 0)
    }

    // MARK: Index

    static func index(_ index: PreviewSession.Index) -> String {
        var rows = ""
        for issue in index.issues.reversed() {
            let title = issue.title.map(escape) ?? "<em>(cannot be read)</em>"
            let badges = (issue.draft ? "<span class=\"badge draft\">draft</span>" : "")
                + (issue.errors > 0 ? "<span class=\"badge error\">\(issue.errors) error\(issue.errors == 1 ? "" : "s")</span>" : "")
                + (issue.warnings > 0 ? "<span class=\"badge warning\">\(issue.warnings) warning\(issue.warnings == 1 ? "" : "s")</span>" : "")
            let web = issue.slug.map { "<a href=\"/issues/\(escape($0))/\">web page</a>" } ?? ""
            rows += """
            <tr data-stem="\(escape(issue.stem))"><td>\(issue.number.map(String.init) ?? "")</td>
            <td><a class="issue-link" href="/preview/\(escape(issue.stem))/">\(title)</a> \(badges)<div class="path">\(escape(issue.path))</div></td>
            <td>\(escape(issue.date ?? ""))</td><td>\(web)</td></tr>

            """
        }
        if index.issues.isEmpty {
            rows = "<tr><td colspan=\"4\">No issues yet: <code>gazette new \"Title\"</code> writes one to content/issues/.</td></tr>"
        }
        let name = index.newsletter ?? "gazette.yml cannot be read"
        let body = """
        <header class="bar"><a href="/">Gazette preview</a><span class="name">\(escape(name))</span><span class="live" id="live">live</span></header>
        <main class="page">
        <h1>Issues</h1>
        <table class="issues"><thead><tr><th>#</th><th>Issue</th><th>Date</th><th>Archive</th></tr></thead><tbody>
        \(rows)</tbody></table>
        \(index.diagnostics.isEmpty ? "" : "<h2>Project</h2>" + findingsList(index.diagnostics))
        </main>
        """
        return layout(title: name, body: body, generation: index.generation, stem: "*")
    }

    // MARK: Findings

    /// Findings as a list: severity, code, message, file:line, hint; errors first, in their order.
    static func findingsList(_ findings: [Diagnostic]) -> String {
        guard !findings.isEmpty else { return "<p class=\"clean\">No findings: the checks pass.</p>" }
        let sorted = findings.filter { $0.severity == .error } + findings.filter { $0.severity == .warning }
        var html = "<ul class=\"findings\">"
        for finding in sorted {
            html += """
            <li class="finding \(finding.severity.rawValue)" data-code="\(escape(finding.code))">
            <div><span class="severity">\(finding.severity.rawValue)</span> <code>\(escape(finding.code))</code>\
            \(finding.location.map { " <span class=\"location\">\(escape($0.description))</span>" } ?? "")</div>
            <div class="message">\(escape(finding.message))</div>\
            \(finding.hint.map { "<div class=\"hint\">\(escape($0))</div>" } ?? "")</li>
            """
        }
        return html + "</ul>"
    }

    /// What `check --format json` says of one issue, for tools.
    static func checksJSON(entry: PreviewSession.IssueEntry?, findings: [Diagnostic], measurements: IssueMeasurements?) -> [String: Any] {
        var object: [String: Any] = [
            "errors": findings.filter { $0.severity == .error }.count,
            "warnings": findings.filter { $0.severity == .warning }.count,
            "diagnostics": findings.map { finding -> [String: Any] in
                var item: [String: Any] = ["severity": finding.severity.rawValue, "code": finding.code, "message": finding.message]
                if let location = finding.location {
                    item["file"] = location.path
                    if let line = location.line { item["line"] = line }
                }
                if let hint = finding.hint { item["hint"] = hint }
                return item
            },
        ]
        if let entry { object["path"] = entry.path }
        if let measurements { object["measurements"] = measurementRows(measurements).reduce(into: [String: String]()) { $0[$1.0] = $1.1 } }
        return object
    }

    static func measurementRows(_ measured: IssueMeasurements) -> [(String, String)] {
        [
            ("HTML as sent", "\(measured.personalizedHTMLBytes) bytes"),
            ("<style> left in <head>", "\(measured.retainedStyleBytes) bytes"),
            ("link text / visible text", String(format: "%.1f %%", measured.linkTextRatio * 100)),
            ("links per 100 words", String(format: "%.1f", measured.linksPer100Words)),
            ("images per 100 words", String(format: "%.1f", measured.imagesPer100Words)),
            ("links, images", "\(measured.links), \(measured.images)"),
            ("visible words", "\(measured.visibleWords)"),
            ("words of content in the text part", "\(measured.textWords)"),
        ]
    }

    // MARK: A failed issue

    /// An issue that cannot be rendered: every finding with file, line and hint; it reloads when a file changes.
    static func failure(stem: String, entry: PreviewSession.IssueEntry?, findings: [Diagnostic], generation: Int) -> String {
        let title = entry?.title ?? stem
        let body = """
        <header class="bar"><a href="/">Gazette preview</a><span class="name">\(escape(title))</span><span class="live" id="live">live</span></header>
        <main class="page render-error">
        <h1>This issue cannot be shown</h1>
        <p>Fix what is listed below and save: this page comes back by itself.</p>
        \(findingsList(findings))
        </main>
        """
        return layout(title: title, body: body, generation: generation, stem: stem, bodyClass: "failed")
    }

    // MARK: The text part

    static func textPart(_ preview: PreviewSession.IssuePreview) -> String {
        let body = """
        <header class="bar"><a href="/">Gazette preview</a><a href="/preview/\(escape(preview.entry.stem))/?\(escape(preview.recipientQuery))">\
        \(escape(preview.entry.title ?? preview.entry.stem))</a><span class="name">text part</span><span class="live" id="live">live</span></header>
        <main class="page"><p class="meta">To: \(escape(preview.personalized.to)) · Subject: \(escape(preview.personalized.subject))</p>
        <pre class="text-part">\(escape(preview.personalized.text))</pre></main>
        """
        return layout(title: "Text part", body: body, generation: preview.generation, stem: preview.entry.stem)
    }

    /// A page rendered by the newsletter's own templates (the web archive), with the live-reload client added.
    static func withLiveReload(_ page: String, stem: String, generation: Int) -> String {
        let client = "<script data-gazette-preview data-generation=\"\(generation)\" data-stem=\"\(escape(stem))\">\(PreviewScript.liveReload)</script>"
        guard let end = page.range(of: "</body>", options: [.caseInsensitive, .backwards]) else { return page + client }
        return page.replacingCharacters(in: end, with: client + "</body>")
    }
}

// The page of one issue: the subscriber's email in a desktop and a mobile frame side by side, the theme
// toggles, the subscriber picker, links to the text part, the web page and the .eml, and the check panel.
import Foundation
import Gazette

extension PreviewPages {
    /// Frame widths in CSS pixels: a desktop client's reading pane, and a phone.
    static let desktopWidth = 640
    static let mobileWidth = 375

    static func issue(_ preview: PreviewSession.IssuePreview, newsletter: String?) -> String {
        let entry = preview.entry
        let stem = escape(entry.stem)
        let recipient = preview.selectedRecipient
        var options = ""
        for (index, label) in preview.recipients.enumerated() {
            options += "<option value=\"\(index)\"\(index == recipient ? " selected" : "")>\(escape(label))</option>"
        }
        let errors = preview.findings.filter { $0.severity == .error }.count
        let warnings = preview.findings.count - errors
        var measurements = ""
        for (name, value) in measurementRows(preview.measurements) {
            measurements += "<tr><th>\(escape(name))</th><td>\(escape(value))</td></tr>"
        }
        let who = escape(preview.recipientQuery)
        let frameSource = "/preview/\(stem)/email.html?\(who)"
        let body = """
        <header class="bar">
          <a href="/">Gazette preview</a>
          <span class="name">\(escape(newsletter ?? ""))</span>
          <label>Subscriber <select id="recipient" data-stem="\(stem)">\(options)</select></label>
          <input id="find" type="search" placeholder="any address in the lists" aria-label="Find a subscriber">
          <span class="toggles">
            <span class="group" role="group" aria-label="Frames">
              <button data-frames="both" class="on">Both</button><button data-frames="desktop">Desktop</button><button data-frames="mobile">Mobile</button>
            </span>
            <span class="group" role="group" aria-label="Theme">
              <button data-theme="light" class="on">Light</button><button data-theme="dark" title="a client that applies the email's prefers-color-scheme: dark rules">Dark</button><button data-theme="forced" title="a client that inverts the colours itself (Gmail and Outlook apps)">Forced dark</button>
            </span>
            <label title="Images under base_url are read from content/ before they are published"><input type="checkbox" id="local-images" checked> local images</label>
          </span>
          <span class="links">
            <a href="/preview/\(stem)/text?\(who)" target="_blank">Text part</a>
            \(entry.slug.map { "<a href=\"/issues/\(escape($0))/\" target=\"_blank\">Web page</a>" } ?? "")
            <a href="/preview/\(stem)/message.eml?\(who)" download>.eml</a>
          </span>
          <span class="live" id="live">live</span>
        </header>
        <div class="stage">
          <section class="frames" id="frames" data-frames="both" data-recipient="\(who)">
            <figure class="frame desktop"><figcaption>Desktop · \(desktopWidth) px</figcaption>
              <iframe id="frame-desktop" title="Desktop" width="\(desktopWidth)" src="\(frameSource)&amp;images=local"></iframe></figure>
            <figure class="frame mobile"><figcaption>Mobile · \(mobileWidth) px</figcaption>
              <iframe id="frame-mobile" title="Mobile" width="\(mobileWidth)" src="\(frameSource)&amp;images=local"></iframe></figure>
          </section>
          <aside class="panel" id="panel">
            <h1 id="issue-title">\(escape(entry.title ?? entry.stem))</h1>
            <p class="meta">\(entry.draft ? "<span class=\"badge draft\">draft</span> " : "")\(escape(entry.path))</p>
            <table class="envelope">
              <tr><th>Subject</th><td id="subject">\(escape(preview.personalized.subject))</td></tr>
              <tr><th>To</th><td>\(escape(preview.personalized.to))</td></tr>
              <tr><th>Audience</th><td id="audience">\(entry.audience.map { "\($0) recipient\($0 == 1 ? "" : "s")" } ?? "unknown")</td></tr>
              <tr><th>Unsubscribe</th><td class="url">\(escape(preview.personalized.unsubscribeURL ?? preview.personalized.unsubscribeMailto ?? "none"))</td></tr>
            </table>
            <h2>Checks <span class="counts" id="counts" data-errors="\(errors)" data-warnings="\(warnings)">\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")</span></h2>
            \(findingsList(preview.findings))
            <h2>Layout <span class="counts">measured in the frames</span></h2>
            <ul class="findings" id="layout-findings" data-count="0"><li class="pending">measuring…</li></ul>
            <h2>Measurements</h2>
            <table class="measurements">\(measurements)</table>
            <p class="meta">Rendered in \(String(format: "%.1f", preview.renderMilliseconds)) ms · change \(preview.generation)</p>
          </aside>
        </div>
        <script>\(PreviewScript.issuePage)</script>
        """
        return layout(title: entry.title ?? entry.stem, body: body, generation: preview.generation, stem: entry.stem, bodyClass: "issue")
    }
}

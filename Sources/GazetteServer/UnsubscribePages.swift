// The pages a recipient sees from `gazette serve`: confirm, done, and a bad link; in the newsletter's own style
// (its templates/style.css, inlined, so the page needs nothing else from the archive).
import Foundation
import Gazette
import Markup

struct UnsubscribePages: Sendable {
    let name: String
    let language: String
    let css: String

    /// The pages of `project`, styled with its templates/style.css (the default stylesheet if it has none).
    init(project: Project) {
        name = project.configuration.name
        language = project.configuration.language
        css = project.webStylesheet
    }

    init(name: String, language: String, css: String) {
        self.name = name
        self.language = language
        self.css = css
    }

    /// The question, with a button that posts the same link back (a GET never unsubscribes: link scanners
    /// and mail previews follow links).
    func confirm(_ target: UnsubscribeTarget, action: String) -> String {
        page(title: "Unsubscribe", body: """
        <h1>Unsubscribe?</h1>
        <p><strong>\(HTMLSerializer.escapeText(target.address))</strong> will no longer receive \(HTMLSerializer.escapeText(name)) \
        (list “\(HTMLSerializer.escapeText(target.list))”).</p>
        <form method="post" action="\(HTMLSerializer.escapeAttribute(action))">
          <input type="hidden" name="confirm" value="yes">
          <p><button type="submit">Unsubscribe</button></p>
        </form>
        """)
    }

    func done(_ target: UnsubscribeTarget) -> String {
        page(title: "Unsubscribed", body: """
        <h1>You are unsubscribed</h1>
        <p><strong>\(HTMLSerializer.escapeText(target.address))</strong> will receive no more issues of \(HTMLSerializer.escapeText(name)). \
        Sorry to see you go.</p>
        """)
    }

    func invalidLink() -> String {
        page(title: "Link not valid", body: """
        <h1>This link is not valid</h1>
        <p>The unsubscribe link is incomplete or was changed. Open the link from the newsletter again, \
        or reply to the newsletter and ask to be removed.</p>
        """)
    }

    func message(title: String, text: String) -> String {
        page(title: title, body: "<h1>\(HTMLSerializer.escapeText(title))</h1>\n<p>\(HTMLSerializer.escapeText(text))</p>")
    }

    func page(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="\(HTMLSerializer.escapeAttribute(language))">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="robots" content="noindex">
        <title>\(HTMLSerializer.escapeText(title)) · \(HTMLSerializer.escapeText(name))</title>
        <style>
        \(css.replacingOccurrences(of: "</", with: "<\\/"))
        </style>
        </head>
        <body>
        <header class="site-header"><div class="wrap"><span class="brand">\(HTMLSerializer.escapeText(name))</span></div></header>
        <main class="wrap">
        <article class="issue">
        \(body)
        </article>
        </main>
        </body>
        </html>

        """
    }
}

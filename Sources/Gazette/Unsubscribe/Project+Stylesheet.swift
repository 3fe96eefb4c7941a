// The web archive's stylesheet of a project, for pages served outside the archive (the unsubscribe pages).
import Foundation

extension Project {
    /// `templates/style.css`, or the default one `gazette init` writes when the project has none.
    public var webStylesheet: String {
        (try? String(contentsOf: url("templates/style.css"), encoding: .utf8)) ?? DefaultFiles.templates["style.css"] ?? ""
    }
}

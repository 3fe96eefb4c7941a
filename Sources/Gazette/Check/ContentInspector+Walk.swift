// The one pass of ContentInspector over the final email tree: element checks (unsafe HTML, links, images),
// leftover template markers and GFM pipe tables. Each element's attributes are read once, without Strings
// unless something is found, and the Markdown line is carried down the tree instead of searched upwards.
import Markup

extension ContentInspector {
    /// Findings of one walk, kept per kind so they come out in the order the checks always reported them.
    struct InspectionWalk {
        let inspector: ContentInspector
        /// 1-based body lines that hold a GFM table delimiter row.
        let delimiterRows: Set<Int>
        var elementFindings: [Diagnostic] = []
        var markerFindings: [Diagnostic] = []
        var tableFindings: [Diagnostic] = []
        var reportedLines: Set<String> = []
        /// What the walk asks of each element name, worked out once per name (a String and a Set lookup per
        /// element were a fifth of the walk).
        var names = ElementNameIndex()
        var factsOfName: [NameFacts] = []

        struct NameFacts {
            let name: String
            let isUnsafe: Bool
            /// `<style>`, `<script>` and `<head>` hold no markers a reader would see.
            let hidesMarkers: Bool
            let isCode: Bool
            let isLink: Bool, isImage: Bool, isParagraph: Bool

            init(name: String) {
                self.name = name
                isLink = name == "a"
                isImage = name == "img"
                isParagraph = name == "p"
                isUnsafe = ContentInspector.unsafeElements.contains(name)
                hidesMarkers = name == "style" || name == "script" || name == "head"
                isCode = name == "code" || name == "pre"
            }
        }

        /// `sourceLine` is the Markdown line of the nearest element with `data-sourcepos` (nil: the template).
        mutating func visit(_ node: HTMLNode, insideCode: Bool, checksMarkers: Bool, sourceLine: Int?, isRoot: Bool = false) {
            let facts = facts(of: node)
            let name = facts.name
            var handlers: [String] = []
            var position: String?
            var markedValues: [String] = []
            node.forEachAttribute { attribute, value in
                if attribute.count >= 2, attribute[0] | 0x20 == UInt8(ascii: "o"), attribute[1] | 0x20 == UInt8(ascii: "n") {
                    handlers.append(String(decoding: attribute, as: UTF8.self))
                }
                if Self.equals(attribute, "data-sourcepos") { position = String(decoding: value, as: UTF8.self) }
                // Attributes other than style may carry markers; only a possible one costs a String.
                if !Self.equals(attribute, "style"), ContentInspector.mayHoldTemplateMarker(value) {
                    markedValues.append(String(decoding: value, as: UTF8.self))
                }
            }
            let line = position.flatMap(ContentInspector.startLine(ofSourcePosition:)) ?? sourceLine
            // Made only when something is reported, as most elements have nothing to say; a `lazy var` for it cost
            // a heap box per element.
            var location: SourceLocation { inspector.location(markdownLine: line) }

            if facts.isUnsafe {
                elementFindings.append(.error("unsafe-html", "<\(name)> does not work in email and is removed or flagged by filters",
                                              at: location, hint: "link to a web page instead of embedding \(name == "form" ? "a form" : "it")"))
            }
            for attribute in handlers {
                elementFindings.append(.error("unsafe-html", "the event handler \(attribute)= on <\(name)> is script, which email clients strip",
                                              at: location, hint: "remove the \(attribute) attribute"))
            }
            if facts.isLink, let href = node.attribute("href") {
                // Into a local first: appended in one expression, the inspector was copied for the call.
                let findings = inspector.inspectURL(href, attribute: "link", location: location)
                elementFindings += findings
            }
            if facts.isImage {
                let src = node.attribute("src")
                if let src {
                    let findings = inspector.inspectURL(src, attribute: "image", location: location)
                    elementFindings += findings
                }
                if !node.hasAttribute("alt") {
                    elementFindings.append(.warning("image-alt", "an image has no alt text (\(src ?? "no src"))",
                                                    at: location, hint: "write ![what it shows](…); use an empty alt only for decoration"))
                }
            }
            if facts.isParagraph, !isRoot, !delimiterRows.isEmpty, let position {
                checkPipeTable(position)
            }

            // Markers: not in <style>, <script> or <head>; attributes count even inside code, text does not.
            let marks = checksMarkers && !facts.hidesMarkers
            if marks { for value in markedValues { report(value, location) } }
            let code = insideCode || facts.isCode
            var child = node.firstChild
            while let current = child {
                switch current.kind {
                case .element:
                    visit(current, insideCode: code, checksMarkers: marks, sourceLine: line)
                case .text where marks && !code:
                    if let text = current.content(where: ContentInspector.mayHoldTemplateMarker) { report(text, location) }
                default:
                    break
                }
                child = current.nextSibling
            }
        }

        private mutating func facts(of element: HTMLNode) -> NameFacts {
            guard let number = names.number(of: element) else { return NameFacts(name: element.name) }
            if number == factsOfName.count { factsOfName.append(NameFacts(name: element.name)) }
            return factsOfName[number]
        }

        private mutating func report(_ text: String, _ location: SourceLocation) {
            guard let marker = ContentInspector.firstTemplateMarker(in: text), reportedLines.insert(location.description).inserted
            else { return }
            markerFindings.append(.error("leftover-marker", "a template marker is left in the email: \(marker)", at: location,
                                         hint: "fill it in, or put it in `code` if readers should see it"))
        }

        /// A paragraph whose Markdown lines hold a GFM table delimiter row (`|---|---|`): CommonMark has no pipe tables.
        private mutating func checkPipeTable(_ position: String) {
            guard let range = ContentInspector.lineRange(ofSourcePosition: position) else { return }
            for line in range where delimiterRows.contains(line) {
                tableFindings.append(.error(
                    "pipe-table", "this looks like a GFM pipe table, which CommonMark renders as a plain paragraph",
                    at: SourceLocation(path: inspector.issue.path, line: inspector.issue.bodyStartLine + range.lowerBound - 1),
                    hint: "write the table as HTML (<table><tr><th>…</th></tr>…</table>), see docs/templates.md"))
                break
            }
        }

        private static func equals(_ bytes: UnsafeBufferPointer<UInt8>, _ literal: StaticString) -> Bool {
            guard bytes.count == literal.utf8CodeUnitCount else { return false }
            for index in 0..<bytes.count where bytes[index] != literal.utf8Start[index] { return false }
            return true
        }
    }
}

// Any bytes as HTML: when WellFormedHTMLParser reads them, its tree must be libxml2's, node for node (the fast
// path's promise; Sources/Markup/WellFormedHTMLParser.swift). A decline is always allowed.
@testable import Markup

enum HTMLParityFuzz {
    static func run(_ bytes: [UInt8]) {
        let html = String(decoding: bytes, as: UTF8.self)
        guard let (wellFormed, libxml2) = try? HTMLDocument.describedByBothParsers(html) else { return }
        require(wellFormed == libxml2, "the fast path's tree differs from libxml2's:\n\(wellFormed)\n----- libxml2:\n\(libxml2)")
    }
}

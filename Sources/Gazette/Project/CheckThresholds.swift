// The limits `gazette check` measures against, with defaults that keep a newsletter out of spam folders
// and out of Gmail's clipping. Every one can be changed under `checks:` in gazette.yml.

/// Thresholds for the checks; see the README's "Checks" section for why each default is what it is.
public struct CheckThresholds: Sendable, Equatable {
    /// Share of the visible text that is link text (0–1).
    public var maxLinkTextRatio = 0.5
    /// Links per 100 visible words.
    public var maxLinksPer100Words = 12.0
    /// Images per 100 visible words; image-heavy mail with little text is a spam signal.
    public var maxImagesPer100Words = 5.0
    /// Gmail clips messages whose HTML is larger than about 102 KB.
    public var maxHTMLBytes = 102_000
    /// Gmail drops a `<style>` block larger than 16 KB.
    public var maxStyleBytes = 16_000
    /// A text part shorter than this reads as an afterthought to filters.
    public var minTextWords = 50
    /// Subjects longer than this are cut off in most inboxes.
    public var maxSubjectLength = 78
    /// Preheaders longer than this are cut off anyway.
    public var maxPreheaderLength = 140

    public init() {}

    init(reading reader: YAMLReader?) throws {
        guard let reader else { return }
        let known = ["max_link_text_ratio", "max_links_per_100_words", "max_images_per_100_words", "max_html_bytes",
                     "max_style_bytes", "min_text_words", "max_subject_length", "max_preheader_length"]
        for key in reader.keys where !known.contains(key) {
            throw DiagnosticError(.error("setting-unknown", "unknown check setting `checks.\(key)`",
                                         at: reader.location(ofKey: key),
                                         hint: "known settings: \(known.joined(separator: ", "))"))
        }
        maxLinkTextRatio = try reader.double("max_link_text_ratio") ?? maxLinkTextRatio
        maxLinksPer100Words = try reader.double("max_links_per_100_words") ?? maxLinksPer100Words
        maxImagesPer100Words = try reader.double("max_images_per_100_words") ?? maxImagesPer100Words
        maxHTMLBytes = try reader.int("max_html_bytes") ?? maxHTMLBytes
        maxStyleBytes = try reader.int("max_style_bytes") ?? maxStyleBytes
        minTextWords = try reader.int("min_text_words") ?? minTextWords
        maxSubjectLength = try reader.int("max_subject_length") ?? maxSubjectLength
        maxPreheaderLength = try reader.int("max_preheader_length") ?? maxPreheaderLength
    }
}

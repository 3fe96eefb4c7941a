// prepared.json: the stored fields of a PreparedIssue and its content hash, which is computed, not stored, so it
// is written here by hand (the keys are those the synthesized coding used, so the file is unchanged).
import Foundation

extension PreparedIssue: Codable {
    private enum CodingKeys: String, CodingKey {
        case issueNumber, slug, title, date, sourcePath, preheader, lists, slotNames, subject, html, text
        case contentHash, webURL
    }

    /// Reads the stored fields; a `contentHash` in the file is not read back, since it is derived from them.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            issueNumber: try container.decode(Int.self, forKey: .issueNumber),
            slug: try container.decode(String.self, forKey: .slug),
            title: try container.decode(String.self, forKey: .title),
            date: try container.decode(String.self, forKey: .date),
            sourcePath: try container.decode(String.self, forKey: .sourcePath),
            preheader: try container.decodeIfPresent(String.self, forKey: .preheader),
            lists: try container.decodeIfPresent([String].self, forKey: .lists),
            slotNames: try container.decode([String].self, forKey: .slotNames),
            subject: try container.decode(PersonalizationTemplate.self, forKey: .subject),
            html: try container.decode(PersonalizationTemplate.self, forKey: .html),
            text: try container.decode(PersonalizationTemplate.self, forKey: .text),
            webURL: try container.decode(String.self, forKey: .webURL))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(issueNumber, forKey: .issueNumber)
        try container.encode(slug, forKey: .slug)
        try container.encode(title, forKey: .title)
        try container.encode(date, forKey: .date)
        try container.encode(sourcePath, forKey: .sourcePath)
        try container.encodeIfPresent(preheader, forKey: .preheader)
        try container.encodeIfPresent(lists, forKey: .lists)
        try container.encode(slotNames, forKey: .slotNames)
        try container.encode(subject, forKey: .subject)
        try container.encode(html, forKey: .html)
        try container.encode(text, forKey: .text)
        try container.encode(contentHash, forKey: .contentHash)
        try container.encode(webURL, forKey: .webURL)
    }
}

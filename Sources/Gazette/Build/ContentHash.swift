// The fingerprint of what an issue sends: a resumed publish compares it with the one its log began with.
import Mail

enum ContentHash {
    /// Hex SHA-256 over the subject, HTML and text templates (and an A/B test's subjects and share) (chunks and slot numbers), hashed piece by piece.
    static func of(_ prepared: PreparedIssue) -> String {
        let hasher = StreamingSHA256()
        // An A/B test's subjects and share come after, so an issue without one hashes as it always did.
        var templates = [prepared.subject, prepared.html, prepared.text]
        if let test = prepared.subjectTest {
            templates += test.subjects
            templates.append(PersonalizationTemplate(splitting: "ab-share \(test.shareBasisPoints)", escaping: .none))
        }
        for template in templates {
            for (index, chunk) in template.chunks.enumerated() {
                chunk.withUnsafeBytes { hasher.update($0) }
                if index < template.slots.count {
                    Array("\u{0}\(template.slots[index])\u{0}".utf8).withUnsafeBytes { hasher.update($0) }
                }
            }
            [UInt8(0xFF)].withUnsafeBytes { hasher.update($0) }
        }
        // Tracked links left the HTML for slots: a changed link must still change the hash. None: as before.
        for link in prepared.trackedLinks ?? [] { Array((link + "\u{0}").utf8).withUnsafeBytes { hasher.update($0) } }
        // OpenSSL does not fail on a plain SHA-256; should it, the hash is empty rather than the build stopping.
        return (try? hasher.finalizeHex()) ?? ""
    }
}

// The subscribers the preview can render an issue for: the first rows of the lists, or sample readers when
// the project has none yet, so personalization can be seen either way.
import Foundation

/// One row the preview's subscriber picker offers.
public struct PreviewRecipient: Sendable {
    /// `maya.okafor@example.org (subscribers/main.csv:2)`
    public var label: String
    public var recipient: Recipient
    /// True for the made-up readers shown when there are no lists.
    public var isSample: Bool
}

enum PreviewRecipients {
    /// At most this many rows are offered: the picker is for looking, not for browsing a million rows.
    static let limit = 500

    /// Rows of every list (up to `limit`, in list order), or the samples when no list has a usable row.
    static func load(project: Project) -> [PreviewRecipient] {
        var offered: [PreviewRecipient] = []
        for name in SubscriberList.names(root: project.root) where offered.count < limit {
            let list = SubscriberList(name: name, root: project.root)
            // A list that cannot be read is check's business; the picker offers what it can.
            guard let reader = try? list.open() else { continue }
            while offered.count < limit, let row = try? reader.next() {
                guard case .subscriber(let subscriber) = row else { continue }
                offered.append(PreviewRecipient(
                    label: "\(subscriber.email) (\(subscriber.location))",
                    recipient: Recipient(address: subscriber.email, fields: subscriber.fields,
                                         source: subscriber.location.description, list: name),
                    isSample: false))
            }
        }
        return offered.isEmpty ? samples(project.configuration) : offered
    }

    /// The row of `address` in any list, however far down (the picker offers only the first rows), or nil.
    static func find(_ address: String, project: Project) -> PreviewRecipient? {
        let wanted = AddressKey(address.trimmingCharacters(in: .whitespaces))
        for name in SubscriberList.names(root: project.root) {
            guard let reader = try? SubscriberList(name: name, root: project.root).open() else { continue }
            while let row = try? reader.next() {
                guard case .subscriber(let subscriber) = row, subscriber.key == wanted else { continue }
                return PreviewRecipient(
                    label: "\(subscriber.email) (\(subscriber.location))",
                    recipient: Recipient(address: subscriber.email, fields: subscriber.fields,
                                         source: subscriber.location.description, list: name),
                    isSample: false)
            }
        }
        return nil
    }

    /// A reader with every field set and one with none, so both a filled value and the defaults show.
    static func samples(_ configuration: Configuration) -> [PreviewRecipient] {
        let domain = "example.org"
        let full = Recipient(address: "ada.lovelace@\(domain)", fields: ["email": "ada.lovelace@\(domain)", "name": "Ada Lovelace"],
                             source: "sample", list: "main")
        let bare = Recipient(address: "reader@\(domain)", fields: ["email": "reader@\(domain)"], source: "sample", list: "main")
        return [
            PreviewRecipient(label: "Ada Lovelace <\(full.address)> (sample: no lists yet)", recipient: full, isSample: true),
            PreviewRecipient(label: "\(bare.address), no fields (sample: defaults from gazette.yml)", recipient: bare, isSample: true),
        ]
    }
}

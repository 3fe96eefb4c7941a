// The `outbox:DIR` transport: each message becomes a file in a Maildir (DIR/new/<name>.eml) instead of being sent.
// File names come from the Message-ID, so re-sending a message rewrites its file rather than adding a copy.
import Foundation

/// Writes messages into a Maildir.
public struct OutboxTransport: Transport {
    public let directory: URL

    public init(directory: URL) throws {
        self.directory = directory
        for folder in ["tmp", "new", "cur"] {
            try FileManager.default.createDirectory(at: directory.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
    }

    public var description: String { "outbox:\(directory.lastPathComponent)" }

    public func makeSender() throws -> MessageSender { OutboxSender(directory: directory) }

    /// A file name from a Message-ID: letters, digits, `.`, `-`, `_` only.
    static func fileName(for messageID: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_".utf8)
        let name = String(decoding: messageID.utf8.map { allowed.contains($0) ? $0 : UInt8(ascii: "_") }, as: UTF8.self)
        return name + ".eml"
    }
}

final class OutboxSender: MessageSender {
    let directory: URL

    init(directory: URL) { self.directory = directory }

    func send(_ message: OutgoingMessage) -> DeliveryOutcome {
        let name = OutboxTransport.fileName(for: message.messageID)
        let temporary = directory.appendingPathComponent("tmp/\(name)")
        let final = directory.appendingPathComponent("new/\(name)")
        do {
            // Maildir: write in tmp/, then rename into new/, so a reader never sees half a message.
            try Data(message.bytes).write(to: temporary)
            if rename(temporary.path, final.path) != 0 {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: String(cString: strerror(errno))])
            }
            return DeliveryOutcome(status: .sent, reply: "written to \(directory.lastPathComponent)/new/\(name)", server: "outbox")
        } catch {
            return DeliveryOutcome(status: .deferred, reply: "cannot write the outbox: \(error.localizedDescription)", server: "outbox")
        }
    }

    func close() {}
}

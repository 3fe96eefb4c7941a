// The `mailto:` form of unsubscribing: mails to the unsubscribe address, delivered into a Maildir, whose
// subject carries the token (`unsubscribe <token>`, or the legacy `unsubscribe <list> <address> <token>`).
import Foundation

/// Reads a Maildir's `new/` and `cur/` for unsubscribe requests; only verified tokens count.
public enum MaildirUnsubscribes {
    /// One request found in a message.
    public struct Request: Sendable {
        public var target: UnsubscribeTarget
        /// The message file, as given (for what sync prints).
        public var path: String
        /// When it arrived (the file's modification time).
        public var date: Date
    }

    /// Whether `url` looks like a Maildir (it has `new/` or `cur/`).
    public static func isMaildir(_ url: URL) -> Bool {
        var isDirectory: ObjCBool = false
        return ["new", "cur"].contains { folder in
            FileManager.default.fileExists(atPath: url.appendingPathComponent(folder).path, isDirectory: &isDirectory) && isDirectory.boolValue
        }
    }

    /// The verified requests in the Maildir at `url`, and how many messages carried none (or a bad token).
    public static func read(_ url: URL, path: String, link: UnsubscribeLink) -> (requests: [Request], ignored: Int) {
        var requests: [Request] = [], ignored = 0
        for folder in ["new", "cur"] {
            let directory = url.appendingPathComponent(folder)
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
            for name in names {
                let file = directory.appendingPathComponent(name)
                guard let subject = subject(of: file), let target = link.target(mailSubject: subject) else {
                    ignored += 1
                    continue
                }
                let modified = (try? FileManager.default.attributesOfItem(atPath: file.path)[.modificationDate] as? Date) ?? Date()
                requests.append(Request(target: target, path: "\(path)/\(folder)/\(name)", date: modified))
            }
        }
        return (requests, ignored)
    }

    /// The unfolded Subject header of the message in `file` (read from its first 64 KiB), or nil.
    static func subject(of file: URL) -> String? {
        guard let handle = FileHandle(forReadingAtPath: file.path) else { return nil }
        defer { try? handle.close() }
        guard let data = try? handle.read(upToCount: 64 * 1024) else { return nil }
        return subject(inHeaderOf: String(decoding: data, as: UTF8.self))
    }

    /// The Subject of a message's header section (RFC 5322 §2.2.3: folded lines start with white space).
    static func subject(inHeaderOf text: String) -> String? {
        var subject: String?
        var inSubject = false
        for line in text.textLines() {
            if line.isEmpty { break }  // end of the header section
            if line.first == " " || line.first == "\t" {
                if inSubject { subject? += " " + line.trimmingCharacters(in: .whitespaces) }
                continue
            }
            inSubject = false
            guard let colon = line.firstIndex(of: ":") else { continue }
            if line[..<colon].trimmingCharacters(in: .whitespaces).lowercased() == "subject", subject == nil {
                subject = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                inSubject = true
            }
        }
        return subject
    }
}

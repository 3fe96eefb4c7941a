// Turns a delivery URL into a transport: `outbox:DIR` (a Maildir under the project), `smtp://…`, `smtps://…`,
// `direct` (to each recipient's MX, settings under `direct:`).
import Foundation

public enum Transports {
    public static func make(via: String, configuration: Configuration, caFile: String?, environment: [String: String],
                            projectRoot: URL) throws -> Transport {
        if via.hasPrefix("outbox:") {
            let path = String(via.dropFirst("outbox:".count))
            guard !path.isEmpty else {
                throw DiagnosticError(.error("delivery", "`outbox:` needs a folder, like outbox:outbox", hint: "write outbox:DIR"))
            }
            let directory = path.hasPrefix("/") ? URL(fileURLWithPath: path) : projectRoot.appendingPathComponent(path)
            return try OutboxTransport(directory: directory)
        }
        if via.hasPrefix("smtp://") || via.hasPrefix("smtps://") {
            return try RelayTransport(url: via, caFile: caFile ?? configuration.delivery.caFile.map {
                $0.hasPrefix("/") ? $0 : projectRoot.appendingPathComponent($0).path
            }, environment: environment, helo: configuration.delivery.helo)
        }
        if via == "direct" || via == "direct:" {
            return DirectTransport(settings: configuration.direct)
        }
        throw DiagnosticError(.error("delivery", "unknown delivery \"\(via)\"",
                                     at: configuration.location(of: "delivery"),
                                     hint: "use outbox:DIR, smtp://[user@]host[:port] (STARTTLS), smtps://[user@]host[:port] or direct"))
    }
}

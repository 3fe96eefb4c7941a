// Turns a delivery into a transport: a name from `delivery.transports` (with its password variable and CA
// file), or a URL: `outbox:DIR` (a Maildir under the project), `smtp://…`, `smtps://…`, `direct` (to each
// recipient's MX, settings under `direct:`).
import Foundation

public enum Transports {
    /// What a run's `Publisher` (or `SequenceRunner`) calls for each delivery: the project's settings and the run's
    /// --ca-file and environment.
    public static func factory(project: Project, options: PublishOptions) -> (String) throws -> Transport {
        { via in
            try make(via: via, configuration: project.configuration, caFile: options.caFile, environment: options.environment,
                     projectRoot: project.root)
        }
    }

    /// `via`: one entry of the chain, a transport name or a URL. `caFile` (--ca-file) wins over the settings'.
    public static func make(via: String, configuration: Configuration, caFile: String?, environment: [String: String],
                            projectRoot: URL) throws -> Transport {
        let named = configuration.delivery.transports[via]
        let url = named?.url ?? via
        if url.hasPrefix("outbox:") {
            let path = String(url.dropFirst("outbox:".count))
            guard !path.isEmpty else {
                throw DiagnosticError(.error("delivery", "`outbox:` needs a folder, like outbox:outbox", hint: "write outbox:DIR"))
            }
            let directory = path.hasPrefix("/") ? URL(fileURLWithPath: path) : projectRoot.appendingPathComponent(path)
            return try OutboxTransport(directory: directory)
        }
        if url.hasPrefix("smtp://") || url.hasPrefix("smtps://") {
            let configured = named?.caFile ?? configuration.delivery.caFile
            return try RelayTransport(url: url, caFile: caFile ?? configured.map {
                $0.hasPrefix("/") ? $0 : projectRoot.appendingPathComponent($0).path
            }, environment: environment, passwordVariable: named?.passwordVariable ?? "GAZETTE_SMTP_PASSWORD",
               helo: configuration.delivery.helo)
        }
        if url == "direct" || url == "direct:" {
            return DirectTransport(settings: configuration.direct)
        }
        throw DiagnosticError(.error("delivery", "unknown delivery \"\(via)\"",
                                     at: named?.location ?? configuration.location(of: "delivery"),
                                     hint: "use outbox:DIR, smtp://[user@]host[:port] (STARTTLS), smtps://[user@]host[:port], direct, or a name from delivery.transports"))
    }
}

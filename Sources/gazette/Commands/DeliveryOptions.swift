// The delivery flags `gazette publish` and `gazette ci publish` share: which deliveries, which CA, how many
// connections, how long to wait for deferred recipients.
import ArgumentParser
import Foundation
import Gazette

struct DeliveryOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Delivery for this run: a name from delivery.transports, outbox:DIR, smtp://[user@]host[:port], smtps://…, direct:; several separated by commas make a fallback chain.",
        valueName: "via"))
    var via: String?

    @Option(help: ArgumentHelp("Trust this CA (PEM) for the relay's certificate, besides the system store.", valueName: "pem"))
    var caFile: String?

    @Option(help: "Connections at once (overrides delivery.concurrency).")
    var concurrency: Int?

    @Option(help: ArgumentHelp(
        "Wait at most this many seconds for a deferred recipient's next try; those due later stay deferred for the next run (overrides delivery.max_wait, default 300).",
        valueName: "seconds"))
    var maxWait: Double?

    func validate() throws {
        if let concurrency, !(1...64).contains(concurrency) { throw ValidationError("--concurrency must be 1 to 64") }
        if let maxWait, !(maxWait >= 0) { throw ValidationError("--max-wait must be 0 or more seconds") }
    }

    /// Copies the flags into a publish's options.
    func apply(to options: inout PublishOptions) {
        options.via = via
        options.caFile = caFile
        options.concurrency = concurrency
        options.maxWait = maxWait
    }
}

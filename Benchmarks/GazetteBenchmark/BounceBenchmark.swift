// `gazette-benchmark bounces FILE…`: bounce classification speed for scripts/benchmark-bounces. Every message is
// read into memory first; then each pass reads every one with Mail's MIME reader and classifies it
// (BounceClassifier.classify(bytes:), what `bounces import` does per message before it writes anything).
// Prints JSON: the median pass, messages per second, and how many messages got a class with a recipient.
import Foundation
import Gazette

enum BounceBenchmark {
    static func run(_ paths: [String]) -> Never {
        let messages = paths.map { FileManager.default.contents(atPath: $0).map { [UInt8]($0) } ?? [] }
        guard messages.contains(where: { !$0.isEmpty }) else { fail("gazette-benchmark bounces: no readable message among \(paths.count) paths") }
        var withRecipient = 0
        let pass = measure("gazette bounces", minimumSeconds: 5) {
            withRecipient = 0
            for bytes in messages {
                guard let report = try? BounceClassifier.classify(bytes: bytes) else { continue }
                if report.recipients.contains(where: { !$0.address.isEmpty && $0.bounceClass != .notABounce }) {
                    withRecipient += 1
                }
            }
        }
        // The messages that take longest, one timed classification each after the passes: where the time goes.
        let slowest = messages.indices.map { index -> (Double, Int) in
            let t0 = DispatchTime.now().uptimeNanoseconds
            _ = try? BounceClassifier.classify(bytes: messages[index])
            return (Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9, index)
        }.sorted { $0.0 > $1.0 }.prefix(5).map { ["path": paths[$0.1], "bytes": messages[$0.1].count, "s": $0.0] as [String: Any] }
        let seconds = pass["median_s"] as? Double ?? 0
        let result: [String: Any] = [
            "messages": messages.count, "bytes": messages.reduce(0) { $0 + $1.count },
            "median_pass_s": seconds, "passes": pass["runs"] ?? 0,
            "messages_per_s": seconds > 0 ? Double(messages.count) / seconds : 0,
            "with_recipient": withRecipient, "slowest": slowest,
        ]
        let data = (try? JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])) ?? Data()
        FileHandle.standardOutput.write(data + Data("\n".utf8))
        exit(0)
    }
}

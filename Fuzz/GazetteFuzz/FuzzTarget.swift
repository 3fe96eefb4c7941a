// The fuzz targets: each gives one input to one parser, as the tool meets such bytes in use.
#if canImport(Glibc)
import Glibc
#endif

enum FuzzTarget: String, CaseIterable {
    case csv, bounce, reply, markdown, html

    func run(_ bytes: [UInt8]) {
        switch self {
        case .csv: CSVReaderFuzz.run(bytes)
        case .bounce: BounceFuzz.run(bytes)
        case .reply: ReplyParserFuzz.run(bytes)
        case .markdown: MarkdownTextFuzz.run(bytes)
        case .html: HTMLParityFuzz.run(bytes)
        }
    }
}

/// Stops the run as a finding when two readings of one input that must agree do not (libFuzzer saves the input).
func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition {
        // To standard error, unbuffered: printed to a pipe, the message stayed in the buffer that abort() drops.
        let text = "gazette-fuzz: invariant broken: \(message())\n"
        _ = text.withCString { write(2, $0, strlen($0)) }
        abort()
    }
}

// Prints diagnostics: one line each with the hint indented below (text), or one JSON document (json).
import Foundation
import Gazette

struct DiagnosticPrinter {
    let format: OutputFormat
    let colour: Bool

    /// Colour only on a terminal, and never with `--no-color` or `NO_COLOR`.
    static func standard(format: OutputFormat, noColor: Bool) -> DiagnosticPrinter {
        DiagnosticPrinter(format: format, colour: !noColor && ProcessInfo.processInfo.environment["NO_COLOR"] == nil && isatty(2) == 1)
    }

    /// Diagnostics to stderr in text mode; in JSON mode they go into the report instead.
    func print(_ diagnostics: [Diagnostic]) {
        guard format == .text else {
            printJSON(["diagnostics": diagnostics.map(Self.json)])
            return
        }
        for diagnostic in diagnostics { writeError(line(for: diagnostic)) }
    }

    func line(for diagnostic: Diagnostic) -> String {
        var text = ""
        if let location = diagnostic.location { text += "\(location): " }
        let label = diagnostic.severity.rawValue
        text += colour ? (diagnostic.severity == .error ? "\u{1B}[31m\(label)\u{1B}[0m" : "\u{1B}[33m\(label)\u{1B}[0m") : label
        text += ": \(diagnostic.message)"
        if let hint = diagnostic.hint {
            text += "\n    hint: " + hint.replacingOccurrences(of: "\n", with: "\n          ")
        }
        return text
    }

    /// A line of progress or result on stdout (text mode only).
    func say(_ text: String) {
        guard format == .text else { return }
        Swift.print(text)
    }

    func writeError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    static func json(_ diagnostic: Diagnostic) -> [String: Any] {
        var object: [String: Any] = ["severity": diagnostic.severity.rawValue, "code": diagnostic.code, "message": diagnostic.message]
        if let location = diagnostic.location {
            object["file"] = location.path
            if let line = location.line { object["line"] = line }
            if let column = location.column { object["column"] = column }
        }
        if let hint = diagnostic.hint { object["hint"] = hint }
        if let step = diagnostic.step { object["step"] = step }
        return object
    }

    func printJSON(_ object: [String: Any]) {
        // JSONText writes JSONSerialization's bytes without its per-value casts; anything it does not take goes there.
        if let bytes = JSONText.prettySorted(object) {
            FileHandle.standardOutput.write(Data(bytes + [0x0A]))
            return
        }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]) else { return }
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }
}

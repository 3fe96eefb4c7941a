// `gazette inline [FILE]`: the CSS inliner as a command of its own, as css-inline and premailer offer theirs.
// Needs no newsletter: HTML in (a file or stdin), HTML with style attributes out (stdout or -o).
import ArgumentParser
import Foundation
import Gazette

struct InlineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inline",
        abstract: "Move an HTML file's CSS into style attributes, as email clients need.",
        discussion: """
        Examples:
          gazette inline email.html -o email.inlined.html
          gazette inline --css brand.css --keep-media-queries < in.html > out.html
        Reads the <style> elements and <link rel="stylesheet"> files (relative to
        the HTML file, from disk only: nothing is fetched from the network), then
        each --css file. What cannot be inlined (:hover, @font-face) stays in one
        <style> in <head>; @media rules too with --keep-media-queries, otherwise
        they are dropped, as css-inline does. CSS problems are warnings on stderr.
        Exit status: 0 done (with or without warnings), 1 the HTML or a --css file
        cannot be read or written, 2 bad usage.
        """
    )

    @Argument(help: ArgumentHelp("The HTML file (default, or -: standard input).", valueName: "file"))
    var file: String?

    @Option(name: .customLong("css"), help: ArgumentHelp("A stylesheet applied after the document's own; repeatable.", valueName: "file"))
    var cssFiles: [String] = []

    @Option(name: [.customShort("o"), .customLong("output")], help: ArgumentHelp("Write the HTML here instead of to standard output.", valueName: "file"))
    var output: String?

    @Flag(help: "Keep @media rules, in a <style> in <head> (the mobile layout of most emails).")
    var keepMediaQueries = false

    @Flag(help: "Do not add width, height, bgcolor, background, align and valign attributes for Outlook.")
    var noOutlookAttributes = false

    @Flag(name: .long, help: "No colours (also when NO_COLOR is set or stderr is not a terminal).")
    var noColor = false

    func run() throws {
        let printer = DiagnosticPrinter.standard(format: .text, noColor: noColor)
        var options = FileInliner.Options()
        options.cssFiles = cssFiles
        options.keepMediaQueries = keepMediaQueries
        options.outlookAttributes = !noOutlookAttributes
        let workingDirectory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        do {
            let result = try FileInliner(options: options, workingDirectory: workingDirectory).inline(file: file) {
                FileHandle.standardInput.readDataToEndOfFile()
            }
            printer.print(result.diagnostics)
            let data = Data(result.html.utf8)
            if let output, output != "-" {
                do {
                    try data.write(to: URL(fileURLWithPath: output, relativeTo: workingDirectory), options: .atomic)
                } catch {
                    throw DiagnosticError(.error("file-unwritable", "cannot write the file: \(error.localizedDescription)",
                                                 at: SourceLocation(path: output),
                                                 hint: "check that its folder exists and is writable"))
                }
            } else {
                FileHandle.standardOutput.write(data)
            }
        } catch let error as DiagnosticError {
            printer.print(error.diagnostics)
            throw ExitCode(1)
        }
    }
}

// A check report as Markdown, for GitHub's job summary ($GITHUB_STEP_SUMMARY): a line of counts, a table of
// the issues' measurements and a table of the findings with file:line and hint. Running the checks is Checker's.

/// The Markdown summary of `gazette ci check`.
public enum CheckSummary {
    public static func markdown(_ report: Checker.Report, strict: Bool) -> String {
        let failed = report.errorCount > 0 || (strict && report.warningCount > 0)
        var lines = [
            "## Gazette check: \(failed ? "failed" : "passed")",
            "",
            "\(report.issues.count) issue\(report.issues.count == 1 ? "" : "s") checked, "
                + "\(report.errorCount) error\(report.errorCount == 1 ? "" : "s"), "
                + "\(report.warningCount) warning\(report.warningCount == 1 ? "" : "s")"
                + (strict ? " (warnings fail: --strict)" : ""),
            "",
        ]
        if !report.issues.isEmpty {
            lines += ["| issue | errors | warnings | link/text | HTML as sent | words in text part |", "|---|---:|---:|---:|---:|---:|"]
            for issue in report.issues {
                let own = report.diagnostics.filter { $0.location?.path == issue.path }
                let measured = issue.measurements
                lines.append("| \(cell(issue.path)) | \(own.filter { $0.severity == .error }.count) "
                             + "| \(own.filter { $0.severity == .warning }.count) "
                             + "| \(String(format: "%.2f", measured.linkTextRatio)) | \(measured.personalizedHTMLBytes) bytes "
                             + "| \(measured.textWords) |")
            }
            lines.append("")
        }
        if !report.diagnostics.isEmpty {
            lines += ["| | where | finding | what to do |", "|---|---|---|---|"]
            for diagnostic in report.diagnostics.sorted(by: { $0.severity > $1.severity }) {
                let mark = diagnostic.severity == .error ? "❌ error" : "⚠️ warning"
                lines.append("| \(mark) | \(cell(diagnostic.location?.description ?? "")) "
                             + "| \(cell(diagnostic.message)) (`\(diagnostic.code)`) | \(cell(diagnostic.hint ?? "")) |")
            }
            lines.append("")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Text safe inside a table cell: pipes escaped, line breaks as `<br>`, HTML-looking text not rendered.
    static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "|", with: "\\|")
            .replacingOccurrences(of: "\n", with: "<br>")
    }
}

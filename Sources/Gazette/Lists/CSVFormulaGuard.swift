// Keeps a spreadsheet from running a cell as a formula (CSV injection, OWASP): a cell that starts with
// = + - @ (or a tab or CR, which some spreadsheets skip before looking) gets a leading apostrophe.

/// Neutralises cells that a spreadsheet would evaluate.
public enum CSVFormulaGuard {
    /// `value`, with a leading `'` when it starts with `=`, `+`, `-`, `@`, tab or CR.
    public static func neutralized(_ value: String) -> String {
        guard let first = value.utf8.first, "=+-@\t\r".utf8.contains(first) else { return value }
        return "'" + value
    }
}

// One place decides which permanent failure means "this mailbox does not exist": publish, as the reply
// arrives, and `subscribers sync`, reading the logs afterwards, suppress the same addresses for the same reason.

/// The 5xx replies that are hard bounces (RFC 3463: 5.1.x bad address, 5.2.1 mailbox disabled).
enum HardBounce {
    static func isHard(code: Int?, enhancedCode: String?) -> Bool {
        let enhanced = enhancedCode ?? ""
        return enhanced.hasPrefix("5.1.") || enhanced == "5.2.1" || (enhanced.isEmpty && [550, 551, 553].contains(code ?? 0))
    }

    /// The reason written to suppressed.csv, one of the four the file documents.
    static let reason = SuppressionReason.hardBounce.rawValue

    /// The detail written beside it: `550 5.1.1`.
    static func detail(code: Int?, enhancedCode: String?) -> String {
        "\(code.map(String.init) ?? "") \(enhancedCode ?? "")".trimmingCharacters(in: .whitespaces)
    }
}

// Why an address is in suppressed.csv: the four reasons the file's `reason` column documents.

/// The `reason` of a suppression row.
public enum SuppressionReason: String, Sendable, CaseIterable {
    case unsubscribed, hardBounce = "hard-bounce", complaint, manual
}

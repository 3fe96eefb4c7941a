// Reads the recipient back out of a VERP return path that publish wrote (MessageComposer.verpAddress):
// `bounces+ada=example.org@lighthouse.example.org` → `ada@example.org`. Used when a bounce names nobody.
import Mail

/// Variable envelope return paths.
enum VERPAddress {
    /// The recipient encoded in `address`, or nil when it is no VERP address.
    static func recipient(in address: String) -> String? {
        guard let at = address.lastIndex(of: "@") else { return nil }
        let local = address[..<at]
        guard let plus = local.firstIndex(of: "+") else { return nil }
        let encoded = local[local.index(after: plus)...]
        guard let equals = encoded.lastIndex(of: "="), equals > encoded.startIndex else { return nil }
        let user = encoded[..<equals], domain = encoded[encoded.index(after: equals)...]
        guard !domain.isEmpty, domain.contains("."), !domain.contains("=") else { return nil }
        return "\(user)@\(domain)"
    }

    /// The recipient from the header fields where the bounce's own envelope recipient shows
    /// (X-Original-To, Delivered-To, Envelope-To, To).
    static func recipient(inHeaders headers: [Mail.MIMEHeader]) -> String? {
        for name in ["X-Original-To", "Delivered-To", "Envelope-To", "X-Envelope-To", "To"] {
            for value in headers.values(name) {
                for address in AddressScanner.addresses(in: value) {
                    if let recipient = recipient(in: address) { return recipient }
                }
            }
        }
        return nil
    }
}

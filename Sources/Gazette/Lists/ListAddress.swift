// Cleans an address the way import, add and validate see it: trimmed, the domain lower-cased and in A-labels,
// RFC 5321 syntax (through Mail.Mailbox). Comparing addresses stays AddressKey's job; warnings are ListAddressLint's.
import Mail

/// An address as the tool writes it into a list: `local@domain`, the local part as given, the domain in ASCII.
public enum ListAddress {
    /// The cleaned form of `raw`, or what is wrong with it (a sentence for a diagnostic).
    public static func clean(_ raw: String) -> Result<String, Problem> {
        let trimmed = SubscriberListReader.trimmed(raw)
        guard !trimmed.isEmpty else { return .failure(Problem(message: "the address is empty")) }
        guard trimmed.contains("@") else { return .failure(Problem(message: "\"\(trimmed)\" has no @")) }
        do {
            return .success(try Mailbox(trimmed).address)
        } catch let error as MailError {
            if case .invalidAddress(_, let problem) = error.reason {
                return .failure(Problem(message: "\"\(trimmed)\" is not a valid address: \(problem)"))
            }
            return .failure(Problem(message: "\"\(trimmed)\" is not a valid address: \(error)"))
        } catch {
            return .failure(Problem(message: "\"\(trimmed)\" is not a valid address: \(error)"))
        }
    }

    /// Why an address cannot be used.
    public struct Problem: Error, Sendable, Hashable {
        public var message: String
        public var hint: String { "write it as name@example.org (RFC 5321): no spaces, one @, a domain with a dot" }
    }
}

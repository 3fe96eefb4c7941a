// What a bounce means for the address it names: the four classes that decide suppression (docs/bounces.md).

/// The class of a bounce record.
public enum BounceClass: String, Sendable, Codable, CaseIterable, Comparable {
    /// The address is gone for good (user unknown, no such domain, moved, a domain that takes no mail):
    /// suppress at once.
    case hard
    /// Delivery failed for now or for a reason other than the address (mailbox full, greylisting, a policy
    /// block, a timeout): counted, and suppressed after too many in the window.
    case soft
    /// The recipient reported the message as spam or asked to be removed (ARF): suppress at once.
    case complaint
    /// Not a bounce: an auto-reply, a success notice, ordinary mail.
    case notABounce = "not-a-bounce"

    /// Hard and complaint first: the most severe class of a message is what a summary shows.
    var severity: Int {
        switch self {
        case .complaint: return 3
        case .hard: return 2
        case .soft: return 1
        case .notABounce: return 0
        }
    }

    public static func < (lhs: BounceClass, rhs: BounceClass) -> Bool { lhs.severity < rhs.severity }
}

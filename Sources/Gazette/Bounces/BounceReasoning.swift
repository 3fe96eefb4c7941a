// Decides hard or soft from what a server said: first phrases that tell the cause (the mailbox is full, the user
// is unknown), then the enhanced status code (RFC 3463), then the reply code's class. Hard means the address
// itself is gone (user unknown, no such domain, moved, a domain that accepts no mail); every other failure,
// permanent or not, is soft and counted (docs/bounces.md explains why a 5.7.1 policy block is not hard).

/// The hard-or-soft verdict on one failure.
enum BounceReasoning {
    /// Phrases that mean "the mailbox exists but cannot take mail now" or "not about the address": soft even
    /// beside a 5.1.1 status. Checked before the hard phrases.
    static let softPhrases: [(String, String)] = [
        ("mailbox full", "mailbox full"), ("mailbox is full", "mailbox full"), ("mailbox has exceeded", "mailbox full"),
        ("over quota", "mailbox full"), ("quota exceeded", "mailbox full"), ("exceeded storage", "mailbox full"),
        ("exceeds the storage", "mailbox full"), ("insufficient storage", "mailbox full"), ("out of storage", "mailbox full"),
        ("user is over", "mailbox full"), ("overquota", "mailbox full"), ("quota", "mailbox full"),
        ("too many messages", "mailbox full"), ("exceeds allowed size", "mailbox full"), ("exceeded the local limit", "mailbox full"), ("full mailbox", "mailbox full"), ("mailbox size limit", "mailbox full"),
        ("suspended", "mailbox suspended"), ("disabled", "mailbox disabled"), ("inactive", "mailbox inactive"),
        ("not active", "mailbox inactive"), ("deactivated", "mailbox inactive"), ("no longer in use", "mailbox inactive"),
        ("account is locked", "mailbox suspended"), ("account has been locked", "mailbox suspended"),
        ("greylist", "greylisted"), ("graylist", "greylisted"), ("try again later", "temporary failure"),
        ("spam", "rejected as spam"), ("blocked", "blocked"), ("blacklist", "blocked"), ("blocklist", "blocked"),
        ("block list", "blocked"), ("denylist", "blocked"), ("reputation", "bad reputation"),
        ("spf", "authentication failure"), ("dkim", "authentication failure"), ("dmarc", "authentication failure"),
        ("relay access denied", "relaying denied"), ("relaying denied", "relaying denied"), ("not permitted to relay", "relaying denied"), ("ptr record", "no reverse DNS"), ("reverse dns", "no reverse DNS"),
        ("policy", "policy violation"), ("content rejected", "content rejected"), ("message content", "content rejected"), ("virus", "virus detected"),
        ("message too big", "message too large"), ("message is too large", "message too large"), ("size exceeds", "message too large"),
        ("timed out", "timeout"), ("timeout", "timeout"), ("expired", "expired"), ("too long", "expired"),
        ("retry time", "expired"), ("was aborted after", "expired"), ("could not be delivered for", "expired"),
        ("too many connections", "too many connections"), ("rate limit", "rate limited"), ("rate-limit", "rate limited"),
        ("sender rejected", "sender rejected"), ("sender address rejected", "sender rejected"),
        ("after mail from", "sender rejected"), ("reply to mail from", "sender rejected"),
        ("unexpected name server reply", "DNS failure"), ("receiving mail at a rate", "rate limited"),
        ("rejected by destination domain", "rejected by the domain"),
        ("recipient preferences", "refused by recipient preferences"), ("too many recipients", "rate limited"),
        ("starttls", "TLS required"), ("tls required", "TLS required"),
        // Postfix's wording for a DNS look-up that failed for now (a temporary error, not a missing domain).
        ("host not found, try again", "DNS failure"),
        // A local delivery program failed (Postfix's pipe and local agents, procmail): the mailer, not the address.
        ("command died with status", "mailer error"), ("command output:", "mailer error"),
        ("on hold", "mailbox on hold"), ("access denied", "access denied"), ("authentication checks failed", "authentication failure"),
    ]

    /// Phrases that mean the address is gone.
    static let hardPhrases: [(String, String)] = [
        ("recipient address rejected: access denied", "recipient refused by the domain's directory"),
        ("user unknown", "user unknown"), ("unknown user", "user unknown"), ("no such user", "user unknown"),
        ("no such mailbox", "user unknown"), ("no such recipient", "user unknown"), ("no such account", "user unknown"),
        ("no such person", "user unknown"), ("no such local user", "user unknown"), ("user not found", "user unknown"),
        ("user does not exist", "user unknown"), ("user doesn't exist", "user unknown"), ("recipient not found", "user unknown"),
        ("recipient unknown", "user unknown"), ("unknown recipient", "user unknown"), ("recipient does not exist", "user unknown"),
        ("mailbox not found", "user unknown"), ("mailbox does not exist", "user unknown"), ("mailbox unknown", "user unknown"),
        ("unknown mailbox", "user unknown"), ("address does not exist", "user unknown"), ("address doesn't exist", "user unknown"),
        ("account does not exist", "user unknown"), ("account that you tried to reach does not exist", "user unknown"),
        ("does not exist", "user unknown"), ("doesn't exist", "user unknown"), ("invalid recipient", "user unknown"),
        ("invalid mailbox", "user unknown"), ("not a valid recipient", "user unknown"), ("not a valid mailbox", "user unknown"),
        ("unknown local part", "user unknown"), ("unknown address", "user unknown"), ("address unknown", "user unknown"),
        ("no mailbox here", "user unknown"), ("no mailbox", "user unknown"), ("unrouteable address", "user unknown"),
        ("is not a known user", "user unknown"), ("no account by that name", "user unknown"), ("not a registered", "user unknown"),
        ("bad destination mailbox", "user unknown"), ("doesn't have a", "user unknown"), ("unknown or illegal alias", "user unknown"),
        ("recipientnotfound", "user unknown"), ("no such address", "user unknown"), ("addressee unknown", "user unknown"),
        ("host unknown", "no such domain"), ("unknown host", "no such domain"), ("host not found", "no such domain"),
        ("domain not found", "no such domain"), ("no such domain", "no such domain"), ("domain does not exist", "no such domain"),
        ("name or service not known", "no such domain"), ("host or domain name not found", "no such domain"),
        ("unrouteable mail domain", "no such domain"), ("unknown domain", "no such domain"), ("nxdomain", "no such domain"),
        ("no mx", "no such domain"), ("domain name not found", "no such domain"),
        ("recipient address rejected", "user unknown"), ("address rejected", "user unknown"),
        ("mailbox unavailable", "user unknown"), ("domain is not reachable", "no such domain"),
        ("address not found", "user unknown"), ("address couldn't be found", "user unknown"),
        ("and other recipients in the same domain", "user unknown"), ("dns lookup failure: host", "no such domain"),
        ("indicated no smtp service", "domain accepts no mail"),
        ("not listed in", "user unknown"), ("invalid final delivery userid", "user unknown"), ("check if address is correct", "user unknown"), ("no valid recipients", "user unknown"),
        ("name is not recognized", "user unknown"), ("unknown recipient", "user unknown"), ("no such user here", "user unknown"),
        ("has moved", "address moved"), ("does not accept mail", "domain accepts no mail"), ("null mx", "domain accepts no mail"),
    ]

    /// Status codes whose subject says the address is bad (RFC 3463 §3.2 "addressing status").
    static let hardStatuses: Set<String> = ["5.1.0", "5.1.1", "5.2.1", "5.1.2", "5.1.3", "5.1.6", "5.1.10", "5.4.1", "5.4.4"]

    /// Hard phrases that only introduce the reason ("Recipient address rejected: Access denied").
    static let prefixPhrases: Set<String> = ["recipient address rejected", "address rejected", "mailbox unavailable"]

    /// Words that show the failed reply answered RCPT TO (RFC 5321 §3.3), the command whose reply judges the
    /// address: Postfix's "in reply to RCPT TO command", Exim's "after RCPT TO:", sendmail's ">>> RCPT To:".
    static let rcptMarkers = ["rcpt to", "rcpt command", "rcpt_to", ">>> rcpt", "smtp:rcpt", "rcpt:", "does not like recipient"]

    /// A failure after the message was sent (the reply to DATA): a "user unknown" there is a content filter's
    /// answer, not a verdict on the address (Japanese carriers and many filters answer so).
    static let afterDataMarkers = ["end of data", "after data", "reply to data", ">>> data", "data command", "after end of",
                                   "smtp command data"]

    /// The bare wordings of "no such user" that mail filters and appliances (X1, McAfee, SurfControl, MailFoundry,
    /// Zoho's, Exchange 2003's "Recipient Not Found") also give for a message they refuse; RFC 5321's own text for
    /// 550 is "mailbox unavailable". Without an addressing status (5.1.x) or a sign that the reply answered RCPT TO,
    /// such a text is not a verdict on the address: soft, and counted until the ledger's limit suppresses it.
    static let bareUnknownUserPhrases: Set<String> = ["user unknown", "unknown user", "no such user", "recipient not found",
                                                      "mailbox unavailable"]

    /// Providers that refuse a mailbox that does not exist in their reply to DATA, in words that say so: Yahoo's
    /// `554 delivery error: dd This user doesn't have a yahoo.com account`.
    static let repliesAtDataForUnknownUsers = ["delivery error: dd this user doesn't have a"]

    /// The class and reason of a failure described by `text` with `status` and `replyCode`.
    /// `permanent` is the report's own verdict when it has one (a DSN's Action failed vs delayed).
    /// `context` is more of the report about this recipient (the line naming it and what follows), read only to
    /// learn which SMTP command the failure answered.
    static func classify(text: String, context: String = "", status: String?, replyCode: Int?, permanent: Bool?) -> (BounceClass, String) {
        // Folded lines and padding leave runs of white space inside phrases: one space each.
        func normalized(_ text: String) -> String {
            text.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }).joined(separator: " ")
        }
        let lower = normalized(text)
        let around = context.isEmpty ? lower : lower + " " + normalized(context)
        let afterData = afterDataMarkers.contains { around.containsPhrase($0) }
        let answeredRCPT = !afterData && rcptMarkers.contains { around.containsPhrase($0) }
        // A 4.1.x addressing status the reporting MTA gave up on (a DSN's Action: failed, after its retries) is a
        // final verdict on the address: Postfix answers 450 4.1.1 for a user unknown in its virtual alias table.
        let givenUpOnAddress = permanent == true && status?.hasPrefix("4.1.") == true
        let isTemporary = (status?.hasPrefix("4") == true && !givenUpOnAddress) || (status == nil && replyCode.map { $0 < 500 } == true)
            || permanent == false
        if status?.hasPrefix("2") == true { return (.notABounce, "delivered (status \(status ?? ""))") }
        for (phrase, reason) in softPhrases where lower.containsPhrase(phrase) && !isRecipientAccessDenied(phrase, lower) {
            return (.soft, reason)
        }
        // RFC 7504's wording for a host or domain that takes no mail (a null MX, RFC 7505) is a verdict on the
        // domain whatever the code beside it (sendmail gives 5.7.27 with "550 Host does not accept mail").
        if !isTemporary, lower.containsPhrase("does not accept mail") { return (.hard, "domain accepts no mail") }
        // RFC 3463: x.2.x is the mailbox's state (full, disabled), x.1.7 and x.1.8 the sender's address.
        let subject = status.map { $0.split(separator: ".").dropFirst().first.map(String.init) ?? "" }
        let aboutMailbox = (subject == "2" && status != "5.2.1") || status == "5.1.7" || status == "5.1.8"
        // A specific code outside addressing (5.7.1 policy, 5.3.0 system, 5.6.0 content) says more than a phrase.
        let specific = status.map { !StatusCodeScanner.isGeneric($0) && !["0", "1", "5"].contains(subject ?? "") && !hardStatuses.contains($0) } ?? false
        // RFC 3463 X.2.1 is "mailbox disabled": beside a "user unknown" text the two disagree, and only a reply to
        // RCPT TO says the text is the verdict on the address (a filter answers DATA the same way).
        let disabled = status == "5.2.1" && !answeredRCPT
        // A specific code elsewhere (5.7.1, 5.3.0) loses to a "user unknown" text only in a reply to RCPT TO, and
        // not to Postfix's "Recipient address rejected:", which comes before whatever the reason is.
        if !isTemporary, !aboutMailbox, !specific || answeredRCPT, !disabled {
            if saysUserUnknownWithoutAddress(lower) { return (.soft, "user unknown without an address (a carrier's filter)") }
            for (phrase, reason) in hardPhrases where lower.containsPhrase(phrase) && !(specific && prefixPhrases.contains(phrase)) {
                // An addressing status (5.1.1) is the verdict on the address whichever command it answered.
                if afterData, !(status.map(hardStatuses.contains) ?? false), !repliesAtDataForUnknownUsers.contains(where: { lower.containsPhrase($0) }) {
                    return (.soft, "\(reason) after DATA (a filter)")
                }
                if bareUnknownUserPhrases.contains(phrase), !answeredRCPT, status.map(StatusCodeScanner.isGeneric) ?? true,
                   !namesTheAddress(phrase, in: lower), !lower.containsPhrase("recipient address rejected: user unknown") {
                    return (.soft, "\(reason), with no addressing status and not in reply to RCPT TO (a filter's answer, maybe)")
                }
                return (.hard, reason)
            }
            if let status, hardStatuses.contains(status) { return (.hard, "status \(status)") }
        }
        // RFC 7504: 521 "host does not accept mail", 556 "domain does not accept mail" (a null MX, RFC 7505).
        if let replyCode, replyCode == 521 || replyCode == 556, permanent != false { return (.hard, "domain accepts no mail (reply \(replyCode))") }
        if disabled { return (.soft, "mailbox disabled (status 5.2.1)") }
        if let status { return (.soft, "status \(status)") }
        if let replyCode { return (.soft, "reply \(replyCode)") }
        return (.soft, "delivery failed")
    }

    /// `Recipient address rejected: Access denied` refuses the address itself: Exchange Online's directory-based edge
    /// blocking (5.4.1, the address is not in the organisation's directory), Postfix's recipient access table.
    /// Elsewhere "access denied" is a policy refusal of the message or sender, soft.
    static func isRecipientAccessDenied(_ phrase: String, _ lower: String) -> Bool {
        phrase == "access denied" && lower.containsPhrase("recipient address rejected: access denied")
    }

    /// True when the server put the address itself beside the phrase, `550 <user@example.jp>: User unknown` or
    /// `Unknown user: user@example.com` (iMail): a verdict on that address, the way a mailbox that does not exist is
    /// answered (compare `saysUserUnknownWithoutAddress`).
    /// `lower` is normalized: lower-cased, one space between words.
    static func namesTheAddress(_ phrase: String, in lower: String) -> Bool {
        if lower.containsPhrase(">: " + phrase) || lower.containsPhrase(">:" + phrase) { return true }
        let words = lower.split(separator: " "), label = (phrase + ":").split(separator: " ")
        guard words.count > label.count else { return false }
        return (0..<(words.count - label.count)).contains { start in
            words[start..<(start + label.count)].elementsEqual(label) && words[start + label.count].contains("@")
        }
    }

    /// `550 : User unknown`, the address left out before the colon: how KDDI's au (ezweb.ne.jp) answers mail that
    /// its subscriber's own filter refuses, while a mailbox that does not exist gets `550 <address>: User unknown`
    /// (Sisimai's KDDI module reads the two so). The mailbox exists: soft, not a reason to suppress at once.
    static func saysUserUnknownWithoutAddress(_ lower: String) -> Bool {
        let text = Array(lower.utf8), phrase = Array(": user unknown".utf8)
        guard text.count >= phrase.count else { return false }
        var index = 0
        while index + phrase.count <= text.count {
            if text[index] == phrase[0], Array(text[index..<(index + phrase.count)]) == phrase {
                var before = index - 1
                while before >= 0 && text[before] == UInt8(ascii: " ") { before -= 1 }
                // What precedes is the reply code ("550 : …") or another colon ("550: : …"), not an address.
                if before >= 2, text[before] == UInt8(ascii: ":") || (text[(before - 2)...before].allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
                                                                     && text[before - 2] == UInt8(ascii: "5")) {
                    return true
                }
            }
            index += 1
        }
        return false
    }
}

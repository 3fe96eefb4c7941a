// The one place that turns an SMTP transaction's result into the log's recipient state.
import SMTP

extension DeliveryOutcome {
    /// What the log records of a one-recipient transaction: the recipient's RCPT or the DATA reply decides
    /// (5xx failed, never retried elsewhere; 4xx deferred; no final reply after the content uncertain).
    init(result: DeliveryResult) {
        let recipient = result.recipients.first
        let reply = recipient?.reply ?? result.reply
        let status: RecipientStatus
        switch recipient?.disposition ?? result.disposition {
        case .accepted: status = .sent
        case .deferred: status = .deferred
        case .failed: status = .failed
        case .uncertain: status = .uncertain
        }
        self.init(status: status, code: reply?.code, enhancedCode: reply?.enhancedStatusCode?.description,
                  reply: recipient?.reason ?? reply?.text ?? "", server: result.server,
                  isThrottling: reply?.asksToSlowDown ?? false)
    }
}

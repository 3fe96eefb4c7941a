// The double opt-in pages of `gazette serve`: the form's answer, the confirmation question (a button that
// posts, since mail scanners follow links), confirmed, and the pages for links that expired or are not ours.
import Foundation
import Gazette
import Markup

extension UnsubscribePages {
    func checkInbox() -> String {
        page(title: "Check your inbox", body: """
        <h1>Check your inbox</h1>
        <p>If the address can receive mail, a message with a confirmation link is on its way. \
        Open the link to start receiving \(HTMLSerializer.escapeText(name)).</p>
        """)
    }

    func confirmSubscription(_ pending: PendingSubscription, action: String) -> String {
        page(title: "Confirm your subscription", body: """
        <h1>Confirm your subscription</h1>
        <p><strong>\(HTMLSerializer.escapeText(pending.address))</strong> will receive \(HTMLSerializer.escapeText(name)) \
        (list “\(HTMLSerializer.escapeText(pending.list))”).</p>
        <form method="post" action="\(HTMLSerializer.escapeAttribute(action))">
          <input type="hidden" name="confirm" value="yes">
          <p><button type="submit">Confirm</button></p>
        </form>
        """)
    }

    func subscribed(_ pending: PendingSubscription) -> String {
        page(title: "Subscribed", body: """
        <h1>You are subscribed</h1>
        <p>Thank you. <strong>\(HTMLSerializer.escapeText(pending.address))</strong> will receive the next issue of \
        \(HTMLSerializer.escapeText(name)).</p>
        """)
    }

    func expiredConfirmation() -> String {
        page(title: "Link expired", body: """
        <h1>This confirmation link has expired</h1>
        <p>Nothing was recorded. Subscribe again with the form and use the new link soon after it arrives.</p>
        """)
    }

    func invalidConfirmation() -> String {
        page(title: "Link not valid", body: """
        <h1>This confirmation link is not valid</h1>
        <p>The link is incomplete or was changed, so nothing was recorded. Open the link from the message again, \
        or subscribe again with the form.</p>
        """)
    }
}

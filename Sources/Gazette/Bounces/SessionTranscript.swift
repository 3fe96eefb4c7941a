// The "Transcript of session follows" that sendmail and its descendants put in a bounce: `>>> RCPT To:<a@b>`
// lines for what was sent, `<<< 550 …` for what the server answered. The command a recipient's failure answered
// is what tells a verdict on the address (RCPT TO) from a filter's answer to the message (DATA).

/// Reads the command lines of a session transcript.
enum SessionTranscript {
    /// The `>>> …` line (lower-cased) of the command that failed for `address`: the one whose 4xx/5xx reply
    /// names it, or that names it itself and got a 4xx/5xx; nil when the text holds no such exchange.
    static func command(answeredFor address: String, in text: String) -> String? {
        exchange(answeredFor: address, in: text)?.command
    }

    /// That command (lower-cased) and the server's `<<< …` reply to it (as written, without the `<<< `).
    static func exchange(answeredFor address: String, in text: String) -> (command: String, reply: String)? {
        guard !address.isEmpty, text.contains(">>> ") else { return nil }
        let needle = address.lowercased()
        var lastCommand: String?
        for line in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).prefix(2000) {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.hasPrefix(">>> ") {
                lastCommand = trimmed.lowercased()
            } else if trimmed.hasPrefix("<<< "), let command = lastCommand {
                let reply = trimmed.dropFirst(4)
                let failed = reply.first == "4" || reply.first == "5"
                if failed, reply.lowercased().contains(needle) || command.contains(needle) { return (command, String(reply)) }
            }
        }
        return nil
    }
}

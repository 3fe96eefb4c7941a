// `gazette subscribers …`: what a list owner does between issues. Only `sync` lives here for now
// (SubscribersSyncCommand.swift); the list commands join this group.
import ArgumentParser

struct SubscribersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subscribers",
        abstract: "Manage subscriber lists and the suppression list.",
        discussion: """
        Examples:
          gazette subscribers sync                 # events/ and logs/ into subscribers/suppressed.csv
          gazette subscribers sync ~/Maildir/unsubscribe events/2026-12-02.jsonl
        """,
        subcommands: [SubscribersSyncCommand.self]
    )
}

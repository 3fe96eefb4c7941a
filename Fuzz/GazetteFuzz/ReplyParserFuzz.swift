// Server bytes through the SMTP reply parser, all at once and one byte at a time: both must give the same
// replies and fail at the same reply (NIO's decoder verifier idea).
@testable import SMTP

enum ReplyParserFuzz {
    static func run(_ bytes: [UInt8]) {
        var whole = ReplyParser()
        whole.feed(bytes)
        let allAtOnce = drain(&whole)

        var trickle = ReplyParser()
        var byteByByte: [Reply] = [], failed = false
        for byte in bytes where !failed {
            trickle.feed(CollectionOfOne(byte))
            let (replies, error) = drain(&trickle)
            byteByByte += replies
            failed = error != nil
        }
        require(allAtOnce.replies == byteByByte, "byte by byte: \(byteByByte.count) replies, at once: \(allAtOnce.replies.count)")
        require((allAtOnce.error != nil) == failed, "one reading failed and the other did not")
        for reply in byteByByte {
            _ = reply.description
            _ = reply.enhancedStatusCode
        }
    }

    private static func drain(_ parser: inout ReplyParser) -> (replies: [Reply], error: ReplyParserError?) {
        var replies: [Reply] = []
        do {
            while replies.count < 1 << 16, let reply = try parser.next() { replies.append(reply) }
        } catch {
            return (replies, error)
        }
        return (replies, nil)
    }
}

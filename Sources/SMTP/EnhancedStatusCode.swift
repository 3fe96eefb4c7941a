// RFC 3463 enhanced status codes ("5.1.1") as servers put them at the start of a reply's text
// (RFC 2034, when they offer ENHANCEDSTATUSCODES).

/// class.subject.detail, e.g. 5.1.1 "bad destination mailbox address".
public struct EnhancedStatusCode: Sendable, Hashable, CustomStringConvertible {
    /// 2 success, 4 persistent transient failure, 5 permanent failure.
    public let `class`: Int
    /// The subject (1 addressing, 2 mailbox, 3 mail system, 4 network, 5 protocol, 6 content, 7 security).
    public let subject: Int
    /// The detail within the subject.
    public let detail: Int

    /// A code from its three parts.
    public init(class: Int, subject: Int, detail: Int) {
        self.class = `class`
        self.subject = subject
        self.detail = detail
    }

    public var description: String { "\(`class`).\(subject).\(detail)" }

    /// Parses the code at the start of `text` ("5.1.1 User unknown"), returning it and the rest of the text.
    /// RFC 3463 §2: class is 2, 4 or 5; subject up to 3 digits; detail up to 3 digits.
    static func parse(prefixOf text: Substring) -> (EnhancedStatusCode, Substring)? {
        var numbers: [Int] = []
        var index = text.startIndex
        while numbers.count < 3 {
            var digits = 0
            var value = 0
            while index < text.endIndex, let digit = text[index].wholeNumberValue, text[index].isASCII, digits < 3 {
                value = value * 10 + digit
                digits += 1
                index = text.index(after: index)
            }
            guard digits > 0 else { return nil }
            numbers.append(value)
            if numbers.count < 3 {
                guard index < text.endIndex, text[index] == "." else { return nil }
                index = text.index(after: index)
            }
        }
        guard [2, 4, 5].contains(numbers[0]) else { return nil }
        // The code must stand alone: followed by a space or the end of the text.
        if index < text.endIndex {
            guard text[index] == " " else { return nil }
            index = text.index(after: index)
        }
        return (EnhancedStatusCode(class: numbers[0], subject: numbers[1], detail: numbers[2]), text[index...])
    }
}

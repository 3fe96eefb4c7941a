// Property names of one inline run as small integers, so each element's cascade finds a property's current
// winner by indexing an array instead of comparing strings (that comparison was most of the cascade's cost).

/// Interned CSS property names: the same name always gets the same number within a run.
final class InlinerProperties {
    private(set) var numbers: [String: Int32]
    /// How many names have a number; numbers run from 0 to `count - 1`.
    private(set) var count: Int

    /// Numbers that continue `numbers` (those of a cached rule index), or start from nothing.
    init(startingWith numbers: [String: Int32] = [:]) {
        self.numbers = numbers
        count = numbers.count
    }

    /// The number of `name`, given a new one when it was not seen before.
    func number(of name: String) -> Int32 {
        if let number = numbers[name] { return number }
        let number = Int32(count)
        numbers[name] = number
        count += 1
        return number
    }

    /// The number of `name` if it was seen; a property never seen has no winner anywhere.
    func existingNumber(of name: String) -> Int32? { numbers[name] }
}

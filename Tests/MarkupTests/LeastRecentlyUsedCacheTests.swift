import XCTest
@testable import Markup

final class LeastRecentlyUsedCacheTests: XCTestCase {
    func testTheLeastRecentlyUsedGoesFirst() {
        let cache = LeastRecentlyUsedCache<String, Int>(capacity: 2)
        XCTAssertEqual(cache.value(for: "a") { 1 }, 1)
        XCTAssertEqual(cache.value(for: "b") { 2 }, 2)
        XCTAssertEqual(cache.cachedValue(for: "a"), 1)  // "a" is now the most recently used
        cache.insert(3, for: "c")
        XCTAssertNil(cache.cachedValue(for: "b"))
        XCTAssertEqual(cache.values, [1, 3])
        XCTAssertEqual(cache.value(for: "a") { 99 }, 1, "a kept value is not made again")
        cache.insert(4, for: "c")
        XCTAssertEqual(cache.values, [1, 4])
        XCTAssertEqual(cache.count, 2)
        cache.removeAll()
        XCTAssertEqual(cache.count, 0)
    }
}

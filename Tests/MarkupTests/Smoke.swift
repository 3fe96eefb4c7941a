import XCTest
@testable import Markup
final class MarkupSmokeTests: XCTestCase { func testLoads() {} }

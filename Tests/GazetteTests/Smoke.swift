import XCTest
@testable import Gazette
final class GazetteSmokeTests: XCTestCase { func testLoads() {} }

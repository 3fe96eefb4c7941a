import XCTest
@testable import Mail
final class MailSmokeTests: XCTestCase { func testLoads() {} }

import XCTest
@testable import SMTP
final class SMTPSmokeTests: XCTestCase { func testLoads() {} }

// AES-256-GCM through OpenSSL against the test vectors of the GCM specification (McGrew & Viega, test cases
// 13-16, the 256-bit ones), and every kind of tampering refused.
import Mail
import XCTest

final class AuthenticatedEncryptionTests: XCTestCase {
    func hex(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            bytes.append(UInt8(text[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }

    func testSpecificationVectors() throws {
        let zeroKey = [UInt8](repeating: 0, count: 32), zeroNonce = [UInt8](repeating: 0, count: 12)
        // Test case 13: empty plaintext, only the tag.
        XCTAssertEqual(try AuthenticatedEncryption.sealAES256GCM([], key: zeroKey, nonce: zeroNonce), hex("530f8afbc74536b9a963b4f1c4cb738b"))
        // Test case 14: one zero block.
        XCTAssertEqual(try AuthenticatedEncryption.sealAES256GCM([UInt8](repeating: 0, count: 16), key: zeroKey, nonce: zeroNonce),
                       hex("cea7403d4d606b6e074ec5d3baf39d18" + "d0d1c8a799996bf0265b98b5d48ab919"))
        // Test case 16: associated data, a plaintext that is not a whole number of blocks.
        let key = hex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308")
        let nonce = hex("cafebabefacedbaddecaf888")
        let plaintext = hex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39")
        let aad = hex("feedfacedeadbeeffeedfacedeadbeefabaddad2")
        let sealed = try AuthenticatedEncryption.sealAES256GCM(plaintext, key: key, nonce: nonce, associatedData: aad)
        XCTAssertEqual(sealed, hex("522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662")
                       + hex("76fc6ece0f4e1768cddf8853bb2d551b"))
        XCTAssertEqual(AuthenticatedEncryption.openAES256GCM(sealed, key: key, nonce: nonce, associatedData: aad), plaintext)
    }

    func testTamperingIsRefused() throws {
        let key = [UInt8](repeating: 7, count: 32), nonce = [UInt8](repeating: 9, count: 12)
        let sealed = try AuthenticatedEncryption.sealAES256GCM(Array("ada@example.org\nmain".utf8), key: key, nonce: nonce, associatedData: [1])
        for index in sealed.indices {
            var altered = sealed
            altered[index] ^= 0x01
            XCTAssertNil(AuthenticatedEncryption.openAES256GCM(altered, key: key, nonce: nonce, associatedData: [1]), "byte \(index)")
        }
        XCTAssertNil(AuthenticatedEncryption.openAES256GCM(Array(sealed.dropLast()), key: key, nonce: nonce, associatedData: [1]))
        XCTAssertNil(AuthenticatedEncryption.openAES256GCM(Array(sealed.prefix(15)), key: key, nonce: nonce, associatedData: [1]))
        XCTAssertNil(AuthenticatedEncryption.openAES256GCM(sealed, key: key, nonce: nonce, associatedData: [2]))
        XCTAssertNil(AuthenticatedEncryption.openAES256GCM(sealed, key: [UInt8](repeating: 8, count: 32), nonce: nonce, associatedData: [1]))
        XCTAssertNil(AuthenticatedEncryption.openAES256GCM(sealed, key: key, nonce: [UInt8](repeating: 0, count: 12), associatedData: [1]))
        XCTAssertThrowsError(try AuthenticatedEncryption.sealAES256GCM([1], key: [1, 2], nonce: nonce))
    }
}

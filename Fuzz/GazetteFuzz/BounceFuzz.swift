// A message through the MIME reader and the bounce classifier, as `bounces import` reads each one.
import Gazette
import Mail

enum BounceFuzz {
    static func run(_ bytes: [UInt8]) {
        guard let message = try? MIMEReader.read(bytes) else { return }
        for part in message.allParts { _ = part.text; _ = part.headerText("Subject") }
        let report = BounceClassifier.classify(message)
        for recipient in report.recipients { _ = "\(recipient)" }
    }
}

// A length of time as settings and front matter write it: `30m`, `2h`, `3d`, `1w` (a whole number and a unit).
import Foundation

/// A duration written with a unit: m (minutes), h (hours), d (days), w (weeks).
public struct TimeSpan: Sendable, Equatable, CustomStringConvertible {
    public let seconds: TimeInterval
    public let description: String

    /// Parses `text`; nil for anything else than a positive whole number followed by m, h, d or w (or zero,
    /// with `allowingZero`: a sequence's `after: 0d` is "at once").
    public init?(_ text: String, allowingZero: Bool = false) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let unit = trimmed.last, let count = Int(trimmed.dropLast()), count > 0 || (allowingZero && count == 0), count <= 100_000,
              trimmed.dropLast().allSatisfy(\.isASCII) else { return nil }
        let scale: TimeInterval
        switch unit {
        case "m": scale = 60
        case "h": scale = 3600
        case "d": scale = 86_400
        case "w": scale = 7 * 86_400
        default: return nil
        }
        seconds = TimeInterval(count) * scale
        description = trimmed
    }

    /// What to write instead of a bad value.
    public static let hint = "write a whole number and a unit: 30m, 2h, 3d or 1w"
}

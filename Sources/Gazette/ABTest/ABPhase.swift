// The two phases of an A/B subject test's publish, as the log names them on each line.

/// `test`: the arms, each with its subject; `winner`: the rest, with the winning subject.
public enum ABPhase: String, Sendable, Codable {
    case test, winner
}

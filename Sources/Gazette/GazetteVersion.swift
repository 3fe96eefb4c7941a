// The version `gazette --version` prints, with the versions of the C libraries that do the work.
import Markup

public enum GazetteVersion {
    public static let current = "0.1.0"
    public static var description: String { "gazette \(current) (cmark \(CommonMark.version))" }
}

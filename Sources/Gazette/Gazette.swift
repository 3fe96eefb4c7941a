import Markup
public enum GazetteVersion { public static let current = "0.1.0" }

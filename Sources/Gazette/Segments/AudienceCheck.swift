// What `check` (and the preview, and publish before it sends) says of an issue's audience: a list, tag or
// attribute that no list has is an error at its line in the issue; an audience of nobody is a warning. One
// streamed pass over the lists also gives the size of the audience, which build and check report.
import Foundation

/// Checks and counts an issue's audience.
public struct AudienceCheck {
    public let project: Project

    public init(project: Project) { self.project = project }

    /// The audience's size (nil when it cannot be read) and the findings about it.
    public struct Result: Sendable {
        public var recipients: Int?
        public var findings: [Diagnostic] = []
    }

    public func check(_ issue: IssueSource) -> Result {
        var result = Result()
        let origin = issue.listsLocation ?? SourceLocation(path: issue.path, line: 1)
        var audience: Audience
        do {
            audience = try Audience(project: project, lists: issue.lists, origin: origin)
        } catch let error as DiagnosticError {
            // No lists at all is where every new newsletter starts: advice, not an error, until a publish.
            result.findings = error.diagnostics.map { $0.code == "list-none" && issue.lists == nil ? Self.advice($0) : $0 }
            return result
        } catch {
            result.findings = [.error("list", "\(error)", at: origin)]
            return result
        }
        audience.segment = issue.segment
        var tagsSeen = Set<String>(), columns = Set<String>()
        do {
            let reader = try audience.forEach { entry in
                switch entry {
                case .recipient(let subscriber), .duplicate(let subscriber), .suppressed(let subscriber),
                     .outsideSegment(let subscriber), .skipped(let subscriber):
                    columns.formUnion(subscriber.fields.keys)
                    if !issue.segment.tags.isEmpty || !issue.segment.excludeTags.isEmpty {
                        tagsSeen.formUnion(Segment.tags(in: subscriber.fields["tags"]))
                    }
                case .otherShard, .rowProblem:
                    break
                }
            }
            result.recipients = reader.counts.recipients
            columns.formUnion(audience.lists.flatMap { (try? $0.open().columns) ?? [] })
        } catch let error as DiagnosticError {
            result.findings += error.diagnostics
            return result
        } catch {
            result.findings.append(.error("list", "\(error)", at: origin))
            return result
        }
        let names = audience.lists.map(\.name).joined(separator: ", ")
        let segment = issue.segment
        for (tags, location) in [(segment.tags, segment.locations.tags), (segment.excludeTags, segment.locations.excludeTags)] {
            for tag in tags where !tagsSeen.contains(Segment.fold(tag)) {
                result.findings.append(.error(
                    "audience-tag", "no subscriber of \(names) has the tag \"\(tag)\"", at: location ?? origin,
                    hint: "tags are the `;`-separated values of the lists' `tags` column; check the spelling"))
            }
        }
        for condition in segment.conditions where !columns.contains(condition.attribute) {
            result.findings.append(.error(
                "audience-attribute", "no list of \(names) has a column \"\(condition.attribute)\"",
                at: segment.locations.conditions[condition.attribute] ?? origin,
                hint: "`where:` names columns of the lists' header rows: \(columns.sorted().joined(separator: ", "))"))
        }
        if result.recipients == 0, !result.findings.contains(where: { $0.severity == .error }) {
            result.findings.append(.warning(
                "audience-empty", "the issue's audience is empty: no subscriber of \(names) is in it", at: origin,
                hint: "check `lists:` and `audience:` in the front matter, and the suppression list"))
        }
        return result
    }

    static func advice(_ diagnostic: Diagnostic) -> Diagnostic {
        var advice = diagnostic
        advice.severity = .warning
        return advice
    }
}

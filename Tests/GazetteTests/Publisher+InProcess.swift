// `gazette publish` of a test project in this process: the options a test sets over an unsubscribe secret and a
// short retry delay, the transports the project's settings name.
import Foundation
@testable import Gazette

extension Publisher {
    /// Publishes issue `issue` of the project at `root`.
    static func publishInProcess(projectAt root: URL, issue: String = "1",
                                 _ configure: (inout PublishOptions) -> Void = { _ in }) throws -> PublishSummary {
        var options = PublishOptions(issue: issue)
        options.environment = ["GAZETTE_UNSUBSCRIBE_SECRET": "test-secret"]
        options.retryDelay = 0.01
        configure(&options)
        let project = try Project(root: root)
        return try Publisher(project: project, options: options) { via in
            try Transports.make(via: via, configuration: project.configuration, caFile: nil, environment: [:], projectRoot: project.root)
        }.run()
    }
}

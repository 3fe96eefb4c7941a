// The subjects of an A/B test as a prepared issue carries them: each with its slots, like the single subject,
// so a message's subject is filled by splicing whichever arm the recipient is in.

/// The rendered subjects of an issue's A/B test and its share.
public struct PreparedSubjectTest: Sendable, Codable, Equatable {
    /// One template per arm, arm A first.
    public var subjects: [PersonalizationTemplate]
    /// The share of the audience in the test, in basis points.
    public var shareBasisPoints: Int

    public init(subjects: [PersonalizationTemplate], shareBasisPoints: Int) {
        self.subjects = subjects
        self.shareBasisPoints = shareBasisPoints
    }

    /// The split of `slug`'s audience.
    public func split(issueSlug slug: String) -> ABSplit {
        ABSplit(arms: subjects.count, shareBasisPoints: shareBasisPoints, issueSlug: slug)
    }
}

extension PreparedIssue {
    /// The split of this issue's audience, or nil when it has no A/B test.
    public var abSplit: ABSplit? { subjectTest?.split(issueSlug: slug) }

    /// The subject template `arm` receives (the single subject without a test or for a nil arm).
    func subjectTemplate(arm: Int?) -> PersonalizationTemplate {
        guard let arm, let test = subjectTest, test.subjects.indices.contains(arm) else { return subject }
        return test.subjects[arm]
    }
}

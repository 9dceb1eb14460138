import Foundation
import LayanCore

/// What a low score said, in the reader's language: the scores, the reason, the comment — never who the customer is.
/// The follow-ups page writes it from the rating or survey itself; the row keeps one in the agency's language.
enum FollowUpSummary {
    static func rating(_ rating: CounterRating, _ catalogue: Catalogue, _ language: Language) -> String {
        [catalogue.text("satisfaction.followUp.rating", language, ["score": "\(rating.score)"]),
         rating.reason.map { catalogue.text($0.catalogueKey, language) }, rating.comment].compactMap { $0 }.joined(separator: " · ")
    }

    static func survey(_ survey: CaseSurvey, _ catalogue: Catalogue, _ language: Language) -> String {
        guard let outcome = survey.outcome else { return "" }
        // A reply in a conversation gives one number, kept as the outcome.
        guard let time = survey.timeTaken, let manner = survey.manner else {
            return catalogue.text("satisfaction.followUp.byReply", language, ["score": "\(outcome)"])
        }
        return [catalogue.text("satisfaction.followUp.outcome", language, ["score": "\(outcome)"]),
                catalogue.text("satisfaction.followUp.time_taken", language, ["score": "\(time)"]),
                catalogue.text("satisfaction.followUp.manner", language, ["score": "\(manner)"]), survey.comment]
            .compactMap { $0 }.joined(separator: " · ")
    }
}

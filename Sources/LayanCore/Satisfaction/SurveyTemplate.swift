import Foundation

/// What a periodic survey item asks (issue #20): a PKPA quality item with an expectation and a perception score
/// (SERVQUAL's gap), a single 1–5 rating, 0–10 "would you recommend" (NPS), 1–7 "easy to deal with" (CES), a
/// demographic choice, or a free comment.
public enum SurveyItemKind: String, CaseIterable, Codable, Sendable {
    case servqual, rating, recommend, effort, choice, comment

    /// The answers a score item takes.
    public var scale: ClosedRange<Int>? {
        switch self {
        case .servqual, .rating: 1...5
        case .recommend: 0...10
        case .effort: 1...7
        case .choice, .comment: nil
        }
    }

    public var catalogueKey: String { "survey.kind.\(rawValue)" }
}

/// One item as a template writes it.
public struct SurveyItemDraft: Sendable, Equatable {
    public let kind: SurveyItemKind
    public let quality: QualityItem?
    public let textMS: String
    public let textEN: String
    /// For a choice: the options, ms and en.
    public let choices: [(ms: String, en: String)]

    public init(kind: SurveyItemKind, quality: QualityItem? = nil, textMS: String, textEN: String, choices: [(ms: String, en: String)] = []) {
        self.kind = kind; self.quality = quality; self.textMS = textMS; self.textEN = textEN; self.choices = choices
    }

    public static func == (a: SurveyItemDraft, b: SurveyItemDraft) -> Bool {
        a.kind == b.kind && a.quality == b.quality && a.textMS == b.textMS && a.textEN == b.textEN && a.choices.map(\.ms) == b.choices.map(\.ms)
    }
}

/// The survey that ships ready (issue #20): PKPA's 14 quality characteristics in their 3 groups (domain.md §1), each
/// asked as expectation and perception, then "would you recommend us", and the demographics most agencies ask.
public enum PKPASurveyTemplate {
    public static let items: [SurveyItemDraft] = [
        .init(kind: .servqual, quality: .conduciveEnvironment, textMS: "Ruang menunggu selesa, tempat duduk dan kaunter mencukupi, tandas bersih.",
              textEN: "A comfortable waiting area, enough seats and counters, clean toilets."),
        .init(kind: .servqual, quality: .supportFacilities, textMS: "Kemudahan sokongan seperti kafeteria, ruang kanak-kanak dan mesin ATM.",
              textEN: "Support facilities such as a cafeteria, a children's corner and an ATM."),
        .init(kind: .servqual, quality: .reliability, textMS: "Perkhidmatan yang konsisten dan menepati Piagam Pelanggan.",
              textEN: "Consistent service that keeps the Client Charter."),
        .init(kind: .servqual, quality: .responsiveness, textMS: "Urusan dilayan segera dan saya dimaklumkan hingga selesai.",
              textEN: "My matter is dealt with promptly and I am kept informed until it is finished."),
        .init(kind: .servqual, quality: .timeliness, textMS: "Perkhidmatan diberi dalam masa yang dijanjikan dalam Piagam Pelanggan.",
              textEN: "Service within the times the Client Charter promises."),
        .init(kind: .servqual, quality: .accuracy, textMS: "Perkhidmatan dan maklumat yang diberi adalah tepat.", textEN: "The service and the information given are correct."),
        .init(kind: .servqual, quality: .accessibility, textMS: "Perkhidmatan mudah diperoleh tanpa menunggu lama atau pergi jauh.",
              textEN: "The service is easy to get, without a long wait or a long journey."),
        .init(kind: .servqual, quality: .understandability, textMS: "Arahan, borang dan panduan jelas dan mudah difahami.",
              textEN: "Instructions, forms and guides are clear and easy to understand."),
        .init(kind: .servqual, quality: .competence, textMS: "Pegawai mahir dan berpengetahuan tentang tugas mereka.", textEN: "Officers know their job well."),
        .init(kind: .servqual, quality: .credibility, textMS: "Perkhidmatan agensi boleh dipercayai.", textEN: "The agency's service can be trusted."),
        .init(kind: .servqual, quality: .security, textMS: "Maklumat dan urusan saya selamat daripada pihak yang tidak berkenaan.",
              textEN: "My information and dealings are safe from anyone not entitled to them."),
        .init(kind: .servqual, quality: .friendlyAndFair, textMS: "Layanan mesra dan sama rata tanpa mengira pangkat atau kedudukan.",
              textEN: "Friendly, equal treatment whatever one's rank or position."),
        .init(kind: .servqual, quality: .empathy, textMS: "Pegawai mendengar dan memahami masalah saya, kemudian bertindak.",
              textEN: "Officers hear me out, understand my problem and act on it."),
        .init(kind: .servqual, quality: .respect, textMS: "Setiap pelanggan dilayan dengan hormat.", textEN: "Every customer is treated with respect."),
        .init(kind: .recommend, textMS: "Sejauh manakah anda akan mengesyorkan perkhidmatan kami kepada rakan? (0–10)",
              textEN: "How likely are you to recommend our service to a friend? (0–10)"),
        .init(kind: .choice, textMS: "Umur", textEN: "Age", choices: [("Bawah 25", "Under 25"), ("25–39", "25–39"), ("40–59", "40–59"), ("60 ke atas", "60 and over")]),
        .init(kind: .choice, textMS: "Berapa kerap anda berurusan dengan kami?", textEN: "How often do you deal with us?",
              choices: [("Kali pertama", "First time"), ("Beberapa kali setahun", "A few times a year"), ("Setiap bulan", "Every month")]),
        .init(kind: .comment, textMS: "Cadangan untuk menambah baik perkhidmatan kami", textEN: "Suggestions to improve our service"),
    ]
}

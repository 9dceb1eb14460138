/// The interface languages. Malay is the default (civil-service practice); English is a full second language.
public enum Language: String, CaseIterable, Sendable, Codable {
    case ms
    case en

    public static let `default`: Language = .ms

    /// The BCP 47 tag for `<html lang>`.
    public var htmlTag: String { self == .ms ? "ms-MY" : "en-MY" }

    /// The language's own name, shown on the language switch.
    public var endonym: String { self == .ms ? "Bahasa Melayu" : "English" }

    /// Accepts "ms", "MS", "ms-MY", "en_GB", … and nothing else.
    public init?(tag: String) {
        let primary = tag.trimmingCharacters(in: .whitespaces)
            .split(whereSeparator: { $0 == "-" || $0 == "_" }).first.map { $0.lowercased() } ?? ""
        switch primary {
        case "ms", "may", "zsm": self = .ms
        case "en", "eng": self = .en
        default: return nil
        }
    }
}

/// Picks the interface language: `?lang=` first, then the cookie, then `Accept-Language`, then Malay.
public enum LanguageNegotiation {
    public static func resolve(query: String?, cookie: String?, acceptLanguage: String?) -> Language {
        if let query, let language = Language(tag: query) { return language }
        if let cookie, let language = Language(tag: cookie) { return language }
        if let acceptLanguage, let language = preferred(in: acceptLanguage) { return language }
        return .default
    }

    /// The highest-weighted supported language in an `Accept-Language` header (RFC 9110 §12.5.4).
    static func preferred(in header: String) -> Language? {
        var best: (language: Language, weight: Double, order: Int)?
        for (order, part) in header.split(separator: ",").enumerated() {
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first, let language = Language(tag: tag) else { continue }
            var weight = 1.0
            for parameter in pieces.dropFirst() where parameter.lowercased().hasPrefix("q=") {
                weight = Double(parameter.dropFirst(2)) ?? 0
            }
            guard weight > 0 else { continue }
            if best == nil || weight > best!.weight { best = (language, weight, order) }
        }
        return best?.language
    }
}

import Foundation
import LayanCore
import Leaf
import Vapor

/// The interface strings, one JSON catalogue per language in `Resources/Localization/` (design.md: every
/// visible string comes from the catalogues).
public struct Catalogue: Sendable {
    public let entries: [Language: [String: String]]

    public init(entries: [Language: [String: String]]) { self.entries = entries }

    public static func load(from directory: String) throws -> Catalogue {
        var entries: [Language: [String: String]] = [:]
        for language in Language.allCases {
            let url = URL(fileURLWithPath: directory).appendingPathComponent("\(language.rawValue).json")
            let data = try Data(contentsOf: url)
            entries[language] = try JSONDecoder().decode([String: String].self, from: data)
        }
        return Catalogue(entries: entries)
    }

    /// The string for `key`; `{name}` placeholders are filled from `values`. A missing key shows itself,
    /// so it is visible on the page (and a test fails on it before it gets there).
    public func text(_ key: String, _ language: Language, _ values: [String: String] = [:]) -> String {
        let text = entries[language]?[key] ?? entries[.default]?[key] ?? key
        return values.isEmpty ? text : Self.fill(text, values)
    }

    /// One pass over the text: a value is never searched again, so text a customer typed that looks like a
    /// placeholder stays as typed. (A replacement per value was a tenth of creating a case: each message.)
    /// Braces are ASCII, so the scan runs over UTF-8 bytes rather than characters, a quarter of the cost.
    static func fill(_ text: String, _ values: [String: String]) -> String {
        let bytes = text.utf8
        let open = UInt8(ascii: "{"), close = UInt8(ascii: "}")
        var result = ""
        result.reserveCapacity(bytes.count + 32)
        var copied = bytes.startIndex  // text before this is in `result`
        var cursor = copied
        while let start = bytes[cursor...].firstIndex(of: open) {
            let name = bytes.index(after: start)
            guard let end = bytes[name...].firstIndex(where: { $0 == close || $0 == open }), bytes[end] == close,
                  let value = values[String(text[name ..< end])]
            else {
                cursor = name
                continue
            }
            result += text[copied ..< start]
            result += value
            copied = bytes.index(after: end)
            cursor = copied
        }
        result += text[copied...]
        return result
    }

    /// Both languages, "Malay / English", for messages shown before a language is known (errors, logs).
    public func bilingual(_ key: String) -> String {
        let ms = text(key, .ms), en = text(key, .en)
        return ms == en ? ms : "\(ms) / \(en)"
    }
}

extension Application {
    private struct CatalogueKey: StorageKey { typealias Value = Catalogue }

    public var catalogue: Catalogue {
        get {
            guard let catalogue = storage[CatalogueKey.self] else { fatalError("Catalogue is loaded in configure(_:)") }
            return catalogue
        }
        set { storage[CatalogueKey.self] = newValue }
    }
}

extension Request {
    private struct LanguageKey: StorageKey { typealias Value = Language }

    /// The language this request is served in, set by `LanguageMiddleware`.
    public var language: Language {
        get { storage[LanguageKey.self] ?? .default }
        set { storage[LanguageKey.self] = newValue }
    }

    /// A catalogue string in this request's language.
    public func t(_ key: String, _ values: [String: String] = [:]) -> String {
        application.catalogue.text(key, language, values)
    }
}

/// `#t("key")` in templates, or `#t("key", "name", value, …)` to fill `{name}`. Output is escaped by Leaf
/// like any other value.
struct TranslateTag: LeafTag {
    func render(_ ctx: LeafContext) throws -> LeafData {
        guard let key = ctx.parameters.first?.string else {
            throw Abort(.internalServerError, reason: "#t needs a catalogue key")
        }
        guard let request = ctx.request else { return .string(key) }
        var values: [String: String] = [:]
        let rest = Array(ctx.parameters.dropFirst())
        for pair in stride(from: 0, to: rest.count - 1, by: 2) {
            if let name = rest[pair].string { values[name] = rest[pair + 1].string ?? rest[pair + 1].int.map(String.init) ?? "" }
        }
        return .string(request.t(key, values))
    }
}

/// Chooses the request's language (`?lang=`, then cookie, then `Accept-Language`) and remembers an explicit
/// choice in a cookie.
struct LanguageMiddleware: AsyncMiddleware {
    static let cookieName = "layan_lang"

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let query = request.url.query.flatMap { Self.queryValue("lang", in: $0) }
        request.language = LanguageNegotiation.resolve(
            query: query,
            cookie: request.cookies[Self.cookieName]?.string,
            acceptLanguage: request.headers.first(name: .acceptLanguage)
        )
        let response = try await next.respond(to: request)
        if let query, Language(tag: query) != nil {
            response.cookies[Self.cookieName] = HTTPCookies.Value(
                string: request.language.rawValue, maxAge: 365 * 24 * 3600, path: "/",
                isSecure: request.application.settings.behindHTTPS, isHTTPOnly: true, sameSite: .lax)
        }
        response.headers.replaceOrAdd(name: .contentLanguage, value: request.language.htmlTag)
        return response
    }

    static func queryValue(_ name: String, in query: String) -> String? {
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.first == Substring(name), parts.count == 2 { return String(parts[1]).removingPercentEncoding }
        }
        return nil
    }
}

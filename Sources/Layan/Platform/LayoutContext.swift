import Fluent
import LayanCore
import Vapor

/// What the base layout needs on every page. Handlers put one in their page context as `layout`.
struct LayoutContext: Encodable, Sendable {
    struct Link: Encodable, Sendable {
        let href: String
        let label: String
        let current: Bool
    }

    struct LanguageLink: Encodable, Sendable {
        let href: String
        let label: String
        let tag: String
    }

    struct Flash: Encodable, Sendable {
        let kind: String
        let message: String
    }

    let lang: String
    let htmlLang: String
    let title: String
    let agencyName: String
    let navigation: [Link]
    let otherLanguage: LanguageLink
    let flashes: [Flash]
    let today: String
    let stylesheet: String

    static func make(for request: Request, title: String) async -> LayoutContext {
        let language = request.language
        let other: Language = language == .ms ? .en : .ms
        let agency = await request.application.agencyProfile.current(on: request.db)
        return LayoutContext(
            lang: language.rawValue,
            htmlLang: language.htmlTag,
            title: title,
            agencyName: agency.name(in: language),
            navigation: Navigation.links(for: request),
            otherLanguage: LanguageLink(href: "\(request.url.path)?lang=\(other.rawValue)", label: other.endonym, tag: other.htmlTag),
            flashes: request.takeFlashes(),
            today: MalaysianTime.longDate(request.application.clock.now(), in: language),
            stylesheet: SiteURL.stylesheet.path)
    }
}

/// The navigation bar. Each capability adds its links here with the permission that shows them.
enum Navigation {
    static func links(for request: Request) -> [LayoutContext.Link] {
        let path = request.url.path
        let items: [(SiteURL, String)] = [(.home, "nav.home")]
        return items.map { url, key in
            LayoutContext.Link(href: url.path, label: request.t(key), current: path == url.path)
        }
    }
}

extension Request {
    private static let flashKey = "flash"

    /// Queues a message for the next page this visitor sees (after a redirect).
    func flash(_ kind: String, _ message: String) {
        let existing = session.data[Self.flashKey].map { $0 + "\u{1E}" } ?? ""
        session.data[Self.flashKey] = existing + kind + "\u{1F}" + message
    }

    /// The queued messages, removed from the session once shown. Only visitors with a session have any.
    func takeFlashes() -> [LayoutContext.Flash] {
        guard hasSession, let raw = session.data[Self.flashKey] else { return [] }
        session.data[Self.flashKey] = nil
        return raw.split(separator: "\u{1E}").compactMap { entry in
            let parts = entry.split(separator: "\u{1F}", maxSplits: 1)
            guard parts.count == 2 else { return nil }
            return LayoutContext.Flash(kind: String(parts[0]), message: String(parts[1]))
        }
    }
}

extension Application {
    private struct ClockKey: StorageKey { typealias Value = any WallClock }

    /// "Now" for the whole application; tests swap in a `FixedClock`.
    public var clock: any WallClock {
        get { storage[ClockKey.self] ?? SystemClock() }
        set { storage[ClockKey.self] = newValue }
    }
}

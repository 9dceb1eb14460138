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
    /// The signed-in officer's name, and what the sign-out form needs.
    let staffName: String?
    let csrf: String?
    let signOutPath: String
    /// Paths the views link to outside their own page's context, from `SiteURL` (views hold no paths of their own).
    let paths: Paths

    struct Paths: Encodable, Sendable {
        var home = SiteURL.home.path
        var help = SiteURL.cases(.help).path
        var lookUp = SiteURL.cases(.lookUp).path
        var duty = SiteURL.cases(.duty).path
        var recoveries = SiteURL.cases(.recoveries).path
        var articles = SiteURL.cases(.articles).path
        var queueSettings = SiteURL.queue(.setupSettings).path
    }
    private static let paths = Paths()

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
            stylesheet: SiteURL.stylesheet.path,
            staffName: request.staff?.name,
            csrf: request.staff == nil ? nil : request.sessionState.csrfToken,
            signOutPath: SiteURL.signOut.path,
            paths: paths)
    }
}

/// The navigation bar: public links for everyone, then the staff links the officer's roles allow.
enum Navigation {
    static func links(for request: Request) -> [LayoutContext.Link] {
        let path = request.url.path
        var items: [(SiteURL, String)] = [(.home, "nav.home")]
        if let staff = request.staff {
            let staffItems: [(SiteURL, String, Permission)] = [
                (.staffHome, "nav.staffHome", .staffHome),
                (.cases(.list), "nav.cases", .viewCases),
                (.queue(.console), "nav.console", .operateCounter),
                (.queue(.supervise), "nav.supervise", .superviseQueue),
                (.telephone(.console), "nav.telephone", .answerTelephone),
                (.charterDesk(.achievement), "nav.charter", .viewCharter),
                (.satisfaction(.report), "nav.satisfaction", .viewSatisfaction),
                (.directory, "nav.directory", .viewDirectory),
                (.adminStaffList, "nav.admin", .manageStaff),
                (.adminAudit, "nav.audit", .viewAuditTrail),
                (.personalData(.overview), "nav.personalData", .handlePersonalData),
            ]
            items += staffItems.filter { staff.allows($0.2) }.map { ($0.0, $0.1) }
        } else {
            items.append((.cases(.portal), "nav.contact"))
            items.append((.cases(.help), "nav.help"))
            items.append((.signIn, "nav.signIn"))
        }
        return items.map { url, key in
            LayoutContext.Link(href: url.path, label: request.t(key), current: path == url.path)
        }
    }
}

extension Request {
    private static let separator: Character = "\u{1E}", kindSeparator: Character = "\u{1F}"

    /// Queues a message for the next page this visitor sees (after a redirect).
    func flash(_ kind: String, _ message: String) async throws {
        let session = try await ensureSession()
        let entry = kind + String(Self.kindSeparator) + message
        session.flash = session.flash.map { $0 + String(Self.separator) + entry } ?? entry
        sessionState.dirty = true
    }

    /// The queued messages, removed from the session once shown.
    func takeFlashes() -> [LayoutContext.Flash] {
        guard let session = sessionState.record, let raw = session.flash else { return [] }
        session.flash = nil
        sessionState.dirty = true
        return raw.split(separator: Self.separator).compactMap { entry in
            let parts = entry.split(separator: Self.kindSeparator, maxSplits: 1)
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

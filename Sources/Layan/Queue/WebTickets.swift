import Foundation
import Vapor

/// The numbers a customer took on their own phone today, remembered in a cookie so that taking a second number
/// never loses the first: the take-a-number page lists them with their live status. Kiosks do not remember
/// (the next customer uses the same screen).
struct WebTickets: Sendable {
    static let cookieName = "layan_tickets"
    /// Enough for a family's errands; the oldest drops off beyond it.
    static let limit = 6

    struct Entry: Sendable, Equatable {
        let id: UUID
        let key: String
    }

    let entries: [Entry]

    init(_ request: Request) {
        let raw = request.cookies[Self.cookieName]?.string ?? ""
        entries = raw.split(separator: "|").compactMap { item in
            let parts = item.split(separator: "~", maxSplits: 1)
            guard parts.count == 2, let id = UUID(uuidString: String(parts[0])) else { return nil }
            return Entry(id: id, key: String(parts[1]))
        }
    }

    private init(entries: [Entry]) { self.entries = entries }

    func adding(id: UUID, key: String) -> WebTickets {
        WebTickets(entries: Array((entries.filter { $0.id != id } + [Entry(id: id, key: key)]).suffix(Self.limit)))
    }

    /// Kept for the working day only: a number is for today's queue.
    func store(in response: Response, secure: Bool) {
        response.cookies[Self.cookieName] = HTTPCookies.Value(
            string: entries.map { "\($0.id.uuidString)~\($0.key)" }.joined(separator: "|"), maxAge: 14 * 3600, path: SiteURL.queue(.branches).path,
            isSecure: secure, isHTTPOnly: true, sameSite: .lax)
    }
}

import Fluent
import LayanCore
import Vapor

/// The public Client Charter page (PKPA 1/2008: every agency displays its charter and how far it was kept): the
/// commitments in force, the achievement table for the last 12 months as agencies publish it, the charter's date and
/// its next review (overdue said openly), printable on A4 and as CSV.
struct CharterController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let open = routes.access(.anyone)
        open.get(.charter, use: page)
        open.get(.charterCSV, use: csv)
    }

    struct Commitment: Encodable, Sendable { let text: String; let standard: String; let target: Int; let branches: [String] }
    struct Page: Encodable, Sendable {
        let layout: LayoutContext
        let published: Bool
        let commitments: [Commitment]
        let review: CharterReviewContext?
        let grid: CharterGrid
        let csvHref: String
        let contactHref: String
    }

    static let monthsShown = 12

    static func table(_ req: Request) async throws -> CharterTable {
        let today = LocalDate(req.application.clock.now())
        return try await req.application.charterTables.table(on: req.db, months: CharterMonth(containing: today).lastMonths(monthsShown), branchID: nil,
                                                             today: today)
    }

    func page(req: Request) async throws -> View {
        let table = try await Self.table(req)
        let names = try await Branch.byID(\.name, on: req.db)
        let commitments = (table.inForce?.commitments ?? []).sorted { $0.position < $1.position }.map {
            Commitment(text: $0.text(in: req.language), standard: CharterTable.standardText($0, req), target: $0.targetPercent,
                       branches: CharterTable.branchLines($0, names: names, req))
        }
        return try await req.view.render("Charter/charter", Page(
            layout: await LayoutContext.make(for: req, title: req.t("charter.title")), published: table.inForce != nil,
            commitments: commitments, review: CharterReviewContext(table.inForce, req), grid: CharterGrid(table, req),
            csvHref: SiteURL.charterCSV.path, contactHref: SiteURL.cases(.portal).path))
    }

    func csv(req: Request) async throws -> Response {
        CSV.response(try await Self.table(req).csv(req), filename: "piagam-pelanggan.csv")
    }
}

import Fluent
import LayanCore
import LayanStorage
import SQLKit
import Vapor

/// The staff directory: the page a telephone operator keeps open to tell a caller the division, the
/// officer's name and the extension before transferring (PKPA 1/2008, telephone rule 5).
struct DirectoryController: RouteCollection {
    static let limit = 50

    func boot(routes: any RoutesBuilder) throws {
        routes.access(.staff(.viewDirectory)).get(.directory, use: page)
        routes.access(.api(.directoryRead)).get(.apiDirectory, use: api)
    }

    /// One officer as the directory shows them (also the API's item).
    struct Entry: Content, Equatable {
        let name: String
        let division: String?
        let divisionEn: String?
        let branch: String?
        let extensionNumber: String?
        let phone: String?
        let email: String
        let duties: String?

        enum CodingKeys: String, CodingKey {
            case name, division, divisionEn, branch, extensionNumber = "extension", phone, email, duties
        }
    }

    struct Results: Content { let query: String; let results: [Entry] }

    struct Page: Encodable, Sendable {
        let layout: LayoutContext
        let q: String
        let results: [Entry]
        let searched: Bool
        let truncated: Bool
        var hasResults: Bool { !results.isEmpty }

        enum CodingKeys: String, CodingKey { case layout, q, results, searched, truncated, hasResults }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(layout, forKey: .layout); try c.encode(q, forKey: .q); try c.encode(results, forKey: .results)
            try c.encode(searched, forKey: .searched); try c.encode(truncated, forKey: .truncated); try c.encode(hasResults, forKey: .hasResults)
        }
    }

    /// Active officers whose name, e-mail, extension, duties or division matches every word of `text`.
    static func search(_ text: String, on db: any Database, limit: Int = limit) async throws -> [Entry] {
        let words = text.lowercased().split(whereSeparator: \.isWhitespace).prefix(5).map(String.init)
        let sql = db.sql
        var query = sql.select()
            .column(SQLColumn("name", table: "s")).column(SQLColumn("email", table: "s")).column(SQLColumn("phone", table: "s"))
            .column(SQLColumn("extension", table: "s")).column(SQLColumn("duties", table: "s"))
            .column(SQLColumn("name_ms", table: "d")).column(SQLColumn("name_en", table: "d"))
            .column(SQLAlias(SQLColumn("name", table: "b"), as: SQLIdentifier("branch_name")))
            .from(SQLAlias(SQLIdentifier(Staff.schema), as: SQLIdentifier("s")))
            .join(SQLAlias(SQLIdentifier(Division.schema), as: SQLIdentifier("d")), method: SQLJoinMethod.left,
                  on: SQLColumn("id", table: "d"), .equal, SQLColumn("division_id", table: "s"))
            .join(SQLAlias(SQLIdentifier(Branch.schema), as: SQLIdentifier("b")), method: SQLJoinMethod.left,
                  on: SQLColumn("id", table: "b"), .equal, SQLColumn("branch_id", table: "s"))
            .where(SQLColumn("active", table: "s"), .equal, SQLLiteral.boolean(true))
        query = TextSearch.matchAll(words, in: ["s.name", "s.email", "s.extension", "s.duties", "d.name_ms", "d.name_en", "b.name"], on: query)
        let rows = try await query.orderBy(SQLColumn("name", table: "s")).limit(limit).all()
        return try rows.map { row in
            Entry(name: try row.decode(column: "name", as: String.self),
                  division: try row.decode(column: "name_ms", as: String?.self),
                  divisionEn: try row.decode(column: "name_en", as: String?.self),
                  branch: try row.decode(column: "branch_name", as: String?.self),
                  extensionNumber: try row.decode(column: "extension", as: String?.self),
                  phone: try row.decode(column: "phone", as: String?.self),
                  email: try row.decode(column: "email", as: String.self),
                  duties: try row.decode(column: "duties", as: String?.self))
        }
    }

    func page(req: Request) async throws -> View {
        let q = String((req.query[String.self, at: "q"] ?? "").trimmingCharacters(in: .whitespaces).prefix(100))
        let results = q.isEmpty ? [] : try await Self.search(q, on: req.db, limit: Self.limit + 1)
        let localised = results.prefix(Self.limit).map { entry in
            req.language == .en ? Entry(name: entry.name, division: entry.divisionEn ?? entry.division, divisionEn: entry.divisionEn,
                                       branch: entry.branch, extensionNumber: entry.extensionNumber, phone: entry.phone,
                                       email: entry.email, duties: entry.duties) : entry
        }
        return try await req.view.render("Organisation/directory", Page(
            layout: await LayoutContext.make(for: req, title: req.t("directory.title")), q: q, results: Array(localised),
            searched: !q.isEmpty, truncated: results.count > Self.limit))
    }

    func api(req: Request) async throws -> Results {
        guard let q = req.query[String.self, at: "q"]?.trimmingCharacters(in: .whitespaces), !q.isEmpty else {
            throw ValidationFailure(["q": "is required"], reason: "Give a search term in q", status: .badRequest)
        }
        guard q.count <= 100 else { throw ValidationFailure(["q": "is longer than 100 characters"], reason: "Search term too long", status: .badRequest) }
        return Results(query: q, results: try await Self.search(q, on: req.db))
    }
}

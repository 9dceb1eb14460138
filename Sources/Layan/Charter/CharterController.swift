import Fluent
import LayanCore
import SQLKit
import Vapor

/// The public Client Charter page (PKPA 1/2008: every agency publishes its charter and how far it was kept):
/// the commitments as Layan is configured to hold them, and this month's and last month's achievement,
/// counted from the cases and queue tickets themselves.
struct CharterController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.access(.anyone).get(.charter, use: page)
    }

    struct Commitment: Encodable, Sendable { let text: String }
    struct Measure: Encodable, Sendable { let name: String; let percent: Int?; let met: Int; let measured: Int }
    struct Period: Encodable, Sendable { let month: String; let measures: [Measure] }
    struct Page: Encodable, Sendable { let layout: LayoutContext; let commitments: [Commitment]; let periods: [Period]; let contactHref: String }

    func page(req: Request) async throws -> View {
        let today = LocalDate(req.application.clock.now())
        let month = CharterMonth(containing: today)
        var periods: [Period] = []
        for period in [month, month.previous] {
            periods.append(Period(month: MalaysianTime.month(period.first, in: req.language), measures: try await measures(req, period)))
        }
        return try await req.view.render("Charter/charter", Page(
            layout: await LayoutContext.make(for: req, title: req.t("charter.title")), commitments: try await commitments(req),
            periods: periods, contactHref: SiteURL.cases(.portal).path))
    }

    /// The commitments in force: each case type's standard (the agency's own where set, PKPA's default otherwise),
    /// the counter's waiting-time targets, and the telephone and courtesy rules PKPA sets for every agency.
    private func commitments(_ req: Request) async throws -> [Commitment] {
        let overrides = try await CaseTypeStandard.query(on: req.db).all()
        var lines: [Commitment] = CaseType.allCases.map { type in
            let standard = overrides.first { $0.type == type }?.standard ?? .pkpaDefault
            return Commitment(text: req.t("charter.commitment.case", ["type": req.t(type.catalogueKey),
                                                                      "acknowledge": "\(standard.acknowledgeWorkingDays)",
                                                                      "resolve": "\(standard.resolveWorkingDays)"]))
        }
        // Per counter service, the longest target any branch sets for it (a promise every branch keeps).
        var targets: [String: Int] = [:]
        for service in try await QueueService.query(on: req.db).filter(\.$active == true).sort(\.$letter).all() {
            targets[service.name(in: req.language)] = max(targets[service.name(in: req.language)] ?? 0, service.targetWaitMinutes)
        }
        for (name, minutes) in targets.sorted(by: { $0.key < $1.key }) {
            lines.append(Commitment(text: req.t("charter.commitment.counter", ["service": name, "minutes": "\(minutes)"])))
        }
        // PKPA 1/2008 telephone rule: answered within 10 seconds (three rings).
        lines.append(Commitment(text: req.t("charter.commitment.telephone")))
        return lines
    }

    /// Achievement over one month, from what was measured then: cases acknowledged and resolved on time (received
    /// in the month and already judged), and customers called within the target wait.
    private func measures(_ req: Request, _ month: CharterMonth) async throws -> [Measure] {
        let sql = req.db.sql
        func count(_ table: String, _ column: String, dateColumn: String, from: String, until: String) async throws -> CharterAchievement {
            let rows = try await sql.select().column(column).column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(table)
                .where(SQLColumn(dateColumn), .greaterThanOrEqual, SQLBind(from)).where(SQLColumn(dateColumn), .lessThan, SQLBind(until))
                .where(SQLColumn(column), .isNot, SQLLiteral.null).groupBy(column).all()
            var met = 0, measured = 0
            for row in rows {
                let n = try row.decode(column: "n", as: Int.self)
                measured += n
                if try row.decode(column: column, as: Bool.self) { met += n }
            }
            return CharterAchievement(met: met, measured: measured)
        }
        let from = month.first.iso, until = month.next.iso
        let measured: [(String, CharterAchievement)] = [
            ("charter.measure.acknowledged", try await count(CaseRecord.schema, "acknowledge_met", dateColumn: "received_on", from: from, until: until)),
            ("charter.measure.resolved", try await count(CaseRecord.schema, "resolve_met", dateColumn: "received_on", from: from, until: until)),
            ("charter.measure.counter", try await count(Ticket.schema, "met_target", dateColumn: "service_date", from: from, until: until)),
        ]
        return measured.map { Measure(name: req.t($0.0), percent: $0.1.percent, met: $0.1.met, measured: $0.1.measured) }
    }
}

import Fluent
import Foundation
import LayanCore
import Vapor

/// Commitments measured outside Layan: a month's figure entered with the file that proves it and who entered it
/// (issue #19), listed on the achievement page with the evidence to download.
struct CharterManualController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.access(.staff(.explainCharterMisses)).upload(.charterDesk(.manual), megabytes: 11, use: enterManual)
        routes.access(.staff(.viewCharter)).get(.charterDesk(.evidence(":figureID")), use: evidence)
    }

    typealias Choice = CharterDeskController.Choice

    struct ManualRow: Encodable, Sendable { let commitment: String; let month: String; let branch: String; let figure: String; let by: String; let evidenceHref: String }
    struct Section: Encodable, Sendable {
        let commitments: [Choice]
        let months: [Choice]
        let branches: [Choice]
        let entered: [ManualRow]
        let canEnter: Bool
        let action: String
    }

    /// The manual commitments in force: the figures entered over the table's months, and the form to enter one.
    static func section(_ req: Request, table: CharterTable, branches: [Branch], today: LocalDate) async throws -> Section? {
        let manual = table.rows.filter { $0.commitment.metric == .manual }
        guard !manual.isEmpty else { return nil }
        let figures = try await CharterManualFigure.query(on: req.db).filter(\.$lineage ~~ manual.map(\.lineage))
            .filter(\.$month >= table.months.first!.key).sort(\.$month, .descending)
            .field(\.$id).field(\.$lineage).field(\.$month).field(\.$branchID).field(\.$met).field(\.$total).field(\.$enteredBy).field(\.$evidenceName)
            .all()
        let names = Dictionary(uniqueKeysWithValues: branches.map { ($0.id!, $0.code) })
        return Section(
            commitments: manual.map { Choice(value: $0.lineage.uuidString, label: $0.commitment.text(in: req.language), selected: false) },
            months: table.months.reversed().map { Choice(value: $0.key, label: MalaysianTime.month($0.first, in: req.language), selected: $0 == CharterMonth(containing: today).previous) },
            branches: Choice.branches(branches, key: .id, selected: nil, req),
            entered: figures.map { figure in
                ManualRow(commitment: manual.first { $0.lineage == figure.lineage }?.commitment.text(in: req.language) ?? "",
                          month: CharterMonth(key: figure.month).map { MalaysianTime.month($0.first, in: req.language) } ?? figure.month,
                          branch: figure.branchID.flatMap { names[$0] } ?? req.t("charter.desk.agency"), figure: "\(figure.met)/\(figure.total)",
                          by: figure.enteredBy, evidenceHref: SiteURL.charterDesk(.evidence(figure.id!.uuidString)).path)
            },
            canEnter: req.staff?.allows(.explainCharterMisses) ?? false, action: SiteURL.charterDesk(.manual).path)
    }

    struct ManualForm: Content { let commitment: String?; let month: String?; let branch: String?; let met: String?; let total: String?; let evidence: File? }

    func enterManual(req: Request) async throws -> Response {
        let form = try req.content.decode(ManualForm.self)
        guard let lineage = form.commitment.flatMap(UUID.init(uuidString:)), let month = form.month.flatMap(CharterMonth.init(key:)),
              let met = form.met.flatMap({ Int($0.trimmed) }), let total = form.total.flatMap({ Int($0.trimmed) }) else {
            try await req.flash("error", req.t("charter.manual.badFigure"))
            return req.seeOther(.charterDesk(.achievement))
        }
        let branch = form.branch.flatMap { $0.isEmpty ? nil : UUID(uuidString: $0) }
        let bytes = form.evidence.map { Array($0.data.readableBytesView) } ?? []
        do {
            try await CharterEngine(app: req.application).enterManual(lineage: lineage, month: month, branchID: branch, met: met, total: total,
                                                                      evidenceName: form.evidence?.filename ?? "", evidence: bytes, by: req.staff!)
            try await req.flash("success", req.t("charter.manual.saved"))
        } catch CharterEngine.Failure.notManual, CharterEngine.Failure.badFigure {
            try await req.flash("error", req.t("charter.manual.badFigure"))
        } catch let CharterEngine.Failure.evidence(problem) {
            try await req.flash("error", req.t("charter.manual.evidence." + problem.rawValue))
        }
        return req.seeOther(.charterDesk(.achievement))
    }

    func evidence(req: Request) async throws -> Response {
        guard let id = req.parameters.get("figureID").flatMap(UUID.init(uuidString:)),
              let figure = try await CharterManualFigure.find(id, on: req.db) else { throw Abort(.notFound) }
        return .download(figure.evidence, contentType: figure.evidenceType, fileName: figure.evidenceName)
    }
}

import Fluent
import Foundation
import LayanCore
import Vapor

/// The charter in the JSON API: `getCharter` and `getCharterAchievement` are public (what the charter page shows),
/// `listCharterMisses` names tickets and cases and needs the `charter:read` scope.
struct CharterAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let open = routes.access(.anyone)
        open.get(.api(.charter), use: charter)
        open.get(.api(.charterAchievement), use: achievement)
        routes.access(.api(.charterRead)).get(.api(.charterMisses), use: misses)
    }

    struct CommitmentDTO: Content {
        let id: UUID
        let textMs: String
        let textEn: String
        let metric: CharterMetric
        let standard: Int?
        let unit: CharterUnit?
        let targetPercent: Int
        let subject: String
        /// Branches keeping their own standard or target, by branch code (the values that apply there).
        let branchStandards: [BranchStandardDTO]

        init(_ c: CharterCommitmentRecord, codes: [UUID: String]) {
            id = c.lineage; textMs = c.textMS; textEn = c.textEN; metric = c.metric; standard = c.standard
            unit = c.draft.unit; targetPercent = c.targetPercent; subject = c.subject
            let draft = c.draft
            branchStandards = draft.branchStandards.compactMap { own in
                codes[own.branchID].map { BranchStandardDTO(branch: $0, standard: draft.standard(at: own.branchID), targetPercent: draft.targetPercent(at: own.branchID)) }
            }
        }
    }
    struct BranchStandardDTO: Content { let branch: String; let standard: Int?; let targetPercent: Int }

    struct CharterDTO: Content {
        let version: Int
        let effectiveFrom: String
        let reviewDue: String
        let reviewOverdue: Bool
        let commitments: [CommitmentDTO]
    }

    func charter(req: Request) async throws -> CharterDTO {
        let today = LocalDate(req.application.clock.now())
        guard let version = try await CharterEngine(app: req.application).inForce(on: today), let review = version.review else {
            throw Abort(.notFound, reason: "No charter has been published yet")
        }
        let codes = try await Branch.byID(\.code, on: req.db)
        return CharterDTO(version: version.number, effectiveFrom: version.effectiveFrom ?? "", reviewDue: review.due.iso,
                          reviewOverdue: review.isOverdue(on: today),
                          commitments: version.commitments.sorted { $0.position < $1.position }.map { CommitmentDTO($0, codes: codes) })
    }

    struct CellDTO: Content {
        let month: String
        let transactions: Int
        let met: Int
        let missed: Int
        let open: Int
        let percentMet: Double?
        let targetPercent: Int
        let state: CharterCell.State
    }
    struct RowDTO: Content { let commitment: CommitmentDTO; let months: [CellDTO] }
    struct AchievementDTO: Content { let branch: String?; let from: String; let to: String; let rows: [RowDTO] }

    func achievement(req: Request) async throws -> AchievementDTO {
        let today = LocalDate(req.application.clock.now())
        let range = try MonthRange(req, today: today)
        let months = range.months, from = range.from, to = range.to
        let branchID = try await MonthRange.branch(req).id
        let commitment = req.query[String.self, at: "commitment"]
        if let commitment, UUID(uuidString: commitment) == nil {
            throw ValidationFailure(["commitment": "is not a commitment id"], reason: "commitment is a UUID", status: .badRequest)
        }
        let table = try await CharterTable.read(on: req.db, months: months, branchID: branchID, today: today)
        let codes = try await Branch.byID(\.code, on: req.db)
        let rows = table.rows.filter { commitment == nil || $0.lineage.uuidString == commitment?.uppercased() }.map { row in
            RowDTO(commitment: CommitmentDTO(row.commitment, codes: codes), months: zip(months, row.cells).map { month, cell in
                CellDTO(month: month.key, transactions: cell.transactions, met: cell.met, missed: cell.missed, open: cell.open,
                        percentMet: cell.percentMet, targetPercent: cell.targetPercent, state: cell.state)
            })
        }
        return AchievementDTO(branch: req.query[String.self, at: "branch"]?.uppercased().nilIfEmpty, from: from.key, to: to.key, rows: rows)
    }

    struct MissesDTO: Content { let commitment: UUID; let month: String; let misses: [CharterMissList.Miss]; let truncated: Bool }

    func misses(req: Request) async throws -> MissesDTO {
        let query = try CharterDeskController.missQuery(req)
        let found = try await CharterMissList(db: req.db).misses(lineage: query.lineage, month: query.month, branchID: query.branchID,
                                                                 today: LocalDate(req.application.clock.now()))
        return MissesDTO(commitment: query.lineage, month: query.month.key, misses: found, truncated: found.count >= CharterMissList.limit)
    }
}

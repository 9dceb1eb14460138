import Fluent
import Foundation
import LayanCore
import Vapor

/// One reading of satisfaction for a period, branch and source, by one dimension, with names for its lines and
/// figures suppressed below the agency's minimum responses (issue #20). The page, the CSV and the API all read it.
struct SatisfactionReport: Sendable {
    struct Line: Sendable {
        let key: String
        let label: String
        let figures: SatisfactionFigures.Line
        /// Fewer responses than the agency's minimum: no figure is shown for it.
        let suppressed: Bool
    }

    let filter: SatisfactionFigures.Filter
    let dimension: SatisfactionFigures.Dimension
    let minimumResponses: Int
    let total: Line
    let lines: [Line]
    /// Month by month, for the chart (whatever the dimension).
    let months: [Line]

    static func read(_ filter: SatisfactionFigures.Filter, by dimension: SatisfactionFigures.Dimension, app: Application,
                     language: Language) async throws -> SatisfactionReport {
        let db = app.db, catalogue = app.catalogue
        let figures = SatisfactionFigures(db: db)
        let minimum = try await SatisfactionSettings.values(app).minimumResponses
        let raw = try await figures.lines(by: dimension, filter)
        let monthly = dimension == .month ? raw : try await figures.lines(by: .month, filter)
        let names = try await Self.names(dimension, on: db, catalogue: catalogue, language: language)
        func line(_ l: SatisfactionFigures.Line, label: String) -> Line { Line(key: l.key, label: label, figures: l, suppressed: l.respondents < minimum) }
        let total = SatisfactionFigures.total(raw)
        return SatisfactionReport(filter: filter, dimension: dimension, minimumResponses: minimum, total: line(total, label: ""),
                                  lines: raw.map { line($0, label: names[$0.key] ?? $0.key) }.sorted { $0.label < $1.label },
                                  months: monthly.map { line($0, label: $0.key) })
    }

    /// What people call each line: a branch's name, "KBR · Counter 3", an officer's name, a service or case type, a channel.
    static func names(_ dimension: SatisfactionFigures.Dimension, on db: any Database, catalogue: Catalogue, language: Language) async throws -> [String: String] {
        switch dimension {
        case .month:
            return [:]
        case .branch:
            return Dictionary(try await Branch.query(on: db).all().map { ($0.id!.uuidString, $0.name) }, uniquingKeysWith: { a, _ in a })
        case .counter:
            let branches = try await Branch.byID(\.code, on: db)
            return Dictionary(try await Counter.query(on: db).all().map {
                ($0.id!.uuidString, "\(branches[$0.$branch.id] ?? "") · \(catalogue.text("rating.tablet.counter", language, ["number": "\($0.number)"]))")
            }, uniquingKeysWith: { a, _ in a })
        case .officer:
            var names = Dictionary(try await Staff.query(on: db).all().map { ($0.id!.uuidString, $0.name) }, uniquingKeysWith: { a, _ in a })
            names[CreateSatisfaction.none] = catalogue.text("satisfaction.unassigned", language)
            return names
        case .service:
            let branches = try await Branch.byID(\.code, on: db)
            var names = Dictionary(try await QueueService.query(on: db).all().map {
                ($0.id!.uuidString, "\($0.letter) \($0.name(in: language)) (\(branches[$0.$branch.id] ?? ""))")
            }, uniquingKeysWith: { a, _ in a })
            for type in CaseType.allCases { names[type.rawValue] = catalogue.text(type.catalogueKey, language) }
            return names
        case .channel:
            var names = Dictionary(CaseChannel.allCases.map { ($0.rawValue, catalogue.text($0.catalogueKey, language)) }, uniquingKeysWith: { a, _ in a })
            names["counter"] = catalogue.text("satisfaction.channel.counter", language)
            return names
        }
    }

    /// The CSV a spreadsheet opens: a line per dimension value, suppressed figures left empty.
    func csv() -> String {
        var rows = ["\(dimension.rawValue),respondents,eligible,response_rate,index,margin,stars,share_satisfied,n_answers,suppressed"]
        for line in lines + [Line(key: "total", label: "total", figures: total.figures, suppressed: total.suppressed)] {
            let t = line.figures.tally
            let shown = !line.suppressed
            let cells: [String] = [
                CSV.field(line.label), "\(line.figures.respondents)", "\(line.figures.eligible)",
                shown ? line.figures.responseRate.map { String($0) } ?? "" : "", shown ? t.index.map { String($0) } ?? "" : "",
                shown ? t.indexMargin.map { String($0) } ?? "" : "", shown ? t.stars.map { String($0.stars) } ?? "" : "",
                shown ? t.shareSatisfied.map { String($0) } ?? "" : "", "\(t.responses)", line.suppressed ? "yes" : "no",
            ]
            rows.append(cells.joined(separator: ","))
        }
        return rows.joined(separator: "\r\n") + "\r\n"
    }
}

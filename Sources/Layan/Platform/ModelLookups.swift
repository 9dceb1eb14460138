import Fluent
import Foundation
import Vapor

extension Model where IDValue == UUID {
    /// Every row's `field` by id, for a page that names many at once (a report's branches, a list's owners): one query.
    static func byID<Value>(_ field: KeyPath<Self, Value>, on db: any Database) async throws -> [UUID: Value] {
        Dictionary(try await query(on: db).all().compactMap { row in row.id.map { ($0, row[keyPath: field]) } }, uniquingKeysWith: { a, _ in a })
    }
}

extension Request {
    /// The row the path's `:id` names, or 404 (a malformed id too).
    func found<M: Model>(_ type: M.Type, _ parameter: String = "id") async throws -> M where M.IDValue == UUID {
        guard let id = parameters.get(parameter, as: UUID.self), let row = try await M.find(id, on: db) else { throw Abort(.notFound) }
        return row
    }
}

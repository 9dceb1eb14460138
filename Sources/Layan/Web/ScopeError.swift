import LayanCore
import Vapor

/// A record outside the officer's branch or unit (`RecordScope`): refused the same way on pages and in the API.
struct OutsideScope: CatalogueError {
    var status: HTTPResponseStatus { .forbidden }
    var catalogueKey: String { "error.outsideScope" }
}

/// A role that does not carry the permission a route needs: the reason says what to do, not "Forbidden".
struct NotPermitted: CatalogueError {
    var status: HTTPResponseStatus { .forbidden }
    var catalogueKey: String { "error.notPermitted" }
}

/// Another officer's case: taken over first ("assign to me"), then acted on (`CaseStewardship`).
struct NotYourCase: CatalogueError {
    let assignee: String
    var status: HTTPResponseStatus { .forbidden }
    var catalogueKey: String { "case.error.notYours" }
    var catalogueValues: [String: String] { ["name": assignee] }
}

extension Request {
    /// Whose records this request may act on: a signed-in officer's scope; an integration's token and the system act
    /// agency-wide (a token's reach is its scopes).
    var recordScope: RecordScope { staff?.scope ?? .agency }

    /// Refuses a record of another branch or unit, unless it is the officer's own (assigned to them).
    func requireInScope(branch: UUID?, unit: UUID? = nil, assignee: UUID? = nil) throws {
        if let assignee, assignee == staff?.id { return }
        guard recordScope.allows(branch: branch, unit: unit) else { throw OutsideScope() }
    }
}

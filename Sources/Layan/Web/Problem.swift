import Vapor

/// The JSON error body of the API: `{"error": true, "reason": "…", "fields": {"field": "message"}}`.
public struct Problem: Content, Equatable {
    public var error: Bool
    public var reason: String
    public var fields: [String: String]?
    public var requestId: String?

    public init(reason: String, fields: [String: String]? = nil, requestId: String? = nil) {
        self.error = true
        self.reason = reason
        self.fields = fields
        self.requestId = requestId
    }
}

/// An error whose message comes from the catalogue: the error middleware shows it in the visitor's language
/// on pages, and in both languages in API problem bodies (every visible string comes from the catalogues).
protocol CatalogueError: AbortError {
    var catalogueKey: String { get }
    var catalogueValues: [String: String] { get }
}

extension CatalogueError {
    var catalogueValues: [String: String] { [:] }
    /// Used only when no catalogue is at hand (logs).
    var reason: String { catalogueKey }
}

/// A request that failed validation: one message per field, for a form or a problem body.
public struct ValidationFailure: AbortError {
    public var status: HTTPResponseStatus
    public var fieldErrors: [String: String]
    public var reason: String

    public init(_ fieldErrors: [String: String], reason: String = "Invalid input", status: HTTPResponseStatus = .unprocessableEntity) {
        self.status = status
        self.fieldErrors = fieldErrors
        self.reason = reason
    }
}

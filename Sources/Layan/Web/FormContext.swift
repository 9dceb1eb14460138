import Vapor

/// What a form page needs besides its own data: the CSRF token, the values typed (so a failed submit
/// keeps them) and one message per field, also listed in the error summary at the top.
struct FormContext: Encodable, Sendable {
    struct FieldMessage: Encodable, Sendable {
        let field: String
        /// The field's label, so the summary says which field each message is about (GOV.UK error summary).
        let label: String?
        let message: String
    }

    var csrf: String
    var values: [String: String]
    var errors: [String: String]
    var errorList: [FieldMessage]
    var hasErrors: Bool { !errors.isEmpty }

    init(csrf: String, values: [String: String] = [:], errors: [String: String] = [:], order: [String] = [], labels: [String: String] = [:]) {
        self.csrf = csrf
        self.values = values
        self.errors = errors
        // The summary lists fields in the order the form shows them.
        let ordered = order.filter { errors[$0] != nil } + errors.keys.filter { !order.contains($0) }.sorted()
        self.errorList = ordered.map { FieldMessage(field: $0, label: labels[$0], message: errors[$0]!) }
    }

    enum CodingKeys: String, CodingKey { case csrf, values, errors, errorList, hasErrors }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(csrf, forKey: .csrf)
        try container.encode(values, forKey: .values)
        try container.encode(errors, forKey: .errors)
        try container.encode(errorList, forKey: .errorList)
        try container.encode(hasErrors, forKey: .hasErrors)
    }
}

/// A form's fields in the order it shows them, each with the catalogue key of its label: the error summary lists
/// the problems in that order and names each field (GOV.UK error summary).
struct FormFields: Sendable {
    let fields: [(name: String, labelKey: String)]

    init(_ fields: (String, String)...) { self.fields = fields.map { (name: $0.0, labelKey: $0.1) } }
    private init(fields: [(name: String, labelKey: String)]) { self.fields = fields }

    func followed(by other: FormFields) -> FormFields { FormFields(fields: fields + other.fields) }

    var order: [String] { fields.map(\.name) }
    func labels(_ req: Request) -> [String: String] {
        Dictionary(fields.map { ($0.name, req.t($0.labelKey)) }, uniquingKeysWith: { first, _ in first })
    }
}

extension Request {
    /// A refilled form with its problems, listed in the form's order and named by their labels.
    func form(values: [String: String] = [:], errors: [String: String], fields: FormFields) async throws -> FormContext {
        try await form(values: values, errors: errors, order: fields.order, labels: fields.labels(self))
    }

    /// A blank or refilled form context for this request.
    func form(values: [String: String] = [:], errors: [String: String] = [:], order: [String] = [], labels: [String: String] = [:]) async throws -> FormContext {
        FormContext(csrf: try await csrfToken(), values: values, errors: errors, order: order, labels: labels)
    }

    /// Renders a page with a status other than 200 (a form with errors, 401, 429, …).
    func render(_ template: String, _ context: some Encodable & Sendable, status: HTTPResponseStatus = .ok) async throws -> Response {
        let response = try await view.render(template, context).encodeResponse(for: self)
        response.status = status
        return response
    }

    /// Redirect after a successful POST (303, so the browser GETs the next page).
    func seeOther(_ path: String) -> Response { redirect(to: path, redirectType: .normal) }

    /// The form fields of an urlencoded or multipart body as trimmed strings; unreadable bodies give none.
    func formFields() -> [String: String] {
        guard let fields = try? content.decode([String: String].self) else { return [:] }
        return fields.mapValues { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    }
}

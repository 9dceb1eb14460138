import LayanCore
import Vapor

/// Collects one message per field while a handler checks a submitted form, in the visitor's language.
struct FormValidator {
    let request: Request
    let fields: [String: String]
    private(set) var errors: [String: String] = [:]

    init(_ request: Request, fields: [String: String]? = nil) {
        self.request = request
        self.fields = fields ?? request.formFields()
    }

    var isValid: Bool { errors.isEmpty }

    mutating func fail(_ field: String, _ key: String, _ values: [String: String] = [:]) {
        if errors[field] == nil { errors[field] = request.t(key, values) }
    }

    /// A required text of at most `max` characters; markup is allowed (it is always shown escaped).
    mutating func text(_ field: String, max: Int = 200, required: Bool = true) -> String? {
        let value = fields[field] ?? ""
        if let problem = Self.textProblem(value, max: max, required: required) {
            fail(field, problem, ["max": "\(max)"])
            return nil
        }
        return value.isEmpty ? nil : value
    }

    /// The catalogue key of what is wrong with a text field, or nil: empty when required, too long, or holding
    /// control characters other than line breaks and tabs. Forms and the API check text the same way.
    static func textProblem(_ value: String, max: Int, required: Bool) -> String? {
        if value.isEmpty { return required ? "form.error.required" : nil }
        if value.count > max { return "form.error.tooLong" }
        // Unicode's control category (Cc) is exactly U+0000–001F and U+007F–009F: compared by value, not looked up per scalar.
        if value.unicodeScalars.contains(where: { ($0.value < 0x20 || (0x7F...0x9F).contains($0.value)) && $0 != "\n" && $0 != "\r" && $0 != "\t" }) {
            return "form.error.invalidCharacters"
        }
        return nil
    }

    /// A code of letters and digits, upper-cased.
    mutating func code(_ field: String, length: ClosedRange<Int> = 2...10) -> String? {
        guard let value = text(field, max: length.upperBound)?.uppercased() else { return nil }
        guard length.contains(value.count), value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            fail(field, "form.error.code", ["min": "\(length.lowerBound)", "max": "\(length.upperBound)"])
            return nil
        }
        return value
    }

    mutating func email(_ field: String) -> String? {
        guard let value = text(field, max: 254) else { return nil }
        guard let email = EmailAddress.normalised(value) else { fail(field, "form.error.email"); return nil }
        return email
    }

    /// Digits, spaces, "+" and "-" only: a Malaysian phone number as people write it.
    mutating func phone(_ field: String, required: Bool = false) -> String? {
        guard let value = text(field, max: 30, required: required) else { return nil }
        guard Self.isPhone(value) else {
            fail(field, "form.error.phone")
            return nil
        }
        return value
    }

    /// Digits, spaces, "+", "-" and brackets, at most 30 characters, with enough digits to dial.
    static func isPhone(_ value: String, minimumDigits: Int = 4) -> Bool {
        value.count <= 30 && value.allSatisfy({ $0.isNumber || " +-()".contains($0) }) && value.filter(\.isNumber).count >= minimumDigits
    }

    mutating func choice<T: RawRepresentable>(_ field: String, as type: T.Type, required: Bool = true) -> T? where T.RawValue == String {
        let value = fields[field] ?? ""
        if value.isEmpty { if required { fail(field, "form.error.choose") }; return nil }
        guard let parsed = T(rawValue: value) else { fail(field, "form.error.choose"); return nil }
        return parsed
    }

    mutating func uuid(_ field: String, required: Bool = false) -> UUID? {
        let value = fields[field] ?? ""
        if value.isEmpty { if required { fail(field, "form.error.choose") }; return nil }
        guard let id = UUID(uuidString: value) else { fail(field, "form.error.choose"); return nil }
        return id
    }

    mutating func date(_ field: String) -> LocalDate? {
        guard let value = text(field, max: 10) else { return nil }
        guard let date = LocalDate(value) else { fail(field, "form.error.date"); return nil }
        return date
    }
}

/// An `<option>` or checkbox: value, label and whether it is chosen.
struct Choice: Encodable, Sendable {
    let value: String
    let label: String
    let selected: Bool
}

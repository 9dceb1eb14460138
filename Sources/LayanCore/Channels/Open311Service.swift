import Foundation

/// One extra field of an Open311 service definition (GeoReport v2 `attribute`).
public struct Open311Attribute: Codable, Sendable, Equatable {
    public enum Datatype: String, Codable, Sendable, CaseIterable {
        case string, number, datetime, text, singlevaluelist, multivaluelist
        public var isList: Bool { self == .singlevaluelist || self == .multivaluelist }
    }

    public struct Value: Codable, Sendable, Equatable {
        public var key: String
        public var name: String
        public init(key: String, name: String) { (self.key, self.name) = (key, name) }
    }

    public var code: String
    /// False: the attribute only shows the client some text; it takes no answer.
    public var variable: Bool
    public var datatype: Datatype
    public var required: Bool
    public var datatypeDescription: String?
    public var order: Int
    public var description: String
    public var values: [Value]

    public init(code: String, variable: Bool = true, datatype: Datatype, required: Bool, datatypeDescription: String? = nil,
                order: Int, description: String, values: [Value] = []) {
        self.code = code; self.variable = variable; self.datatype = datatype; self.required = required
        self.datatypeDescription = datatypeDescription; self.order = order; self.description = description; self.values = values
    }

    /// Longest answers kept: a `string` is one line, a `text` as long as the spec's description.
    public static let stringLimit = 250
    public static let textLimit = 4000

    /// The attribute as the service definition shows it.
    public var document: Open311Value {
        var fields: [(String, Open311Value)] = [
            ("variable", .bool(variable)), ("code", .text(code)), ("datatype", .text(datatype.rawValue)), ("required", .bool(required)),
            ("datatype_description", .optional(datatypeDescription)), ("order", .integer(order)), ("description", .text(description)),
        ]
        if datatype.isList {
            fields.append(("values", .list(element: "value", values.map { .object([("key", .text($0.key)), ("name", .text($0.name))]) })))
        }
        return .object(fields)
    }

    /// The problem with an answer to this attribute, in the spec's words; nil when it may be filed.
    public func problem(with answers: [String]) -> String? {
        let given = answers.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        guard variable else { return given.isEmpty ? nil : "attribute[\(code)] takes no value" }
        if given.isEmpty { return required ? "attribute[\(code)] is required" : nil }
        if datatype != .multivaluelist && given.count > 1 { return "attribute[\(code)] takes one value" }
        for answer in given {
            switch datatype {
            case .string where answer.count > Self.stringLimit, .text where answer.count > Self.textLimit:
                return "attribute[\(code)] is too long"
            case .number where Double(answer).map({ !$0.isFinite }) ?? true:
                return "attribute[\(code)] must be a number"
            case .datetime where W3CDateTime.parse(answer) == nil:
                return "attribute[\(code)] must be a date and time in ISO 8601 with a time zone"
            case .singlevaluelist, .multivaluelist:
                if !values.contains(where: { $0.key == answer }) { return "attribute[\(code)] has no value \(answer)" }
            default: continue
            }
        }
        return nil
    }

    /// What is wrong with the attribute as an administrator set it up; nil when it may be published.
    public var setUpProblem: String? {
        if !Self.isCode(code) { return "open311.error.attributeCode" }
        if description.trimmingCharacters(in: .whitespaces).isEmpty { return "open311.error.attributeDescription" }
        if datatype.isList {
            if values.isEmpty { return "open311.error.attributeValues" }
            if Set(values.map(\.key)).count != values.count { return "open311.error.attributeValues" }
        }
        return nil
    }

    /// A code an Open311 client can put in `attribute[CODE]`: letters, digits, `_`, `-` and `.`, up to 64.
    public static func isCode(_ code: String) -> Bool {
        !code.isEmpty && code.count <= 64 && code.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) && $0.isASCII || "_-.".unicodeScalars.contains($0) }
    }
}

/// The values a submitted request gives its service's attributes, checked against the definition.
public enum Open311Answers {
    /// The answers by code, or the spec's 400 naming every problem. An answer to a code the service does not
    /// define is refused, so a client with a stale definition hears of it instead of losing what it sent.
    public static func check(_ submitted: [String: [String]], against attributes: [Open311Attribute]) -> Result<[String: [String]], Open311Error> {
        var problems: [String] = []
        let known = Set(attributes.map(\.code))
        for code in submitted.keys.sorted() where !known.contains(code) { problems.append("attribute[\(code)] is not an attribute of this service") }
        var answers: [String: [String]] = [:]
        for attribute in attributes.sorted(by: { $0.order < $1.order }) {
            let given = submitted[attribute.code] ?? []
            if let problem = attribute.problem(with: given) { problems.append(problem); continue }
            let kept = given.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
            if attribute.variable && !kept.isEmpty { answers[attribute.code] = kept }
        }
        return problems.isEmpty ? .success(answers) : .failure(Open311Error(400, all: problems))
    }
}

/// Dates as GeoReport v2 writes them: the W3C profile of ISO 8601, always with a zone (`Z` or `±HH:MM`).
public enum W3CDateTime {
    /// Reads `2026-12-03T08:15:30+08:00`, `…Z`, with or without fractional seconds; nil without a zone.
    public static func parse(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.count <= 40 else { return nil }
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        if let date = plain.date(from: trimmed) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: trimmed)
    }

    /// Malaysian time with its offset (`2026-12-03T16:15:30+08:00`): what the agency's clocks say.
    public static func format(_ date: Date) -> String {
        let offset = MalaysianTime.secondsFromGMT(for: date)
        let c = utc.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date.addingTimeInterval(Double(offset)))
        let sign = offset < 0 ? "-" : "+"
        let zone = sign + (abs(offset) / 3600).zeroPadded(2) + ":" + (abs(offset) % 3600 / 60).zeroPadded(2)
        return c.year!.zeroPadded(4) + "-" + c.month!.zeroPadded(2) + "-" + c.day!.zeroPadded(2) + "T" + c.hour!.zeroPadded(2) + ":"
            + c.minute!.zeroPadded(2) + ":" + c.second!.zeroPadded(2) + zone
    }

    private static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        return calendar
    }()
}

/// A service's attributes as administrators type them, one per line:
/// `code | datatype | required or optional | description | key=Name; key=Name` (the values only for lists).
/// The line's place is the attribute's `order`, so moving a line reorders the form clients show.
public enum Open311AttributeLines {
    public struct Problem: Error, Equatable, Sendable {
        public let line: Int
        public let catalogueKey: String
    }

    public static func parse(_ text: String) -> Result<[Open311Attribute], Problem> {
        var attributes: [Open311Attribute] = []
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        for (index, line) in lines.enumerated() where !line.isEmpty {
            let number = index + 1
            let parts = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count >= 4, parts.count <= 5 else { return .failure(Problem(line: number, catalogueKey: "open311.error.attributeLine")) }
            guard let datatype = Open311Attribute.Datatype(rawValue: parts[1].lowercased()) else {
                return .failure(Problem(line: number, catalogueKey: "open311.error.attributeDatatype"))
            }
            let flag = parts[2].lowercased()
            guard ["required", "optional", "info"].contains(flag) else { return .failure(Problem(line: number, catalogueKey: "open311.error.attributeRequired")) }
            var values: [Open311Attribute.Value] = []
            if parts.count == 5 {
                for item in parts[4].split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
                    let pair = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                    guard pair.count == 2, !pair[0].isEmpty, !pair[1].isEmpty else {
                        return .failure(Problem(line: number, catalogueKey: "open311.error.attributeValues"))
                    }
                    values.append(.init(key: pair[0], name: pair[1]))
                }
            }
            if !datatype.isList && !values.isEmpty { return .failure(Problem(line: number, catalogueKey: "open311.error.attributeValuesNotList")) }
            let attribute = Open311Attribute(code: parts[0], variable: flag != "info", datatype: datatype, required: flag == "required",
                                             order: attributes.count + 1, description: parts[3], values: values)
            if let problem = attribute.setUpProblem { return .failure(Problem(line: number, catalogueKey: problem)) }
            if attributes.contains(where: { $0.code == attribute.code }) { return .failure(Problem(line: number, catalogueKey: "open311.error.attributeTwice")) }
            attributes.append(attribute)
        }
        return .success(attributes)
    }

    public static func text(of attributes: [Open311Attribute]) -> String {
        attributes.sorted { $0.order < $1.order }.map { attribute in
            var parts = [attribute.code, attribute.datatype.rawValue, !attribute.variable ? "info" : attribute.required ? "required" : "optional", attribute.description]
            if attribute.datatype.isList { parts.append(attribute.values.map { "\($0.key)=\($0.name)" }.joined(separator: "; ")) }
            return parts.joined(separator: " | ")
        }.joined(separator: "\n")
    }
}

import Foundation

/// The format an Open311 client asks for by the resource's extension (`services.xml`, `requests/1.json`).
/// GeoReport v2: XML is required, JSON optional; we serve both.
public enum Open311Format: String, Sendable, CaseIterable {
    case json, xml

    public var contentType: String { self == .json ? "application/json; charset=utf-8" : "text/xml; charset=utf-8" }
    /// The MIME type named in the discovery document's `formats`.
    public var mimeType: String { self == .json ? "application/json" : "text/xml" }

    /// A resource name with its extension split off: `"ADU-01.json"` → `("ADU-01", .json)`; nil without a known one.
    public static func split(_ file: String) -> (name: String, format: Open311Format)? {
        guard let dot = file.lastIndex(of: ".") else { return nil }
        guard let format = Open311Format(rawValue: file[file.index(after: dot)...].lowercased()) else { return nil }
        return (String(file[..<dot]), format)
    }
}

/// One Open311 answer as a tree, written as JSON or XML from the same values, so the two formats cannot disagree.
/// Lists name their XML element (`<services><service>…`); JSON has no such names.
public indirect enum Open311Value: Sendable, Equatable {
    case object([(String, Open311Value)])
    case list(element: String, [Open311Value])
    case text(String)
    case number(Double)
    case integer(Int)
    case bool(Bool)
    case null

    public static func == (a: Open311Value, b: Open311Value) -> Bool { a.json == b.json }

    /// A text that may be missing: `null` in JSON, an empty element in XML.
    public static func optional(_ text: String?) -> Open311Value { text.map(Open311Value.text) ?? .null }

    // MARK: JSON

    public var json: String {
        var out = ""
        writeJSON(into: &out)
        return out
    }

    private func writeJSON(into out: inout String) {
        switch self {
        case let .object(fields):
            out += "{"
            for (i, (name, value)) in fields.enumerated() {
                if i > 0 { out += "," }
                Self.writeJSONString(name, into: &out)
                out += ":"
                value.writeJSON(into: &out)
            }
            out += "}"
        case let .list(_, items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                item.writeJSON(into: &out)
            }
            out += "]"
        case let .text(text): Self.writeJSONString(text, into: &out)
        case let .number(number): out += number.isFinite ? Self.decimal(number) : "null"
        case let .integer(number): out += String(number)
        case let .bool(flag): out += flag ? "true" : "false"
        case .null: out += "null"
        }
    }

    /// Coordinates as plain decimals ("3.139", never "3.139e+00").
    static func decimal(_ number: Double) -> String {
        if number == number.rounded(), abs(number) < 1e15 { return String(Int(number)) }
        return "\(number)"
    }

    static func writeJSONString(_ text: String, into out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            // U+2028/2029 end a line in JavaScript; escaped so the answer is safe inside a script too.
            case _ where scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029:
                out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }

    // MARK: XML

    /// The whole document: the declaration the spec asks for, then the root element.
    public func xml(root: String) -> String {
        var out = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
        writeXML(named: root, into: &out)
        return out
    }

    private func writeXML(named name: String, into out: inout String) {
        switch self {
        case .null:
            out += "<\(name)/>"
            return
        case let .text(text) where text.isEmpty:
            out += "<\(name)/>"
            return
        default: break
        }
        out += "<\(name)>"
        switch self {
        case let .object(fields):
            for (field, value) in fields { value.writeXML(named: field, into: &out) }
        case let .list(element, items):
            for item in items { item.writeXML(named: element, into: &out) }
        case let .text(text): Self.writeXMLText(text, into: &out)
        case let .number(number): out += number.isFinite ? Self.decimal(number) : ""
        case let .integer(number): out += String(number)
        case let .bool(flag): out += flag ? "true" : "false"
        case .null: break
        }
        out += "</\(name)>"
    }

    static func writeXMLText(_ text: String, into out: inout String) {
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            // XML 1.0 cannot carry other control characters at all, even escaped: they are left out.
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF: continue
            default: out.unicodeScalars.append(scalar)
            }
        }
    }
}

/// The spec's error answer: a list of `code` + `description`, with the HTTP status of the first.
public struct Open311Error: Error, Sendable, Equatable {
    public var status: Int
    public var descriptions: [String]

    public init(_ status: Int, _ descriptions: String...) { self.status = status; self.descriptions = descriptions }
    public init(_ status: Int, all descriptions: [String]) { self.status = status; self.descriptions = descriptions }

    public var document: Open311Value {
        .list(element: "error", descriptions.map { .object([("code", .integer(status)), ("description", .text($0))]) })
    }

    public static let rootElement = "errors"
}

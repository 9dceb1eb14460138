import Vapor

/// CSV as a spreadsheet opens it (RFC 4180 with CRLF), one place for every export.
enum CSV {
    /// A text field, quoted; a leading = + - @ is neutralised, since a spreadsheet would run it as a formula.
    static func field(_ text: String) -> String {
        let safe = text.first.map { "=+-@".contains($0) } == true ? "'" + text : text
        return "\"" + safe.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// The download: UTF-8 CSV under `filename`.
    static func response(_ body: String, filename: String) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        headers.add(name: .contentDisposition, value: "attachment; filename=\"\(filename)\"")
        return Response(status: .ok, headers: headers, body: .init(string: body))
    }
}

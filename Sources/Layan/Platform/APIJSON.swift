import Foundation
import NIOFoundationCompat
import Vapor

/// JSON in and out of the API's busiest routes (ticket issue, case creation) without Vapor's content lookup:
/// parsing the media type and finding its coder cost about as much as the coding itself (docs/benchmarks.md).
/// Same coders as `configure` registers (ISO 8601 dates), same errors; a body that is not JSON goes Vapor's way.
enum APIJSON {
    static let decoder = JSONDecoder.custom(dates: .iso8601)
    static let encoder = JSONEncoder.custom(dates: .iso8601)

    static func isJSON(_ contentType: String) -> Bool {
        let type = contentType.prefix { $0 != ";" }.trimmingCharacters(in: .whitespaces)
        return type.caseInsensitiveCompare("application/json") == .orderedSame
    }
}

extension Request {
    /// The body as `T`, read as JSON.
    func decodeJSONBody<T: Decodable>(_ type: T.Type) throws -> T {
        guard let body = body.data, let contentType = headers.first(name: .contentType), APIJSON.isJSON(contentType) else {
            return try content.decode(T.self)
        }
        return try APIJSON.decoder.decode(T.self, from: body)
    }
}

extension Encodable {
    /// A JSON response of this value, as `encodeResponse` would make it.
    func jsonResponse(status: HTTPStatus = .ok) throws -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: status, headers: headers, body: .init(buffer: try APIJSON.encoder.encodeAsByteBuffer(self, allocator: .init())))
    }
}

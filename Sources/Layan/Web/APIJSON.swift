import Foundation
import NIOFoundationCompat
import Vapor

/// JSON in and out of the API's busiest routes (ticket issue, case creation) without Vapor's content lookup:
/// parsing the media type and finding its coder cost about as much as the coding itself (docs/benchmarks.md).
/// The same coders `configure` registers for every route (ISO 8601 dates, as the OpenAPI document says), same
/// errors; a body that is not JSON goes Vapor's way.
enum APIJSON {
    static let decoder = JSONDecoder.custom(dates: .iso8601)
    static let encoder = JSONEncoder.custom(dates: .iso8601)

    private static let json = Array("application/json".utf8)

    /// `application/json`, in any case, with or without parameters; compared as bytes (Foundation's trimming and
    /// case-insensitive comparison showed in the profile).
    static func isJSON(_ contentType: String) -> Bool {
        var type = contentType.utf8.prefix { $0 != UInt8(ascii: ";") }[...]
        while type.first == UInt8(ascii: " ") { type = type.dropFirst() }
        while type.last == UInt8(ascii: " ") { type = type.dropLast() }
        return type.count == json.count && zip(type, json).allSatisfy { (65 ... 90 ~= $0 ? $0 + 32 : $0) == $1 }
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

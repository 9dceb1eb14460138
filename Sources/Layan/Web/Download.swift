import Foundation
import Vapor

extension Response {
    /// A stored file sent as a download, so a browser never renders it in Layan's origin: its type as stored (or
    /// binary), an ASCII file name without quotes in the header, and no type sniffing.
    static func download(_ data: Data, contentType: String, fileName: String) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType.parse(contentType) ?? .binary
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(fileName.filter { $0.isASCII && $0 != "\"" })\"")
        headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        return Response(status: .ok, headers: headers, body: .init(data: data))
    }
}

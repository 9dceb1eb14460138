import NIOCore

/// The answers the front door gives itself, before a request reaches the server: an RFC 9457 problem body, in both
/// languages because the front door cannot know the visitor's, and `Connection: close`.
struct GuardAnswer: Sendable {
    let status: Int
    let reason: String
    let detail: String
    var retryAfter: Int? = nil

    static let headTimeout = GuardAnswer(status: 408, reason: "Request Timeout",
                                         detail: "Permintaan tidak lengkap dalam masa yang dibenarkan. / The request was not sent in time.")
    static let uriTooLong = GuardAnswer(status: 414, reason: "URI Too Long",
                                        detail: "Alamat permintaan terlalu panjang. / The request line is too long.")
    static let headTooLarge = GuardAnswer(status: 431, reason: "Request Header Fields Too Large",
                                          detail: "Pengepala permintaan terlalu besar. / The request's header fields are too large.")
    static let tooManyConnections = GuardAnswer(status: 503, reason: "Service Unavailable",
                                                detail: "Terlalu banyak sambungan dari alamat anda. / Too many connections from your address.",
                                                retryAfter: 10)

    func response(allocator: ByteBufferAllocator) -> ByteBuffer {
        let body = #"{"type":"about:blank","title":"\#(reason)","status":\#(status),"detail":"\#(detail)"}"#
        var head = "HTTP/1.1 \(status) \(reason)\r\nContent-Type: application/problem+json; charset=utf-8\r\n"
        head += "Content-Length: \(body.utf8.count)\r\nConnection: close\r\nCache-Control: no-store\r\n"
        if let retryAfter { head += "Retry-After: \(retryAfter)\r\n" }
        return allocator.buffer(string: head + "\r\n" + body)
    }
}

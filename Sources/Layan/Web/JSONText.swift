import Foundation
import LayanCore
import LayanStorage
import Vapor

/// JSON written straight into bytes, for the API's busiest answers (a page of cases, a new case): the text
/// `APIJSON.encoder` would give (ISO 8601 dates in UTC, nil fields left out), without the Codable machinery, which
/// cost a fifth of a page of cases (perf). A test checks it against the encoder.
struct JSONText {
    private(set) var bytes: [UInt8] = []
    private var first = true

    init(capacity: Int = 1024) { bytes.reserveCapacity(capacity) }

    mutating func object(_ body: (inout JSONText) -> Void) {
        bytes.append(UInt8(ascii: "{"))
        let outer = first
        first = true
        body(&self)
        first = outer
        bytes.append(UInt8(ascii: "}"))
    }

    mutating func array<Items: Sequence>(_ name: String, _ items: Items, _ each: (inout JSONText, Items.Element) -> Void) {
        key(name)
        bytes.append(UInt8(ascii: "["))
        for (index, item) in items.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            each(&self, item)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    mutating func object(_ name: String, _ body: (inout JSONText) -> Void) {
        key(name)
        object(body)
    }

    /// Left out when nil, as the encoder leaves out a nil optional.
    mutating func array<Items: Sequence>(_ name: String, _ items: Items?, _ each: (inout JSONText, Items.Element) -> Void) {
        guard let items else { return }
        array(name, items, each)
    }

    mutating func field(_ name: String, _ value: Bool?) {
        guard let value else { return }
        key(name)
        bytes += (value ? "true" : "false").utf8
    }

    mutating func field(_ name: String, _ value: Int?) {
        guard let value else { return }
        key(name)
        bytes += String(value).utf8
    }

    mutating func field(_ name: String, _ value: Date?) {
        guard let value else { return }
        field(name, value)
    }

    mutating func field(_ name: String, _ value: String?) {
        guard let value else { return }
        key(name)
        string(value)
    }

    mutating func field(_ name: String, _ value: UUID?) {
        guard let value else { return }
        key(name)
        bytes.append(UInt8(ascii: "\""))
        bytes += value.storedText.utf8  // as JSONEncoder writes a UUID: upper case, with hyphens
        bytes.append(UInt8(ascii: "\""))
    }

    /// As `.iso8601`: UTC, whole seconds.
    mutating func field(_ name: String, _ value: Date) {
        key(name)
        let seconds = Int(value.timeIntervalSince1970.rounded(.down))
        let (days, time) = (seconds.floorDivided(by: 86_400), seconds.floorModulo(86_400))
        bytes.append(UInt8(ascii: "\""))
        bytes += LocalDate(dayNumber: days).iso.utf8
        bytes.append(UInt8(ascii: "T"))
        twoDigits(time / 3600)
        bytes.append(UInt8(ascii: ":"))
        twoDigits(time / 60 % 60)
        bytes.append(UInt8(ascii: ":"))
        twoDigits(time % 60)
        bytes += "Z\"".utf8
    }

    private mutating func twoDigits(_ value: Int) {
        bytes.append(UInt8(ascii: "0") + UInt8(value / 10))
        bytes.append(UInt8(ascii: "0") + UInt8(value % 10))
    }

    private mutating func key(_ name: String) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
        string(name)
        bytes.append(UInt8(ascii: ":"))
    }

    private static let hex = Array("0123456789abcdef".utf8)

    /// RFC 8259 §7: the quote, the backslash and control characters escaped; everything else as UTF-8.
    private mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes += "\\\"".utf8
            case UInt8(ascii: "\\"): bytes += "\\\\".utf8
            case 0x0A: bytes += "\\n".utf8
            case 0x0D: bytes += "\\r".utf8
            case 0x09: bytes += "\\t".utf8
            case 0..<0x20: bytes += "\\u00".utf8; bytes.append(Self.hex[Int(byte >> 4)]); bytes.append(Self.hex[Int(byte & 0xF)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

private extension Int {
    func floorDivided(by divisor: Int) -> Int { (self - floorModulo(divisor)) / divisor }
    func floorModulo(_ divisor: Int) -> Int { ((self % divisor) + divisor) % divisor }
}

/// A value the API answers with, written by `JSONText` rather than the encoder.
protocol JSONWritable {
    var json: [UInt8] { get }
}

extension JSONWritable {
    func writtenResponse(status: HTTPStatus = .ok) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: status, headers: headers, body: .init(buffer: ByteBuffer(bytes: json)))
    }
}

import Crypto
import Foundation

/// The link a customer gets to rate a resolved case (issue #20: signed, single-use, expiring): the survey's id and
/// its expiry, signed with HMAC-SHA256, so a link cannot be made up, pointed at another case or kept alive. Single
/// use is the store's part (a survey is answered once).
public struct SurveyLink: Sendable {
    let key: SymmetricKey

    public init(key: SymmetricKey) { self.key = key }

    public func token(for id: UUID, expires: Date) -> String {
        let payload = Self.payload(id, expires)
        return Self.base64URL(payload) + "." + Self.base64URL(Data(HMAC<SHA256>.authenticationCode(for: payload, using: key)))
    }

    public enum Check: Sendable, Equatable {
        case valid(UUID)
        case expired(UUID)
        case invalid
    }

    public func check(_ token: String, now: Date) -> Check {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let payload = Self.data(base64URL: String(parts[0])), payload.count == 24,
              let mac = Self.data(base64URL: String(parts[1])),
              HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: payload, using: key) else { return .invalid }
        let id = payload.prefix(16).withUnsafeBytes { UUID(uuid: $0.load(as: uuid_t.self)) }
        let seconds = payload.suffix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return Double(seconds) > now.timeIntervalSince1970 ? .valid(id) : .expired(id)
    }

    static func payload(_ id: UUID, _ expires: Date) -> Data {
        var data = withUnsafeBytes(of: id.uuid) { Data($0) }
        let seconds = UInt64(max(0, expires.timeIntervalSince1970.rounded(.down)))
        for shift in stride(from: 56, through: 0, by: -8) { data.append(UInt8(truncatingIfNeeded: seconds >> UInt64(shift))) }
        return data
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func data(base64URL text: String) -> Data? {
        guard text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}

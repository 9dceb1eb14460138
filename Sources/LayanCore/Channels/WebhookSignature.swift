import Crypto
import Foundation

/// How each messaging provider signs the webhooks it sends, so a forged message is refused before anything is
/// stored. The algorithms and test vectors are the providers' own (`../shared/references.md`).
public enum WebhookSignature {
    /// Twilio: Base64(HMAC-SHA1(auth token, the full public URL + every POST parameter's name and value, sorted by
    /// name)). The URL must be the one Twilio called — behind a proxy, the configured public URL, not ours.
    public static func twilio(authToken: String, url: String, parameters: [(name: String, value: String)]) -> String {
        var signed = url
        // Sorted by name; repeats keep their order (Twilio sorts stably by name).
        for (name, value) in parameters.enumerated().sorted(by: { ($0.element.name, $0.offset) < ($1.element.name, $1.offset) }).map(\.element) {
            signed += name + value
        }
        let code = HMAC<Insecure.SHA1>.authenticationCode(for: Data(signed.utf8), using: SymmetricKey(data: Data(authToken.utf8)))
        return Data(code).base64EncodedString()
    }

    /// Meta (WhatsApp Cloud API, Messenger): `sha256=` + hex HMAC-SHA256(app secret, the raw body bytes).
    public static func meta(appSecret: String, body: [UInt8]) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(appSecret.utf8)))
        return "sha256=" + code.map { String($0, radix: 16).leftPadded(2) }.joined()
    }

    /// X Account Activity: `sha256=` + Base64(HMAC-SHA256(consumer secret, the bytes)) — the CRC answer and POSTs.
    public static func x(consumerSecret: String, bytes: [UInt8]) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: bytes, using: SymmetricKey(data: Data(consumerSecret.utf8)))
        return "sha256=" + Data(code).base64EncodedString()
    }

    /// Compares in time that does not depend on where the texts differ, so a forger learns nothing from timing.
    public static func matches(_ given: String, _ expected: String) -> Bool {
        let a = Array(given.utf8), b = Array(expected.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}

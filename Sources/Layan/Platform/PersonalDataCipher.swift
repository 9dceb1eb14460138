import Crypto
import Foundation
import Vapor

/// Identity document numbers encrypted at rest (PKPA 1/2008, security: customers' information stays with authorised
/// staff; issue 15, item 5): AES-256-GCM with a key from configuration
/// (`LAYAN_DATA_KEY`, or a key file made beside the SQLite database on first start), stored as `v1:` and the base64 of
/// nonce, ciphertext and tag. A value without the prefix was written before encryption and reads as it is until the
/// migration seals it (`EncryptIdentityNumbers`).
struct PersonalDataCipher: Sendable {
    static let prefix = "v1:"
    let key: SymmetricKey

    init(key: SymmetricKey) { self.key = key }

    /// The key from its 32 bytes in base64; nil for anything else.
    init?(base64 text: String) {
        guard let bytes = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), bytes.count == 32 else { return nil }
        key = SymmetricKey(data: bytes)
    }

    func seal(_ text: String) -> String {
        // AES-GCM fails only on a key or nonce of the wrong size; both are fixed here (256-bit key, default 12-byte nonce).
        guard let combined = (try? AES.GCM.seal(Data(text.utf8), using: key))?.combined else {
            preconditionFailure("AES-256-GCM with a random 12-byte nonce cannot fail to seal")
        }
        return Self.prefix + combined.base64EncodedString()
    }

    /// The stored text read back; legacy plain text as it is; nil when it cannot be opened (another key).
    func open(_ stored: String) -> String? {
        guard stored.hasPrefix(Self.prefix) else { return stored }
        guard let combined = Data(base64Encoded: String(stored.dropFirst(Self.prefix.count))),
              let box = try? AES.GCM.SealedBox(combined: combined), let plain = try? AES.GCM.open(box, using: key) else { return nil }
        return String(decoding: plain, as: UTF8.self)
    }

    /// The key in force: the configured one, else the key file (made, readable by its owner only, when missing).
    static func configured(_ settings: AppSettings) throws -> PersonalDataCipher {
        if let text = settings.dataKey {
            guard let cipher = PersonalDataCipher(base64: text) else { throw SettingsError.invalid("LAYAN_DATA_KEY", "(not 32 bytes in base64)") }
            return cipher
        }
        let path = settings.dataKeyFile
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            guard let cipher = PersonalDataCipher(base64: text) else { throw SettingsError.invalid("key file \(path)", "(not 32 bytes in base64)") }
            return cipher
        }
        let key = SymmetricKey(size: .bits256)
        let text = key.withUnsafeBytes { Data($0).base64EncodedString() }
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: path, contents: Data((text + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
            throw SettingsError.invalid("key file \(path)", "(cannot be written)")
        }
        return PersonalDataCipher(key: key)
    }
}

extension Application {
    private struct CipherKey: StorageKey { typealias Value = PersonalDataCipher }

    /// Set in `configure`.
    var personalDataCipher: PersonalDataCipher {
        get { storage[CipherKey.self]! }
        set { storage[CipherKey.self] = newValue }
    }
}

/// Staff passwords: at least 12 characters, and no more than Bcrypt's 72 bytes (beyond which Bcrypt
/// silently ignores the rest, so a longer password would be weaker than it looks).
public enum PasswordPolicy {
    public static let minimumCharacters = 12
    public static let maximumBytes = 72

    public enum Problem: String, Sendable, Equatable {
        case tooShort = "password.tooShort"
        case tooLong = "password.tooLong"
    }

    public static func problem(with password: String) -> Problem? {
        if password.count < minimumCharacters { return .tooShort }
        if password.utf8.count > maximumBytes { return .tooLong }
        return nil
    }
}

/// A pragmatic e-mail check: one "@", something before it, a dotted domain after it, no spaces or
/// markup. Real validity is proven by delivery, not by a pattern.
public enum EmailAddress {
    private static let forbiddenInAddress = Set(" \t<>()[]\\,;:\"'")

    public static func normalised(_ raw: String) -> String? {
        let email = raw.trimmed.lowercased()
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard email.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[0].count <= 64 else { return nil }
        let domain = parts[1]
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty && $0.count <= 63 }) else { return nil }
        guard !email.contains(where: { forbiddenInAddress.contains($0) }) else { return nil }
        guard domain.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." }) else { return nil }
        return email
    }
}

/// What a customer or officer may attach to a case: PDF, JPEG or PNG, known by their first bytes (never by the
/// name or the type the browser claims), up to a size each and a number per case.
public struct AttachmentPolicy: Sendable, Equatable {
    public var maximumBytes: Int
    public var maximumFiles: Int

    public init(maximumBytes: Int = 5 * 1024 * 1024, maximumFiles: Int = 5) {
        self.maximumBytes = maximumBytes
        self.maximumFiles = maximumFiles
    }

    public enum Kind: String, Sendable {
        case pdf = "application/pdf", jpeg = "image/jpeg", png = "image/png"
    }

    public enum Problem: String, Error, Sendable {
        case empty, tooLarge = "too_large", notAllowed = "not_allowed", tooMany = "too_many"
        public var catalogueKey: String { "case.attachment.\(rawValue)" }
    }

    public func check(_ bytes: [UInt8]) -> Result<Kind, Problem> {
        guard !bytes.isEmpty else { return .failure(.empty) }
        guard bytes.count <= maximumBytes else { return .failure(.tooLarge) }
        if bytes.starts(with: [0x25, 0x50, 0x44, 0x46, 0x2D]) { return .success(.pdf) }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return .success(.jpeg) }
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .success(.png) }
        return .failure(.notAllowed)
    }

    /// A file name safe to show and to send back in Content-Disposition: no paths, quotes or control characters.
    public static func safeName(_ name: String) -> String {
        let last = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let cleaned = String(last.unicodeScalars.filter { !$0.properties.isNoncharacterCodePoint && $0.value >= 0x20 && $0 != "\"" && $0.value != 0x7F }
            .map(Character.init)).prefix(120)
        return cleaned.isEmpty ? "lampiran" : String(cleaned)
    }
}

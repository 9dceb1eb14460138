/// Text made safe for a log line: control characters (C0, DEL, C1 — newlines and terminal escapes among them) are
/// written as escapes, so a path like `/zz%0a[ ERROR ] …` cannot start a forged line or recolour a terminal (issue 15).
public enum LogText {
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            guard isControl(scalar) else { out.append(scalar); continue }
            let written: String = switch scalar {
            case "\n": "\\n"
            case "\r": "\\r"
            case "\t": "\\t"
            default: "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            }
            out.append(contentsOf: written.unicodeScalars)
        }
        return String(out)
    }

    /// Whether the text holds a character `escaped` would rewrite.
    public static func containsControlCharacters(_ text: String) -> Bool { text.unicodeScalars.contains(where: isControl) }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar == "\u{2028}" || scalar == "\u{2029}"
    }
}

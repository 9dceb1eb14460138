/// Text without the white space (Unicode White_Space: spaces, tabs, line breaks) around it, much as Foundation's
/// `trimmingCharacters(in: .whitespacesAndNewlines)` gives it, without building a character set and bridging for each
/// call: every field of a new case and every e-mail address is trimmed on the way in.
extension Substring {
    public var trimmed: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(Substring(scalars[first...last]))
    }
}

extension String {
    public var trimmed: String { self[...].trimmed }
}

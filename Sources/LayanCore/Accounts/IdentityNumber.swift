/// PKPA 1/2008 (security): an identity document number (MyKad, passport) as staff see it by default: its last four characters only, so a case
/// page or an API answer on a screen does not hand the whole number to whoever looks (issue 15, item 5).
public enum IdentityNumber {
    public static let shownCharacters = 4

    /// The number compared without its spacing and dashes, letters in capitals ("880101-03-5678" == "880101035678").
    public static func normalised(_ number: String) -> String {
        number.uppercased().filter { $0.isLetter || $0.isNumber }
    }

    public static func masked(_ number: String) -> String {
        let characters = Array(number)
        guard characters.count > shownCharacters else { return String(repeating: "•", count: characters.count) }
        return String(repeating: "•", count: characters.count - shownCharacters) + String(characters.suffix(shownCharacters))
    }
}

import Foundation

/// A customer's address shown on a page anyone holding the case link can open: enough to recognise ("was it
/// my work e-mail?"), not enough to learn (PKPA 1/2008: customers' information kept confidential).
public enum ContactMask {
    /// "rajesh@example.my" → "r•••@example.my".
    public static func email(_ address: String) -> String {
        guard let at = address.firstIndex(of: "@"), at > address.startIndex else { return "•••" }
        return String(address[address.startIndex]) + "•••" + address[at...]
    }

    /// "+60 12-345 6789" → "•••• 6789".
    public static func phone(_ number: String) -> String {
        let digits = number.filter(\.isNumber)
        return "•••• " + String(digits.suffix(4))
    }
}

/// The serial number printed on each paper complaint/feedback form (PKPA 1/2008 §4d(3), (4)): the branch code, a
/// running number, and a check digit, e.g. `SHA-000123-4`. The check digit (Luhn, over the number) catches the
/// commonest slips of the officer typing a stack of forms in — one wrong digit, two digits swapped — before a
/// form is filed under another form's serial.
public struct PaperFormSerial: Hashable, Sendable, CustomStringConvertible {
    public let branchCode: String
    public let number: Int

    public init(branchCode: String, number: Int) {
        self.branchCode = branchCode.uppercased()
        self.number = number
    }

    public var description: String { "\(branchCode)-\(digits)-\(Self.checkDigit(digits))" }

    private var digits: String {
        let text = String(number)
        return String(repeating: "0", count: max(0, 6 - text.count)) + text
    }

    public enum Problem: String, Error, Sendable {
        case unreadable, checkDigit = "check_digit"
        public var catalogueKey: String { "paperForm.error.\(rawValue)" }
    }

    /// Reads a serial as typed: any case, spaces or no dashes around the parts (`sha 000123 4`, `SHA0001234`).
    public static func parse(_ text: String) -> Result<PaperFormSerial, Problem> {
        let compact = text.uppercased().filter { !$0.isWhitespace && $0 != "-" }
        let code = compact.prefix(while: { $0.isLetter && $0.isASCII })
        let rest = compact.dropFirst(code.count)
        guard (2...10).contains(code.count), (2...10).contains(rest.count), rest.allSatisfy({ $0.isASCII && $0.isNumber }) else { return .failure(.unreadable) }
        let digits = String(rest.dropLast())
        guard let number = Int(digits), number > 0, String(rest.last!) == checkDigit(digits) else {
            return rest.count >= 2 ? .failure(.checkDigit) : .failure(.unreadable)
        }
        return .success(PaperFormSerial(branchCode: String(code), number: number))
    }

    /// Luhn's check digit over the decimal digits.
    static func checkDigit(_ digits: String) -> String {
        var sum = 0
        for (position, character) in digits.reversed().enumerated() {
            var value = Int(String(character)) ?? 0
            if position % 2 == 0 { value *= 2; if value > 9 { value -= 9 } }
            sum += value
        }
        return String((10 - sum % 10) % 10)
    }
}

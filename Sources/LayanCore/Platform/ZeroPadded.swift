extension Int {
    /// The number with leading zeros to `width` digits (at least): "007". Used instead of `String(format:)`,
    /// which is slow on Linux and sits on paths run for every ticket and case (dates, labels).
    func zeroPadded(_ width: Int) -> String {
        let digits = String(self)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

import Foundation

/// Times are stored in UTC and shown in Malaysian time (design.md), in the format Malaysians read:
/// day before month, 12-hour clock with the Malay period words in Malay.
public enum MalaysianTime {
    public static let zone = TimeZone(identifier: "Asia/Kuala_Lumpur")!

    /// UTC+8, as Malaysia has kept since 1 January 1982; earlier instants ask the time-zone database (peninsular
    /// Malaysia was UTC+7:30). The zone look-up was a visible share of every new case, which reads the date often.
    public static func secondsFromGMT(for instant: Date) -> Int {
        instant.timeIntervalSince1970 >= sinceNineteenEightyTwo ? 8 * 3600 : zone.secondsFromGMT(for: instant)
    }

    /// 1982-01-01 00:00 in Malaysia (UTC+8 from that moment): 1981-12-31 16:00 UTC.
    static let sinceNineteenEightyTwo: TimeInterval = 378_662_400

    /// The Malaysian day ("2026-11-02") and hour (0–23) of a PBX time in Unix seconds: what call figures group by.
    public static func localDay(epoch: Int) -> String {
        let local = epoch + secondsFromGMT(for: Date(timeIntervalSince1970: Double(epoch)))
        return LocalDate(dayNumber: Int((Double(local) / 86_400).rounded(.down))).iso
    }

    public static func localHour(epoch: Int) -> Int {
        let local = epoch + secondsFromGMT(for: Date(timeIntervalSince1970: Double(epoch)))
        return ((local % 86_400) + 86_400) % 86_400 / 3600
    }

    public static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }()

    static let monthNames: [Language: [String]] = [
        .ms: ["Januari", "Februari", "Mac", "April", "Mei", "Jun", "Julai", "Ogos", "September", "Oktober", "November", "Disember"],
        .en: ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
    ]

    static let weekdayNames: [Language: [String]] = [
        .ms: ["Ahad", "Isnin", "Selasa", "Rabu", "Khamis", "Jumaat", "Sabtu"],
        .en: ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
    ]

    /// "25/11/2026": the numeric date used on forms and tickets.
    public static func shortDate(_ date: Date) -> String {
        let c = LocalDate(date).components
        return c.day.zeroPadded(2) + "/" + c.month.zeroPadded(2) + "/" + c.year.zeroPadded(4)
    }

    /// "25 November 2026" / "25 Disember 2026".
    public static func longDate(_ date: Date, in language: Language) -> String {
        longDate(LocalDate(date), in: language)
    }

    /// A calendar date (due dates are dates, not instants); instants above are first turned into their Malaysian date.
    /// "Disember 2026" / "December 2026".
    public static func month(_ date: LocalDate, in language: Language) -> String {
        let c = date.components
        return "\(monthNames[language]![c.month - 1]) \(c.year)"
    }

    /// A stored `YYYY-MM-DD` day as a long date; text that is no date is shown as it is.
    public static func longDate(iso: String, in language: Language) -> String {
        LocalDate(iso).map { longDate($0, in: language) } ?? iso
    }

    public static func longDate(_ date: LocalDate, in language: Language) -> String {
        let c = date.components
        return "\(c.day) \(monthNames[language]![c.month - 1]) \(c.year)"
    }

    /// "Rabu" / "Wednesday".
    public static func weekday(_ date: Date, in language: Language) -> String {
        weekdayNames[language]![calendar.component(.weekday, from: date) - 1]
    }

    /// "4:05 ptg" / "4:05 pm". Malay uses pagi (before noon), tgh (noon hour), ptg (afternoon), mlm (from 7 pm).
    public static func time(_ date: Date, in language: Language) -> String {
        let c = calendar.dateComponents([.hour, .minute], from: date)
        let hour = c.hour!, minute = c.minute!
        let twelve = hour % 12 == 0 ? 12 : hour % 12
        let period: String
        switch language {
        case .en: period = hour < 12 ? "am" : "pm"
        case .ms:
            switch hour {
            case 0..<12: period = "pagi"
            case 12: period = "tgh"
            case 13..<19: period = "ptg"
            default: period = "mlm"
            }
        }
        return "\(twelve):\(minute.zeroPadded(2)) \(period)"
    }

    /// "25 November 2026, 4:05 ptg".
    public static func dateTime(_ date: Date, in language: Language) -> String {
        "\(longDate(date, in: language)), \(time(date, in: language))"
    }
}

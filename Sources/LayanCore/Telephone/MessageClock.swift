import Foundation

/// When a message for an absent officer, or a call-back, must be returned by (PKPA 1/2008, telephone rule 8):
/// N working days after it was taken, at the same time of day. One taken on a weekend or holiday starts counting
/// from the next working day's opening.
public enum MessageClock {
    public static func due(takenAt: Date, workingDays: Int, calendar: WorkingCalendar, state: MalaysianState) -> Date {
        let day = LocalDate(takenAt)
        let offset = MalaysianTime.secondsFromGMT(for: takenAt)
        let localSeconds = Int(takenAt.timeIntervalSince1970.rounded(.down)) + offset
        var secondsIntoDay = ((localSeconds % 86_400) + 86_400) % 86_400
        var start = day
        if !calendar.isWorkingDay(day, in: state) {
            start = calendar.nextWorkingDay(onOrAfter: day, in: state)
            secondsIntoDay = 8 * 3600
        }
        let dueDay = calendar.adding(workingDays: max(0, workingDays), to: start, in: state)
        return Date(timeIntervalSince1970: Double(dueDay.dayNumber * 86_400 + secondsIntoDay - offset))
    }

    /// Returned in time: called back no later than due.
    public static func inTime(calledBackAt: Date, due: Date) -> Bool { calledBackAt <= due }
}

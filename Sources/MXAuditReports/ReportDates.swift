import Foundation
import MXAuditModel

/// Dates as the reports show them: always UTC, so a report reads the same wherever it is opened.
enum ReportDates {
    /// `2026-05-04T02:00:00`, the form the JUnit schema wants (no zone).
    static func timestamp(_ date: Date) -> String {
        let parts = utc.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d", parts.year!, parts.month!, parts.day!,
                      parts.hour!, parts.minute!, parts.second!)
    }

    /// `2026-05-04 02:00 UTC`, for people.
    static func display(_ date: Date) -> String {
        let parts = utc.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d UTC", parts.year!, parts.month!, parts.day!, parts.hour!, parts.minute!)
    }

    /// Whole days from `date` until the end of `day` (negative once it has passed).
    static func days(from date: Date, until day: CalendarDay) -> Int {
        Int((day.endOfDay.timeIntervalSince(date) / 86_400).rounded(.down))
    }

    private static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}

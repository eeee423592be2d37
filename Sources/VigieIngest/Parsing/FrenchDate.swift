import VigieCore

/// Dates and times as French partners write them: `23/11/2026`, `23/11/26`, `23-11-2026`,
/// `2026-11-23`, Excel serial numbers; times `14:30`, `14h30`, `14h`, `14:30:00`.
public enum FrenchDate {
    /// The day `text` names, or nil when it is not a date that exists (31/02/2026 is nil).
    /// Two-digit years are 20xx below 70 and 19xx from 70.
    public static func parse(_ text: String) -> CivilDate? {
        if let date = parseDayMonthYear(text) { return date }
        let t = text.trimmingSpaces
        // A date and a time in one cell ("23/11/2026 14:30"): keep the date.
        let datePart = t.split(separator: " ", maxSplits: 1).first.map(String.init) ?? t
        let parts = datePart.split(omittingEmptySubsequences: false) { $0 == "/" || $0 == "-" || $0 == "." }
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) }),
              let a = Int(parts[0]), let b = Int(parts[1]), let c = Int(parts[2]) else { return nil }
        if parts[0].count == 4 { return CivilDate(year: a, month: b, day: c) }
        guard parts[0].count <= 2, parts[1].count <= 2 else { return nil }
        switch parts[2].count {
        case 4: return CivilDate(year: c, month: b, day: a)
        case 2: return CivilDate(year: c < 70 ? 2000 + c : 1900 + c, month: b, day: a)
        default: return nil
        }
    }

    /// `dd/mm/yyyy` exactly, read byte by byte: how nearly every row of a police file is dated.
    /// Anything else is left to the general reading (nil here does not mean invalid).
    static func parseDayMonthYear(_ text: String) -> CivilDate? {
        let utf8 = text.utf8
        return utf8.withContiguousStorageIfAvailable { b -> CivilDate? in
            guard b.count == 10, b[2] == UInt8(ascii: "/"), b[5] == UInt8(ascii: "/") else { return nil }
            guard let day = digits(b, 0, 2), let month = digits(b, 3, 2), let year = digits(b, 6, 4) else { return nil }
            return CivilDate(year: year, month: month, day: day)
        } ?? nil
    }

    /// The number written by `count` ASCII digits from `start`, or nil when one is not a digit.
    private static func digits(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ count: Int) -> Int? {
        var n = 0
        for i in start..<(start + count) {
            let d = b[i] &- 0x30
            guard d < 10 else { return nil }
            n = n * 10 + Int(d)
        }
        return n
    }

    /// The day of an Excel serial number (1900 date system; the fraction is the time of day).
    public static func fromExcelSerial(_ serial: Double) -> CivilDate? {
        guard serial >= 1, serial < 2_958_466 else { return nil } // 9999-12-31
        let days = Int(serial.rounded(.down))
        // Excel counts 1900-02-29, which did not exist: serials from 61 on are one day ahead.
        if days < 60 { return CivilDate(year: 1899, month: 12, day: 31)?.adding(days: days) }
        if days == 60 { return nil }
        return CivilDate(year: 1899, month: 12, day: 30)?.adding(days: days)
    }

    /// The day a cell holds: a date serial, a number that is a serial, or a French date text.
    public static func parse(_ cell: Cell) -> CivilDate? {
        switch cell {
        case .dateSerial(let d), .number(let d): return fromExcelSerial(d)
        case .text(let s): return parse(s)
        case .empty, .bool, .percent, .formulaWithoutValue: return nil
        }
    }

    /// Minutes after midnight for `14:30`, `14h30`, `14h`, `14:30:00`, `9:05`; nil otherwise.
    public static func parseTime(_ text: String) -> Int? {
        // Nearly every time of a large file is « hh:mm »: read its five bytes directly.
        let hhmm = text.utf8.withContiguousStorageIfAvailable { b -> Int? in
            guard b.count == 5, b[2] == UInt8(ascii: ":"), [0, 1, 3, 4].allSatisfy({ (0x30...0x39).contains(b[$0]) }) else { return nil }
            let (h, m) = (Int(b[0] - 0x30) * 10 + Int(b[1] - 0x30), Int(b[3] - 0x30) * 10 + Int(b[4] - 0x30))
            return h <= 23 && m <= 59 ? h * 60 + m : -1
        }
        if let hhmm, let hhmm { return hhmm < 0 ? nil : hhmm }
        let t = text.trimmingSpaces.lowercased()
        let parts = t.split(omittingEmptySubsequences: false) { $0 == ":" || $0 == "h" }
        guard (2...3).contains(parts.count), let h = Int(parts[0]), (0...23).contains(h) else { return nil }
        let minutes = parts[1].isEmpty && parts.count == 2 && t.hasSuffix("h") ? 0 : Int(parts[1])
        guard let m = minutes, (0...59).contains(m), parts[0].count <= 2, parts[1].count <= 2 else { return nil }
        if parts.count == 3 { guard let s = Int(parts[2]), (0...59).contains(s) else { return nil } }
        return h * 60 + m
    }

    /// Minutes after midnight from a cell: a time text, or the fraction of an Excel serial.
    public static func parseTime(_ cell: Cell) -> Int? {
        switch cell {
        case .dateSerial(let d), .number(let d):
            guard d >= 0 else { return nil }
            let minutes = Int(((d - d.rounded(.down)) * 1440).rounded())
            return minutes % 1440
        case .text(let s): return parseTime(s)
        case .empty, .bool, .percent, .formulaWithoutValue: return nil
        }
    }
}

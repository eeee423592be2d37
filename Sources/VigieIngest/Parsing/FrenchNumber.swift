/// Numbers as French partners write them: `17 369` (space, no-break or narrow no-break space as
/// thousands separator), `3,5` (decimal comma), `-2`, and plain numbers from XLSX cells.
public enum FrenchNumber {
    /// The value of `text`, or nil when it is not a number.
    public static func parse(_ text: String) -> Double? {
        var digits = String.UnicodeScalarView()
        var sawDigit = false
        var sawSeparator = false
        for scalar in text.unicodeScalars {
            switch scalar {
            case "0"..."9": digits.append(scalar); sawDigit = true
            case " ", "\u{00A0}", "\u{202F}", "\u{2009}", "\t":
                // Thousands separator inside the number, or padding around it.
                continue
            case ",", ".":
                if sawSeparator { return nil }
                sawSeparator = true
                digits.append(".")
            case "-", "+", "−":
                if sawDigit || !digits.isEmpty { return nil }
                if scalar != "+" { digits.append("-") }
            default:
                return nil
            }
        }
        guard sawDigit else { return nil }
        return Double(String(digits))
    }

    /// A count: a whole number ≥ 0. Returns the value, or the reason in French.
    public static func count(_ cell: Cell) -> Result<Int, CountError> {
        let value: Double?
        switch cell {
        case .number(let d): value = d
        case .text(let s): value = parse(s)
        case .empty: return .failure(.empty)
        case .bool, .dateSerial: value = nil
        case .percent: return .failure(.percent)
        case .formulaWithoutValue: return .failure(.formulaWithoutValue)
        }
        guard let value else { return .failure(.notANumber) }
        guard value >= 0 else { return .failure(.negative) }
        guard value == value.rounded() else { return .failure(.notWhole) }
        guard value <= Double(maxCount) else { return .failure(.tooLarge) }
        return .success(Int(value))
    }

    /// The largest count stored (999 999 999 999): more is a typo or a cell pasted from elsewhere,
    /// never a number of facts of one territory.
    public static let maxCount = 999_999_999_999

    /// Why a cell is not a count.
    public enum CountError: Error, Equatable {
        case empty, notANumber, negative, notWhole, tooLarge, percent, formulaWithoutValue

        public var message: String {
            switch self {
            case .empty: return "cellule vide"
            case .notANumber: return "ce n'est pas un nombre"
            case .negative: return "nombre négatif"
            case .notWhole: return "nombre non entier"
            case .tooLarge: return "nombre trop grand pour un effectif (plus de 999 999 999 999)"
            case .percent: return "cellule au format pourcentage : « 100 % » y vaut 1 ; donnez l'effectif, pas un taux"
            case .formulaWithoutValue: return Cell.formulaWithoutValueReason
            }
        }
    }
}

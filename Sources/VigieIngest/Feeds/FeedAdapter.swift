import Crypto
import VigieCore

/// Reads one partner file of one feed kind into a batch sink: normalized facts and rejects.
/// An adapter throws a `VigieError` of kind `.input` when the file's structure is wrong
/// (the file is then refused whole); a bad value is a reject, and the rest loads.
public protocol FeedAdapter {
    func read(_ reader: TableReader, into sink: BatchSink) throws -> AdapterSummary
}

/// What adapters need to know of the observatory: its territory, nomenclature and places, and today.
public struct IngestContext: Sendable {
    public var territory: Territory
    public var nomenclature: Nomenclature
    public var places: PlaceResolver
    /// Today in Europe/Paris: incidents dated after tomorrow are refused.
    public var today: CivilDate

    public init(territory: Territory, nomenclature: Nomenclature, places: PlaceResolver, today: CivilDate) {
        self.territory = territory
        self.nomenclature = nomenclature
        self.places = places
        self.today = today
    }
}

/// Chooses the adapter for a feed's kind.
public enum FeedAdapters {
    /// - Parameters:
    ///   - fileName: the partner's file name, for messages and for the period it may carry.
    ///   - period: the period given on the command line, if any.
    ///   - hmacKey: the key for the fields the feed pseudonymizes, when it has any.
    public static func adapter(for feed: Feed, context: IngestContext, fileName: String, period: Period?,
                               hmacKey: SymmetricKey? = nil) -> FeedAdapter {
        switch feed.kind {
        case .etat4001:
            return Etat4001Adapter(feed: feed, territory: context.territory, nomenclature: context.nomenclature,
                                   fileName: fileName, explicitPeriod: period)
        case .incidents:
            return IncidentsAdapter(feed: feed, resolver: context.places, fileName: fileName, today: context.today,
                                    explicitPeriod: period, hmacKey: hmacKey)
        case .counts:
            return CountsAdapter(feed: feed, context: context, fileName: fileName, explicitPeriod: period)
        }
    }
}

extension TableReader {
    /// For a CSV, the delimiter the reader found, said in a hint when no header row is found: a header
    /// written with another delimiter than the rows (a hand-edited file) is not found.
    var delimiterHint: String {
        guard let csv = self as? CSVReader else { return "" }
        let name = csv.delimiter == 0x09 ? "tabulation" : "« \(Character(Unicode.Scalar(csv.delimiter))) »"
        return " Séparateur de colonnes détecté : \(name) ; si l'en-tête et les lignes n'ont pas le même, réenregistrez le fichier depuis le tableur."
    }
}

extension SourceRow {
    /// The number of columns up to the last one that holds something (a header row's width).
    var filledWidth: Int {
        (cells.lastIndex { !$0.isBlank } ?? -1) + 1
    }

    /// The reject for a data row with a value past the header's last column (in a CSV, most often a
    /// delimiter inside an unquoted value, which shifts every column after it); nil when there is none.
    func rejectBeyondHeader(width: Int) -> RejectFact? {
        guard filledWidth > width else { return nil }
        let column = filledWidth - 1
        return RejectFact(sheet: sheet, row: number, column: columnLetters(column), value: cells[column].text,
                          reason: "la ligne a plus de colonnes que l'en-tête (\(filledWidth) au lieu de \(width)) : "
                              + "un séparateur dans une valeur sans guillemets ? Ligne non chargée")
    }
}

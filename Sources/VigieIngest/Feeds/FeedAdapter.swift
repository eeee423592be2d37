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

import VigieCore

/// Reads one partner file of one feed kind into a batch sink: normalized facts and rejects.
/// An adapter throws a `VigieError` of kind `.input` when the file's structure is wrong
/// (the file is then refused whole); a bad value is a reject, and the rest loads.
public protocol FeedAdapter {
    func read(_ reader: TableReader, into sink: BatchSink) throws -> AdapterSummary
}

/// Chooses the adapter for a feed's kind.
public enum FeedAdapters {
    /// - Parameters:
    ///   - fileName: the partner's file name, for messages and for the period it may carry.
    ///   - period: the period given on the command line, if any.
    public static func adapter(for feed: Feed, territory: Territory, nomenclature: Nomenclature,
                               fileName: String, period: Period?) -> FeedAdapter {
        switch feed.kind {
        case .etat4001:
            return Etat4001Adapter(feed: feed, territory: territory, nomenclature: nomenclature,
                                   fileName: fileName, explicitPeriod: period)
        }
    }
}

import Foundation
import VigieCore
import VigieReports

/// The « Carte » page: every quartier's facts of a month or semester (one category or all),
/// against the same period a year earlier, as the semester study counts them.
public struct ShowQuartiers: UseCase, Hashable {
    public var period: Period
    /// A category id of the nomenclature, "" for « non classé », nil for all.
    public var category: String?

    public init(period: Period, category: String? = nil) {
        self.period = period
        self.category = category
    }

    public func run(_ observatory: Observatory) throws -> QuartiersResult {
        if let category, !category.isEmpty, observatory.config.nomenclature.category(id: category) == nil {
            throw VigieError(.usage, "catégorie inconnue « \(category.shown(limit: 40)) »", hint: "Choisissez une catégorie de Config/nomenclature.yaml.")
        }
        return QuartiersResult(figures: try QuartierFigures.build(period: period, category: category, context: observatory.bulletinContext()))
    }
}

/// The quartiers' figures of one period (see `QuartierFigures`).
public struct QuartiersResult: UseCaseResult {
    public var figures: QuartierFigures

    public var text: String {
        ([["quartier", "commune", "faits", "même période n-1", "évolution", "signal"].joined(separator: " ; ")]
            + figures.quartiers.map { [$0.name, $0.commune, String($0.current), String($0.previous), $0.change, $0.flag].joined(separator: " ; ") })
            .joined(separator: "\n")
    }
}

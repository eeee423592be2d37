/// The observatory's common categories, and the état 4001 index with the category of each.
public struct Nomenclature: Sendable {
    /// Wider families of categories, in the order of `nomenclature.yaml`.
    public var families: [Family]
    public var categories: [Category]
    /// The 107 index, by number.
    public var index4001: [Int: Index4001]
    /// Category id of each used index.
    public var categoryOf4001: [Int: String]

    public init(families: [Family] = [], categories: [Category], index4001: [Int: Index4001], categoryOf4001: [Int: String]) {
        self.families = families
        self.categories = categories
        self.index4001 = index4001
        self.categoryOf4001 = categoryOf4001
    }

    public func category(id: String) -> Category? { categories.first { $0.id == id } }

    /// The code stored for a 4001 index, e.g. `4001-07`, so that codes sort in index order.
    public static func code4001(_ index: Int) -> String { "4001-" + pad(index, 2) }
}

/// A family of categories (atteintes aux personnes, aux biens, …).
public struct Family: Sendable, Equatable {
    public var id: String
    public var label: String
    public init(id: String, label: String) { self.id = id; self.label = label }
}

/// A category of the observatory's nomenclature (violences aux personnes, incendies, …).
public struct Category: Sendable, Equatable {
    public var id: String
    public var label: String
    /// A wider family for the semester study (atteintes aux personnes, aux biens, …).
    public var family: String?

    public init(id: String, label: String, family: String?) {
        self.id = id
        self.label = label
        self.family = family
    }
}

/// One line of the état 4001 index: the label as published (typos included) and corrected.
public struct Index4001: Sendable, Equatable {
    public var number: Int
    public var publishedLabel: String
    public var label: String
    public var used: Bool

    public init(number: Int, publishedLabel: String, label: String, used: Bool) {
        self.number = number
        self.publishedLabel = publishedLabel
        self.label = label
        self.used = used
    }
}

import Foundation
import PostgresNIO
import VigieConfig
import VigieCore
import VigiePipeline
import VigieReports

/// The departmental queries: what the departmental bulletins read from the hub. Read with an
/// analyst's role (every observatory) or any hub role (row-level security then shows that
/// role's rows only). Bound parameters only.
public enum HubQueries {
    /// The observatories, the commune facts and like-for-like pairs (quartier '' only, margins
    /// included) and the fact feeds' completeness of `months`, and every commune's population.
    public static func bulletinRows(months: [String], session: HubSession) async throws -> HubBulletinRows {
        try await HubSchema.requireCurrent(session)
        let own = try await session.run("SELECT vigie_hub.own_observatory()").first?.decode(String?.self) ?? nil
        var observatories: [HubBulletinRows.Observatory] = []
        for row in try await session.run("SELECT id, name FROM vigie_hub.observatory ORDER BY id") {
            let (id, name) = try row.decode((String, String).self)
            observatories.append(.init(id: id, name: name))
        }
        var facts: [HubBulletinRows.Fact] = []
        for row in try await session.run("""
            SELECT observatory, month, commune, category, value, state FROM vigie_hub.fact
            WHERE quartier = '' AND month = ANY(\(months))
            """) {
            let (observatory, month, commune, category, value, state) = try row.decode((String, String, String, String, Int?, String).self)
            facts.append(.init(observatory: observatory, month: month, commune: commune, category: category, value: value, state: state))
        }
        var pairs: [HubBulletinRows.Pair] = []
        for row in try await session.run("""
            SELECT observatory, month, commune, category, current_value, current_state, previous_value, previous_state, left_out
            FROM vigie_hub.comparable WHERE quartier = '' AND month = ANY(\(months))
            """) {
            let (observatory, month, commune, category, current, currentState, previous, previousState, leftOut)
                = try row.decode((String, String, String, String, Int?, String, Int?, String?, [String]).self)
            pairs.append(.init(observatory: observatory, month: month, commune: commune, category: category, current: current,
                               currentState: currentState, previous: previous, previousState: previousState, leftOut: leftOut))
        }
        var populations: [HubBulletinRows.Population] = []
        for row in try await session.run("SELECT observatory, commune, name, population FROM vigie_hub.population WHERE quartier = ''") {
            let (observatory, commune, name, population) = try row.decode((String, String, String, Int).self)
            populations.append(.init(observatory: observatory, commune: commune, name: name, population: population))
        }
        var completeness: [HubBulletinRows.Completeness] = []
        for row in try await session.run("""
            SELECT observatory, feed, label, month, state FROM vigie_hub.completeness WHERE role = 'fact' AND month = ANY(\(months))
            """) {
            let (observatory, feed, label, month, state) = try row.decode((String, String, String, String, String).self)
            completeness.append(.init(observatory: observatory, feed: feed, label: label, month: month, state: state))
        }
        return HubBulletinRows(observatories: observatories, facts: facts, pairs: pairs, populations: populations, completeness: completeness,
                               onlyObservatory: own)
    }
}

/// `vigie hub bulletin monthly|semester`: reads the hub, builds the departmental bulletin
/// (`DepartmentalBulletin`), renders it with the templates of `config` (`hub-monthly.html` and
/// `.md`, sharing the local bulletins' style) and writes HTML, Markdown and one CSV per table into
/// `out`, as `hub_<période>…`. The comparison levels and the category names come from the
/// configuration when it is an observatory's (territory.yaml present), the map's outlines from
/// `communes.geojson` beside it.
public struct HubBulletin: Sendable {
    /// The hub's address and password file as given; nil: `hub:` of the configuration's settings.yaml.
    public var url: String?
    public var passwordFile: String?
    public var period: Period
    public var config: URL
    public var out: String

    public init(url: String?, passwordFile: String?, period: Period, config: URL, out: String) {
        self.url = url
        self.passwordFile = passwordFile
        self.period = period
        self.config = config
        self.out = out
    }

    public struct Result: UseCaseResult {
        public var hub: String
        public var period: String
        public var out: String
        public var files: [String]
        public var observatories: Int
        public var communes: Int
        public var significant: Int
        public var map: Bool
        public var text: String {
            (files.filter { $0.hasSuffix(".html") }.map { "écrit : \($0)" } + [
                "Bulletin départemental \(period) : \(observatories) observatoire(s), \(communes) commune(s), \(significant) évolution(s) significative(s)\(map ? "" : ", sans carte (contours des communes non configurés)").",
                "\(files.count) fichier(s) écrit(s) dans \(out) (HTML, Markdown et CSV).",
            ]).joined(separator: "\n")
        }
    }

    /// Checks that `period` is a month or a semester, as the local bulletins check theirs.
    public static func check(_ period: Period) throws -> BulletinKind {
        for kind in [BulletinKind.monthly, .semester] where kind.covers(period) { return kind }
        throw VigieError(.usage, "« \(period) » n'est ni \(BulletinKind.monthly.expectedPeriod) ni \(BulletinKind.semester.expectedPeriod)",
                         hint: "vigie hub bulletin monthly --month 2026-10, ou vigie hub bulletin semester --semester 2026-S1.")
    }

    public func run() throws -> Result {
        _ = try Self.check(period)
        let templates = config.appendingPathComponent("templates")
        guard FileManager.default.fileExists(atPath: templates.appendingPathComponent("hub-monthly.html.mustache").path) else {
            throw VigieError(.config, "modèle du bulletin départemental introuvable : \(templates.path)/hub-monthly.html.mustache",
                             hint: "Donnez le dossier Config/ de Vigie (--config ou VIGIE_CONFIG), qui contient templates/.")
        }
        var levels = SignificanceLevels.standard
        var labels: [String: String] = [:]
        var settings = HubSettings()
        if FileManager.default.fileExists(atPath: config.appendingPathComponent("territory.yaml").path) {
            let configuration = try Configuration.load(from: config)
            levels = configuration.bulletinRules.levels
            settings = configuration.settings.hub
            for category in configuration.nomenclature.categories { labels[category.id] = category.label }
        }
        guard let url = url ?? settings.url else {
            throw VigieError(.usage, "aucun hub donné",
                             hint: "Donnez --hub postgresql://rôle@hôte:port/base (ou VIGIE_HUB_URL), ou hub: { url: … } dans settings.yaml.")
        }
        let credentials = HubCredentials(address: try HubAddress(url: url),
                                         password: try HubCredentials.password(file: passwordFile ?? settings.passwordFile))
        let outlines = try CommuneOutlines.load(directory: config)
        let (current, previous) = try DepartmentalBulletin.months(of: period)
        let months = (previous + current).map(\.description)
        let rows = try runBlocking { try await HubSession.with(credentials) { try await HubQueries.bulletinRows(months: months, session: $0) } }
        let bulletin = try DepartmentalBulletin.build(period: period, rows: rows, levels: levels, categoryLabels: labels, outlines: outlines,
                                                      today: Observatory.todayInParis())

        let renderer = try TemplateRenderer(directory: templates)
        let object: [String: Any] = [
            "b": bulletin,
            "observatory": "Hub départemental — bulletin \(bulletin.kindName)",
            "issued": BulletinWriter.frenchDate(Date()),
        ]
        let directory = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var written: [URL] = []
        let base = bulletin.baseName
        for ext in ["html", "md"] {
            let url = directory.appendingPathComponent("\(base).\(ext)")
            try Data(try renderer.render("hub-monthly.\(ext)", object).utf8).write(to: url, options: .atomic)
            written.append(url)
        }
        for table in bulletin.csvTables {
            let url = directory.appendingPathComponent("\(base)_\(table.name).csv")
            try Data(table.text.utf8).write(to: url, options: .atomic)
            written.append(url)
        }
        return Result(hub: credentials.address.description, period: bulletin.period, out: out, files: written.map(\.path),
                      observatories: bulletin.observatories.count, communes: bulletin.observatories.reduce(0) { $0 + $1.communes.count },
                      significant: bulletin.significant.count, map: !bulletin.map.isEmpty)
    }
}

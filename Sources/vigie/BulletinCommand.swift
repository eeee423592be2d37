import ArgumentParser
import Foundation
import VigieCore
import VigiePipeline

/// `vigie bulletin`: writes the weekly, monthly or semester bulletin.
struct BulletinCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bulletin",
        abstract: "Écrit un bulletin (HTML, Markdown et un CSV par tableau) dans --out.",
        subcommands: [WeeklyCommand.self, MonthlyCommand.self, SemesterCommand.self])
}

/// Where bulletins are written.
struct OutputOptions: ParsableArguments {
    @Option(help: "Dossier où écrire les bulletins.")
    var out: String = "bulletins"

    @Flag(help: "Écrit aussi chaque bulletin en PDF (A4) à côté du HTML, avec Chromium sans interface (apt-get install chromium).")
    var pdf = false

    /// Writes the bulletin `request` asks for and prints the files written.
    func write(_ options: StoreOptions, _ request: WriteBulletin.Request) throws {
        try present(try WriteBulletin(request, out: out, pdf: pdf).run(at: options.location))
    }
}

/// Parses a period of one kind, or explains what is expected.
func parsePeriod(_ text: String, option: String, kind: String, example: String, accept: (Period) -> Bool) throws -> Period {
    guard let period = Period(text), accept(period) else {
        throw ValidationError("\(option) « \(text) » n'est pas \(kind) : écrivez par exemple \(example).")
    }
    return period
}

struct WeeklyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "weekly", abstract: "Faits marquants de la semaine, un bulletin par commune.")

    @OptionGroup var options: StoreOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "Semaine ISO (lundi à dimanche), par exemple 2026-W47.")
    var week: String

    @Option(help: "Une seule commune (code INSEE, nom ou alias) ; par défaut, toutes.")
    var commune: String?

    func period() throws -> Period {
        try parsePeriod(week, option: "--week", kind: "une semaine", example: "2026-W47") { BulletinKind.weekly.covers($0) }
    }

    func validate() throws { _ = try period() }

    func run() throws {
        try output.write(options, .weekly(week: try period(), commune: commune))
    }
}

struct MonthlyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "monthly", abstract: "Bulletin mensuel par quartier et par secteur, pour le territoire et chaque commune.")

    @OptionGroup var options: StoreOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "Mois, par exemple 2026-10.")
    var month: String

    @Option(help: "Une seule commune (code INSEE, nom ou alias) ; par défaut, le territoire et chaque commune.")
    var commune: String?

    func period() throws -> Period {
        try parsePeriod(month, option: "--month", kind: "un mois", example: "2026-10") { BulletinKind.monthly.covers($0) }
    }

    func validate() throws { _ = try period() }

    func run() throws {
        try output.write(options, .monthly(month: try period(), commune: commune))
    }
}

struct SemesterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "semester", abstract: "Étude semestrielle : état 4001, statistiques des partenaires, étude qualitative et spatiale.")

    @OptionGroup var options: StoreOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "Semestre, par exemple 2026-S1.")
    var semester: String

    @Option(help: "Fichier Markdown des textes du coordonnateur (sections « ## Titre »), repris dans l'étude qualitative.")
    var texts: String?

    func period() throws -> Period {
        try parsePeriod(semester, option: "--semester", kind: "un semestre", example: "2026-S1") { BulletinKind.semester.covers($0) }
    }

    func validate() throws { _ = try period() }

    func run() throws {
        try output.write(options, .semester(try period(), texts: texts))
    }
}

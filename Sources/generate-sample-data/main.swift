import Foundation
import VigieConfig
import VigieCore
import VigieFixtures
import VigieIngest

// Writes SampleData/ from a fixed seed: `generate-sample-data [--config DIR] [--workbook XLSX] [--out DIR]`.
// Run by `make sample-data`; the output is committed, so the demo needs nothing but the repository.

let arguments = Array(CommandLine.arguments.dropFirst())
func option(_ name: String, _ fallback: String) -> String {
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count else { return fallback }
    return arguments[i + 1]
}

let configDir = URL(fileURLWithPath: option("--config", "Config"))
let workbook = URL(fileURLWithPath: option("--workbook", "../shared/data/etat4001-services-2012-2020.xlsx"))
let out = URL(fileURLWithPath: option("--out", "SampleData"))

do {
    let config = try Configuration.load(from: configDir)
    let world = SampleWorld(config: config, root: out)
    let written = try Etat4001Sample(config: config, workbook: workbook).write(to: out)
        + IncidentSamples(world: world).write() + CountSamples(world: world).write()
    print("SampleData : \(written.count) fichier(s) écrits dans \(out.path)")
} catch {
    FileHandle.standardError.write(Data("generate-sample-data : \(error)\n".utf8))
    exit(1)
}

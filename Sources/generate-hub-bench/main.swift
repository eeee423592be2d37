import Foundation
import VigieCore
import VigieHub

/// `make bench`, hub part (Benchmarks/hub): publishes generated observatories into a hub through
/// the same publisher as `vigie hub publish` (`HubPublisher.publish`, one connection per
/// observatory, as its own login role). Each observatory: two communes, ten years of monthly
/// facts by commune and category with their margins (HubExtract's shape: small counts published
/// « < 5 » without value), two fact feeds' completeness, populations. Seeded by the observatory's
/// number: the same arguments send the same rows.
///
///   generate-hub-bench publish --host H --port P --database D --prefix bench --from 1 --to 1000
///       --role-password PW [--parallel N] [--years 10] [--report FILE]
///
/// Prints one line per hundred observatories (the time of that hundred; the last may be fewer)
/// and writes FILE: a JSON
/// object with the seconds taken, the errors, and the rows sent per observatory and table.
@main
struct GenerateHubBench {
    static let categories = ["incendies", "rodeos-urbains", "violences-personnes", "vols-cambriolages", "destructions-degradations", "stupefiants"]

    static func payload(id: String, number: Int, years: Int, lastYear: Int) -> HubPayload {
        var random = UInt64(number) &* 0x9E37_79B9_7F4A_7C15 | 1
        func next(_ n: Int) -> Int {
            random = random &* 6364136223846793005 &+ 1442695040888963407
            return Int((random >> 33) % UInt64(n))
        }
        let communes = [(String(format: "9%04d", number * 2 % 10000), "Commune A \(number)", 20000 + next(40000)),
                        (String(format: "9%04d", (number * 2 + 1) % 10000), "Commune B \(number)", 10000 + next(30000))]
        var payload = HubPayload(observatory: id, name: "Observatoire de banc \(number)", minCell: 5)
        payload.populations = communes.map { HubPopulation(commune: $0.0, name: $0.1, population: $0.2) }
        func fact(_ month: String, _ commune: String, _ category: String, _ value: Int) -> HubFact {
            if value == 0 { return HubFact(month: month, commune: commune, category: category, value: 0, state: .zero, shown: "0", submissions: [1]) }
            if value < 5 { return HubFact(month: month, commune: commune, category: category, value: nil, state: .suppressed, shown: "< 5", submissions: [1]) }
            return HubFact(month: month, commune: commune, category: category, value: value, state: .published, shown: String(value), submissions: [1])
        }
        for year in (lastYear - years + 1)...lastYear {
            for month in 1...12 {
                let m = String(format: "%04d-%02d", year, month)
                var columnTotals = Array(repeating: 0, count: categories.count)
                for (commune, _, _) in communes {
                    var total = 0
                    for (c, category) in categories.enumerated() {
                        let v = next(4) == 0 ? next(5) : 5 + next(30)
                        total += v
                        columnTotals[c] += v
                        payload.facts.append(fact(m, commune, category, v))
                    }
                    payload.facts.append(fact(m, commune, HubFact.total, total))
                }
                for (c, category) in categories.enumerated() { payload.facts.append(fact(m, HubFact.total, category, columnTotals[c])) }
                payload.facts.append(fact(m, HubFact.total, HubFact.total, columnTotals.reduce(0, +)))
                for feed in ["police-nationale/main-courante", "bailleur/incidents"] {
                    let received = next(50) != 0
                    payload.completeness.append(HubCompleteness(feed: feed, label: feed, role: "fact", month: m,
                                                                state: received ? HubCompleteness.received : HubCompleteness.notReceived,
                                                                submissions: received ? [1] : []))
                }
            }
        }
        return payload
    }

    static func main() async throws {
        var options: [String: String] = [:]
        var arguments = Array(CommandLine.arguments.dropFirst())
        guard arguments.first == "publish" else {
            FileHandle.standardError.write(Data("Utilisation : generate-hub-bench publish --host H --port P --database D --prefix bench --from 1 --to 1000 --role-password PW [--parallel N] [--years 10] [--report FICHIER]\n".utf8))
            exit(2)
        }
        arguments.removeFirst()
        while arguments.count >= 2, arguments[0].hasPrefix("--") {
            options[String(arguments[0].dropFirst(2))] = arguments[1]
            arguments.removeFirst(2)
        }
        func int(_ key: String, _ fallback: Int) -> Int { options[key].flatMap(Int.init) ?? fallback }
        let host = options["host"] ?? "127.0.0.1", database = options["database"] ?? "hub", prefix = options["prefix"] ?? "bench"
        let port = int("port", 5432), from = int("from", 1), to = int("to", 100), parallel = max(1, int("parallel", 1)), years = int("years", 10)
        let password = options["role-password"]
        let width = 4

        struct Outcome: Sendable { var id: String; var sent: [String: Int]; var error: String? }
        @Sendable func publish(_ number: Int) async -> Outcome {
            let id = "\(prefix)-" + String(format: "%0\(width)d", number)
            let role = "vigie_obs_" + id.replacingOccurrences(of: "-", with: "_")
            let data = Self.payload(id: id, number: number, years: years, lastYear: 2026)
            let sent = ["fact": data.facts.count, "completeness": data.completeness.count, "population": data.populations.count]
            let credentials = HubCredentials(address: HubAddress(host: host, port: port, database: database, role: role), password: password)
            do {
                let summary = try await HubSession.with(credentials) { try await HubPublisher.publish(data, session: $0) }
                let expected = sent.values.reduce(0, +)
                if summary.rowsWritten != expected { return Outcome(id: id, sent: sent, error: "\(summary.rowsWritten) lignes écrites, \(expected) envoyées") }
                return Outcome(id: id, sent: sent, error: nil)
            } catch {
                return Outcome(id: id, sent: sent, error: "\(error)")
            }
        }

        let start = Date()
        var outcomes: [Outcome] = []
        var batchStart = Date()
        var batchCount = 0
        var next = from
        while next <= to {
            let batch = Array(next...min(to, next + parallel - 1))
            next += batch.count
            let results = await withTaskGroup(of: Outcome.self) { group in
                for n in batch { group.addTask { await publish(n) } }
                var all: [Outcome] = []
                for await outcome in group { all.append(outcome) }
                return all
            }
            outcomes += results
            batchCount += results.count
            if batchCount >= 100 || next > to {
                print(String(format: "%d observatoires publiés ; tranche de %d : %.1f s", outcomes.count, batchCount, Date().timeIntervalSince(batchStart)))
                batchStart = Date()
                batchCount = 0
            }
        }
        let seconds = Date().timeIntervalSince(start)
        let errors = outcomes.compactMap { o in o.error.map { "\(o.id) : \($0)" } }
        print(String(format: "%d observatoires en %.1f s, %d erreur(s)", outcomes.count, seconds, errors.count))
        for e in errors.prefix(5) { print("  \(e)") }
        if let report = options["report"] {
            let object: [String: Any] = ["seconds": seconds, "errors": errors,
                                         "sent": Dictionary(uniqueKeysWithValues: outcomes.map { ($0.id, $0.sent) })]
            try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]).write(to: URL(fileURLWithPath: report))
        }
        if !errors.isEmpty { exit(1) }
    }
}

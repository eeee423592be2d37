import Crypto
import Foundation
import PostgresNIO
import VigieCore

/// Writes an observatory's payload into the hub. Each dataset is cut into periods (a month; the
/// populations are one period, « - »), each period has a digest of its rows: publishing replaces,
/// in one transaction, the periods whose digest changed, and removes the periods the observatory
/// no longer publishes. Publishing the same figures twice writes nothing.
public enum HubPublisher {
    /// What one publication did.
    public struct Summary: Sendable, Codable, Equatable {
        public var observatory: String
        public var periodsReplaced: Int
        public var periodsRemoved: Int
        public var periodsUnchanged: Int
        public var rowsWritten: Int
        /// The hub's publication number, nil when nothing changed.
        public var publication: Int64?
    }

    /// One dataset's rows, cut by period, each row as the columns the hub stores.
    struct Slice {
        var dataset: String
        var period: String
        var digest: String
        var count: Int
    }

    public static func publish(_ payload: HubPayload, session: HubSession) async throws -> Summary {
        try await HubSchema.requireCurrent(session)
        let own = try await session.run("SELECT vigie_hub.own_observatory()").first?.decode(String?.self) ?? nil
        guard let own else {
            throw VigieError(.usage, "le rôle « \(session.address.role) » n'est inscrit pour aucun observatoire sur le hub",
                             hint: "L'informatique du département l'inscrit avec vigie hub observatory add --id \(payload.observatory) --role \(session.address.role).")
        }
        guard own == payload.observatory else {
            throw VigieError(.usage, "le rôle « \(session.address.role) » publie pour l'observatoire « \(own) », pas pour « \(payload.observatory) »",
                             hint: "Vérifiez hub: id dans settings.yaml et le rôle de l'adresse du hub : chaque observatoire n'écrit que ses propres lignes.")
        }
        let facts = Dictionary(grouping: payload.facts, by: \.month)
        let comparables = Dictionary(grouping: payload.comparables, by: \.month)
        let etat = Dictionary(grouping: payload.etat4001, by: \.month)
        let completeness = Dictionary(grouping: payload.completeness, by: \.month)
        var slices: [String: Slice] = [:]
        func add(_ dataset: String, _ period: String, _ lines: [String]) {
            let digest = SHA256.hash(data: Data(lines.sorted().joined(separator: "\n").utf8)).map { String(format: "%02x", $0) }.joined()
            slices["\(dataset)|\(period)"] = Slice(dataset: dataset, period: period, digest: digest, count: lines.count)
        }
        add("population", "-", payload.populations.map { "\($0.commune)\t\($0.quartier)\t\($0.name)\t\($0.population)" })
        for (month, rows) in facts { add("fact", month, rows.map(line)) }
        for (month, rows) in comparables { add("comparable", month, try rows.map(line)) }
        for (month, rows) in etat { add("etat4001", month, rows.map(line)) }
        for (month, rows) in completeness { add("completeness", month, rows.map(line)) }

        let observatory = payload.observatory
        return try await session.transaction {
            // Two publications of one observatory at once: the second waits, then finds nothing to do.
            try await session.run("SELECT pg_advisory_xact_lock(hashtext(\(observatory)))")
            var stored: [String: String] = [:]
            for row in try await session.run("SELECT dataset, period, sha256 FROM vigie_hub.period_digest WHERE observatory = \(observatory)") {
                let (dataset, period, digest) = try row.decode((String, String, String).self)
                stored["\(dataset)|\(period)"] = digest
            }
            let changed = slices.values.filter { stored[$0.dataset + "|" + $0.period] != $0.digest }
            let removed = Set(stored.keys).subtracting(slices.keys)
            let unchanged = slices.count - changed.count
            guard !changed.isEmpty || !removed.isEmpty else {
                return Summary(observatory: observatory, periodsReplaced: 0, periodsRemoved: 0, periodsUnchanged: unchanged, rowsWritten: 0, publication: nil)
            }
            let rowsWritten = changed.reduce(0) { $0 + $1.count }
            let publication = try await session.run("""
                INSERT INTO vigie_hub.publication (observatory, periods_replaced, periods_removed, rows_written)
                VALUES (\(observatory), \(changed.count), \(removed.count), \(rowsWritten)) RETURNING id
                """).first?.decode(Int64.self) ?? 0
            func periods(_ dataset: String) -> [String] {
                changed.filter { $0.dataset == dataset }.map(\.period)
                    + removed.filter { $0.hasPrefix(dataset + "|") }.map { String($0.dropFirst(dataset.count + 1)) }
            }
            let digestKeys = changed.map { "\($0.dataset)|\($0.period)" } + Array(removed)
            try await session.run("""
                DELETE FROM vigie_hub.period_digest WHERE observatory = \(observatory) AND dataset || '|' || period = ANY(\(digestKeys))
                """)

            if !periods("population").isEmpty {
                try await session.run("DELETE FROM vigie_hub.population WHERE observatory = \(observatory)")
                let p = payload.populations
                try await session.run("""
                    INSERT INTO vigie_hub.population (observatory, commune, quartier, name, population, publication)
                    SELECT \(observatory), u.commune, u.quartier, u.name, u.population, \(publication)
                    FROM unnest(\(p.map(\.commune)), \(p.map(\.quartier)), \(p.map(\.name)), \(p.map(\.population)))
                      AS u(commune, quartier, name, population)
                    """)
            }
            let factMonths = periods("fact")
            if !factMonths.isEmpty {
                try await session.run("DELETE FROM vigie_hub.fact WHERE observatory = \(observatory) AND month = ANY(\(factMonths))")
                let rows = factMonths.flatMap { facts[$0] ?? [] }
                try await session.run("""
                    INSERT INTO vigie_hub.fact (observatory, month, commune, quartier, category, value, state, shown, submissions, publication)
                    SELECT \(observatory), u.month, u.commune, u.quartier, u.category,
                           CASE WHEN u.state = 'suppressed' THEN NULL ELSE u.value END, u.state, u.shown, u.submissions::bigint[], \(publication)
                    FROM unnest(\(rows.map(\.month)), \(rows.map(\.commune)), \(rows.map(\.quartier)), \(rows.map(\.category)),
                                \(rows.map { $0.value ?? 0 }), \(rows.map(\.state.rawValue)), \(rows.map(\.shown)), \(rows.map { arrayText($0.submissions) }))
                      AS u(month, commune, quartier, category, value, state, shown, submissions)
                    """)
            }
            let comparableMonths = periods("comparable")
            if !comparableMonths.isEmpty {
                try await session.run("DELETE FROM vigie_hub.comparable WHERE observatory = \(observatory) AND month = ANY(\(comparableMonths))")
                let rows = comparableMonths.flatMap { comparables[$0] ?? [] }
                // The feeds left out, one JSON array of texts a row: unnest cannot take an array of arrays.
                let leftOut = try rows.map { String(decoding: try JSONEncoder().encode($0.leftOut), as: UTF8.self) }
                try await session.run("""
                    INSERT INTO vigie_hub.comparable (observatory, month, commune, quartier, category, current_value, current_state, current_shown,
                                                      previous_value, previous_state, previous_shown, left_out, submissions, publication)
                    SELECT \(observatory), u.month, u.commune, u.quartier, u.category,
                           CASE WHEN u.current_state = 'suppressed' THEN NULL ELSE u.current_value END, u.current_state, u.current_shown,
                           CASE WHEN u.previous_state IN ('', 'suppressed') THEN NULL ELSE u.previous_value END,
                           NULLIF(u.previous_state, ''), CASE WHEN u.previous_state = '' THEN NULL ELSE u.previous_shown END,
                           ARRAY(SELECT jsonb_array_elements_text(u.left_out::jsonb)), u.submissions::bigint[], \(publication)
                    FROM unnest(\(rows.map(\.month)), \(rows.map(\.commune)), \(rows.map(\.quartier)), \(rows.map(\.category)),
                                \(rows.map { $0.current.value ?? 0 }), \(rows.map(\.current.state.rawValue)), \(rows.map(\.current.shown)),
                                \(rows.map { $0.previous?.value ?? 0 }), \(rows.map { $0.previous?.state.rawValue ?? "" }), \(rows.map { $0.previous?.shown ?? "" }),
                                \(leftOut), \(rows.map { arrayText($0.submissions) }))
                      AS u(month, commune, quartier, category, current_value, current_state, current_shown,
                           previous_value, previous_state, previous_shown, left_out, submissions)
                    """)
            }
            let etatMonths = periods("etat4001")
            if !etatMonths.isEmpty {
                try await session.run("DELETE FROM vigie_hub.etat4001 WHERE observatory = \(observatory) AND month = ANY(\(etatMonths))")
                let rows = etatMonths.flatMap { etat[$0] ?? [] }
                try await session.run("""
                    INSERT INTO vigie_hub.etat4001 (observatory, month, unit, commune, index, value, state, shown, submission, publication)
                    SELECT \(observatory), u.month, u.unit, u.commune, u.index,
                           CASE WHEN u.state = 'suppressed' THEN NULL ELSE u.value END, u.state, u.shown, u.submission, \(publication)
                    FROM unnest(\(rows.map(\.month)), \(rows.map(\.unit)), \(rows.map(\.commune)), \(rows.map(\.index)),
                                \(rows.map { $0.value ?? 0 }), \(rows.map(\.state.rawValue)), \(rows.map(\.shown)), \(rows.map(\.submission)))
                      AS u(month, unit, commune, index, value, state, shown, submission)
                    """)
            }
            let completenessMonths = periods("completeness")
            if !completenessMonths.isEmpty {
                try await session.run("DELETE FROM vigie_hub.completeness WHERE observatory = \(observatory) AND month = ANY(\(completenessMonths))")
                let rows = completenessMonths.flatMap { completeness[$0] ?? [] }
                try await session.run("""
                    INSERT INTO vigie_hub.completeness (observatory, feed, label, role, month, state, submissions, publication)
                    SELECT \(observatory), u.feed, u.label, u.role, u.month, u.state, u.submissions::bigint[], \(publication)
                    FROM unnest(\(rows.map(\.feed)), \(rows.map(\.label)), \(rows.map(\.role)), \(rows.map(\.month)), \(rows.map(\.state)),
                                \(rows.map { arrayText($0.submissions) }))
                      AS u(feed, label, role, month, state, submissions)
                    """)
            }
            try await session.run("""
                INSERT INTO vigie_hub.period_digest (observatory, dataset, period, sha256, publication)
                SELECT \(observatory), u.dataset, u.period, u.sha256, \(publication)
                FROM unnest(\(changed.map(\.dataset)), \(changed.map(\.period)), \(changed.map(\.digest))) AS u(dataset, period, sha256)
                """)
            try await session.run("""
                UPDATE vigie_hub.observatory SET name = \(payload.name), min_cell = \(payload.minCell), published_at = now() WHERE id = \(observatory)
                """)
            return Summary(observatory: observatory, periodsReplaced: changed.count, periodsRemoved: removed.count,
                           periodsUnchanged: unchanged, rowsWritten: rowsWritten, publication: publication)
        }
    }

    /// `{12,15}`: a bigint[] literal, cast by the server (the array is bound as text).
    static func arrayText(_ ids: [Int64]) -> String { "{" + ids.map(String.init).joined(separator: ",") + "}" }

    static func line(_ f: HubFact) -> String {
        "\(f.commune)\t\(f.quartier)\t\(f.category)\t\(f.value.map(String.init) ?? "")\t\(f.state.rawValue)\t\(f.shown)\t\(arrayText(f.submissions))"
    }

    static func line(_ c: HubComparable) throws -> String {
        func count(_ n: HubCount?) -> String { n.map { "\($0.value.map(String.init) ?? "")\t\($0.state.rawValue)\t\($0.shown)" } ?? "\t\t" }
        let leftOut = String(decoding: try JSONEncoder().encode(c.leftOut), as: UTF8.self)
        return "\(c.commune)\t\(c.quartier)\t\(c.category)\t\(count(c.current))\t\(count(c.previous))\t\(leftOut)\t\(arrayText(c.submissions))"
    }

    static func line(_ e: HubEtat4001) -> String {
        "\(e.unit)\t\(e.commune)\t\(e.index)\t\(e.value.map(String.init) ?? "")\t\(e.state.rawValue)\t\(e.shown)\t\(e.submission)"
    }

    static func line(_ c: HubCompleteness) -> String {
        "\(c.feed)\t\(c.label)\t\(c.role)\t\(c.state)\t\(arrayText(c.submissions))"
    }
}

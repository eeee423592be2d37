import Foundation
import GRDB
import PostgresNIO
import XCTest
import VigieCore
import VigiePipeline
@testable import VigieHub

/// The departmental hub on a real PostgreSQL server: three observatories (the demo and two
/// generated with other territories) publish into one hub; the hub's rows are checked against
/// each observatory's own store, read here with plain SQL on its SQLite file.
final class HubTests: XCTestCase {
    /// The server, the hub and the three observatories, made once for the class.
    final class World: @unchecked Sendable {
        let server: PostgresServer
        let database = "hub"
        let root: URL
        var observatories: [(id: String, location: ObservatoryLocation, role: String, passwordFile: String)] = []

        init() throws {
            server = try PostgresServer()
            root = server.folder.appendingPathComponent("observatoires")
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            let admin = HubCredentials(address: try HubAddress(url: server.url), password: server.superuserPassword)
            _ = try runBlocking { try await HubSession.with(admin) { try await $0.run("CREATE DATABASE hub") } }
            let owner = HubCredentials(address: try HubAddress(url: server.url(role: "postgres", database: database)), password: server.superuserPassword)
            _ = try InitHub(credentials: owner).run()

            let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            let config = repository.appendingPathComponent("Config")
            setenv("VIGIE_HMAC_KEY", String(repeating: "ab", count: 32), 1)
            // The demo: the sample files of Plaine Centrale.
            let demo = ObservatoryLocation(configDirectory: config, databasePath: root.appendingPathComponent("demo.sqlite").path)
            _ = try Demo.run(try demo.open(), sampleData: repository.appendingPathComponent("SampleData")) { _ in }
            var all = [("plaine-centrale", demo)]
            for generated in [GeneratedObservatory.valDOrly, .bordsDeMarne] {
                let folder = root.appendingPathComponent(generated.id)
                all.append((generated.id, try generated.build(in: folder, referenceConfig: config)))
            }
            for (id, location) in all {
                let role = "vigie_obs_" + id.replacingOccurrences(of: "-", with: "_")
                let passwordFile = root.appendingPathComponent("\(id).password")
                _ = FileManager.default.createFile(atPath: passwordFile.path, contents: Data("mdp-\(id)".utf8), attributes: [.posixPermissions: 0o600])
                _ = try AddHubRole(credentials: owner, kind: .observatory(id: id, name: id), role: role, rolePassword: "mdp-\(id)").run()
                observatories.append((id, location, role, passwordFile.path))
            }
            _ = try AddHubRole(credentials: owner, kind: .analyst, role: "analyste_test", rolePassword: "mdp-analyste").run()
            for o in observatories { _ = try publish(o.id) }
        }

        var owner: HubCredentials {
            HubCredentials(address: HubAddress(host: "127.0.0.1", port: server.port, database: database, role: "postgres"), password: server.superuserPassword)
        }

        func credentials(_ id: String) -> HubCredentials {
            let role = "vigie_obs_" + id.replacingOccurrences(of: "-", with: "_")
            return HubCredentials(address: HubAddress(host: "127.0.0.1", port: server.port, database: database, role: role), password: "mdp-\(id)")
        }

        func location(_ id: String) -> ObservatoryLocation { observatories.first { $0.id == id }!.location }

        func publish(_ id: String) throws -> PublishToHub.Result {
            let o = observatories.first { $0.id == id }!
            return try PublishToHub(url: server.url(role: o.role, database: database), passwordFile: o.passwordFile).run(at: o.location)
        }

        /// Rows of `query` run as the hub's owner.
        func rows(_ query: PostgresQuery, as credentials: HubCredentials? = nil) throws -> [PostgresRow] {
            try runBlocking { [owner] in try await HubSession.with(credentials ?? owner) { try await $0.run(query) } }
        }
    }

    nonisolated(unsafe) static var world: World?
    nonisolated(unsafe) static var failure: (any Error)?

    func world() throws -> World {
        if let failure = Self.failure { throw failure }
        if let world = Self.world { return world }
        do {
            Self.world = try World()
            return Self.world!
        } catch {
            Self.failure = error
            throw error
        }
    }

    override class func tearDown() {
        world?.server.stop()
        super.tearDown()
    }

    // MARK: The hub against each observatory's store

    /// The facts by month, commune and category (fact feeds: incident lists other than
    /// complaints, and monthly counts placed in the territory), read from the store with SQL.
    static func storeFacts(_ location: ObservatoryLocation) throws -> [String: Int] {
        var facts: [String: Int] = [:]
        for (key, value) in try storeFactsByFeed(location) {
            facts[key.split(separator: "|", omittingEmptySubsequences: false).prefix(3).joined(separator: "|"), default: 0] += value
        }
        return facts
    }

    /// The same by month, commune, category and feed (« partner/feed »): « 2026-09|94017|incendies|bailleur-est/signalements ».
    static func storeFactsByFeed(_ location: ObservatoryLocation) throws -> [String: Int] {
        let observatory = try location.open()
        let incidentFeeds = Set(observatory.config.partners.flatMap(\.feeds).filter { $0.kind == .incidents && $0.columns["channel"] == nil }.map(\.key.description))
        let countFeeds = Set(observatory.config.partners.flatMap(\.feeds).filter { $0.kind == .counts && $0.cadence == .monthly }.map(\.key.description))
        let db = try DatabaseQueue(path: location.databasePath)
        var facts: [String: Int] = [:]
        try db.read { db in
            for row in try Row.fetchAll(db, sql: """
                SELECT i.day, i.commune, COALESCE(i.category, '') AS category, s.partner || '/' || s.feed AS feed
                FROM incident i JOIN submission s ON s.id = i.submission_id
                WHERE EXISTS (SELECT 1 FROM submission_period sp WHERE sp.submission_id = i.submission_id AND sp.superseded_by IS NULL)
                """) where incidentFeeds.contains(row["feed"]) {
                let day = CivilDate(dayNumber: row["day"])
                let month = String(format: "%04d-%02d", day.year, day.month)
                let category: String = row["category"]
                facts["\(month)|\(row["commune"] as String)|\(category.isEmpty ? "non-classe" : category)|\(row["feed"] as String)", default: 0] += 1
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT c.period, c.commune, COALESCE(c.category, '') AS category, c.value, s.partner || '/' || s.feed AS feed
                FROM count_value c JOIN submission s ON s.id = c.submission_id
                JOIN submission_period sp ON sp.submission_id = c.submission_id AND sp.period = c.period
                WHERE sp.superseded_by IS NULL AND c.commune IS NOT NULL AND c.commune <> ''
                """) where countFeeds.contains(row["feed"]) {
                let category: String = row["category"]
                facts["\(row["period"] as String)|\(row["commune"] as String)|\(category.isEmpty ? "non-classe" : category)|\(row["feed"] as String)", default: 0] += row["value"] as Int
            }
        }
        return facts
    }

    func testTheHubHoldsEachObservatorysFiguresAsItsStoreHasThem() throws {
        let world = try world()
        var totalChecked = 0
        defer { XCTAssertGreaterThan(totalChecked, 50, "published cells compared with the stores") }
        for (id, location, _, _) in world.observatories {
            let expected = try Self.storeFacts(location)
            let rows = try world.rows("""
                SELECT month, commune, category, value, state, shown FROM vigie_hub.fact
                WHERE observatory = \(id) AND quartier = '' AND commune <> '*' AND category <> '*'
                """)
            XCTAssertGreaterThan(rows.count, 100, id)
            var months: Set<String> = []
            var checked = 0
            for row in rows {
                let (month, commune, category, value, state, shown) = try row.decode((String, String, String, Int?, String, String).self)
                months.insert(month)
                let truth = expected["\(month)|\(commune)|\(category)"] ?? 0
                switch state {
                case "published": XCTAssertEqual(value, truth, "\(id) \(month) \(commune) \(category)"); checked += 1
                case "zero": XCTAssertEqual(truth, 0, "\(id) \(month) \(commune) \(category)")
                default:
                    XCTAssertNil(value)
                    XCTAssertGreaterThan(truth, 0, "a zero is never hidden: \(id) \(month) \(commune) \(category)")
                    if truth < 5 { XCTAssertTrue(shown == "< 5" || shown == "s", shown) }
                }
            }
            totalChecked += checked
            // Every month of the store's figures up to the last month over is at the hub.
            for key in expected.keys where expected[key]! > 0 {
                let month = String(key.prefix(7))
                if month <= "2026-11" && month >= (months.min() ?? "") { XCTAssertTrue(months.contains(month), "\(id) \(month)") }
            }
            // Commune totals (category « * ») are the sums of the store's figures.
            for row in try world.rows("""
                SELECT month, commune, value FROM vigie_hub.fact
                WHERE observatory = \(id) AND quartier = '' AND commune <> '*' AND category = '*' AND state = 'published'
                """) {
                let (month, commune, value) = try row.decode((String, String, Int).self)
                let truth = expected.filter { $0.key.hasPrefix("\(month)|\(commune)|") }.values.reduce(0, +)
                XCTAssertEqual(value, truth, "\(id) \(month) \(commune) total")
            }
        }
    }

    func testTheEtat4001IsAtTheHubByUnitAndIndexWithItsSubmission() throws {
        let world = try world()
        for (id, location, _, _) in world.observatories {
            let db = try DatabaseQueue(path: location.databasePath)
            let truth: [String: (Int, Int64)] = try db.read { db in
                var result: [String: (Int, Int64)] = [:]
                for row in try Row.fetchAll(db, sql: """
                    SELECT c.period, c.unit, c.code, SUM(c.value) AS value, MAX(c.submission_id) AS submission
                    FROM count_value c JOIN submission s ON s.id = c.submission_id
                    JOIN submission_period sp ON sp.submission_id = c.submission_id AND sp.period = c.period
                    WHERE sp.superseded_by IS NULL AND s.feed = 'etat4001' GROUP BY c.period, c.unit, c.code
                    """) {
                    let code: String = row["code"]
                    result["\(row["period"] as String)|\(row["unit"] as String)|\(Int(code.split(separator: "-").last ?? "") ?? -1)"] = (row["value"], row["submission"])
                }
                return result
            }
            let rows = try world.rows("SELECT month, unit, index, value, state, submission FROM vigie_hub.etat4001 WHERE observatory = \(id)")
            XCTAssertEqual(rows.count, truth.count, "\(id): one hub row per stored month, unit and index")
            for row in rows {
                let (month, unit, index, value, state, submission) = try row.decode((String, String, Int, Int?, String, Int64).self)
                guard let (expected, expectedSubmission) = truth["\(month)|\(unit)|\(index)"] else { XCTFail("\(id) \(month) \(unit) \(index) not in the store"); continue }
                XCTAssertEqual(submission, expectedSubmission)
                switch state {
                case "suppressed": XCTAssertGreaterThan(expected, 0)
                default: XCTAssertEqual(value, expected, "\(id) \(month) \(unit) \(index)")
                }
            }
        }
    }

    func testAMonthNotReceivedStaysNonRecuAtTheHub() throws {
        let world = try world()
        for generated in [GeneratedObservatory.valDOrly, .bordsDeMarne] {
            let rows = try world.rows("""
                SELECT state, cardinality(submissions) FROM vigie_hub.completeness
                WHERE observatory = \(generated.id) AND feed = 'police-nationale/main-courante' AND month = \(generated.skippedMonth)
                """)
            XCTAssertEqual(rows.count, 1)
            let (state, submissions) = try rows[0].decode((String, Int).self)
            XCTAssertEqual(state, "non reçu")
            XCTAssertEqual(submissions, 0)
            let received = try world.rows("""
                SELECT count(*) FROM vigie_hub.completeness
                WHERE observatory = \(generated.id) AND feed = 'police-nationale/main-courante' AND state = 'reçu'
                """)
            XCTAssertEqual(try received[0].decode(Int.self), 21, "22 months written, one skipped")
        }
    }

    func testPublishingTwiceChangesNothing() throws {
        let world = try world()
        XCTAssertGreaterThan(try world.rows("SELECT count(*) FROM vigie_hub.comparable")[0].decode(Int.self), 100, "pairs at the hub")
        let before = try world.server.dump(database: world.database)
        for o in world.observatories {
            let result = try world.publish(o.id)
            XCTAssertNil(result.summary.publication, o.id)
            XCTAssertEqual(result.summary.rowsWritten, 0)
        }
        let after = try world.server.dump(database: world.database)
        // pg_dump 15.14+ writes a random \\restrict key in each dump: not data.
        func data(_ dump: String) -> [Substring] { dump.split(separator: "\n").filter { !$0.hasPrefix("\\restrict") && !$0.hasPrefix("\\unrestrict") } }
        let (old, new) = (data(before), data(after))
        XCTAssertEqual(old.count, new.count)
        if let i = zip(old, new).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
            XCTFail("the dump differs at line \(i + 1): « \(old[i]) » then « \(new[i]) »")
        }
    }

    func testACorrectedFileReplacesWhatItSuperseded() throws {
        let world = try world()
        let generated = GeneratedObservatory.bordsDeMarne
        let location = world.location(generated.id)
        let observatory = try location.open()
        var etat = "Index;Libellé;\(generated.communes.map(\.name).joined(separator: ";"))\n"
        for index in 1...107 { etat += "\(index);Index \(index);\(index == 5 ? 777 : 0);\(index == 5 ? 555 : 0)\n" }
        let url = world.root.appendingPathComponent("etat4001_correction_2026-02.csv")
        try etat.write(to: url, atomically: true, encoding: .utf8)
        let ingest = try observatory.ingest(url, partner: "police-nationale", feed: "etat4001", period: .month(2026, 2))
        guard case .loaded(let report)? = ingest.outcome, let newSubmission = report.submission.id else { return XCTFail("correction not loaded") }
        let result = try world.publish(generated.id)
        XCTAssertNotNil(result.summary.publication)
        let rows = try world.rows("""
            SELECT unit, value, submission FROM vigie_hub.etat4001 WHERE observatory = \(generated.id) AND month = '2026-02' AND index = 5 ORDER BY unit
            """)
        var values: [Int?] = []
        for row in rows {
            let (_, value, _) = try row.decode((String, Int?, Int64).self)
            values.append(value)
        }
        XCTAssertEqual(values, [777, 555])
        XCTAssertEqual(try Set(world.rows("SELECT DISTINCT submission FROM vigie_hub.etat4001 WHERE observatory = \(generated.id) AND month = '2026-02'").map { try $0.decode(Int64.self) }),
                       [newSubmission])
        // Other months keep what they had: only February's rows were rewritten.
        let rewritten = try world.rows("""
            SELECT DISTINCT month FROM vigie_hub.etat4001 WHERE observatory = \(generated.id) AND publication = \(result.summary.publication!)
            """).map { try $0.decode(String.self) }
        XCTAssertEqual(rewritten, ["2026-02"])
    }

    // MARK: Like-for-like pairs

    /// The pairs of one month of bords-de-marne at the hub, by commune and category (quartier '').
    func pairs(_ month: String) throws -> [String: (current: Int?, currentState: String, previous: Int?, previousState: String?, leftOut: [String])] {
        var result: [String: (current: Int?, currentState: String, previous: Int?, previousState: String?, leftOut: [String])] = [:]
        for row in try world().rows("""
            SELECT commune, category, current_value, current_state, previous_value, previous_state, left_out FROM vigie_hub.comparable
            WHERE observatory = 'bords-de-marne' AND month = \(month) AND quartier = ''
            """) {
            let (commune, category, current, currentState, previous, previousState, leftOut) = try row.decode((String, String, Int?, String, Int?, String?, [String]).self)
            result["\(commune)|\(category)"] = (current, currentState, previous, previousState, leftOut)
        }
        return result
    }

    /// The store's count of `month` for a cell (« * » margins summed), the feed `only` or all but `without`.
    static func storeCount(_ byFeed: [String: Int], month: String, commune: String, category: String, only: String? = nil, without: String? = nil) -> Int {
        byFeed.filter { key, _ in
            let parts = key.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            return parts[0] == month && (commune == "*" || parts[1] == commune) && (category == "*" || parts[2] == category)
                && (only.map { parts[3] == $0 } ?? true) && (without.map { parts[3] != $0 } ?? true)
        }.values.reduce(0, +)
    }

    /// The landlord of bords-de-marne never sent 2025-08 nor 2026-09 (its first commune only).
    /// 2026-09 against 2025-09 leaves it out of both sides; 2026-08 against 2025-08 likewise. The
    /// pairs' published numbers are the store's without it; a cell it adds 1…4 to (and that is not
    /// 0 without it) is hidden: its count would otherwise be the fact minus the pair.
    func testThePairsLeaveTheMissingFeedOutOfBothSidesAndHideWhatItAddsBelowMinCell() throws {
        let world = try world()
        let generated = GeneratedObservatory.bordsDeMarne
        let byFeed = try Self.storeFactsByFeed(world.location(generated.id))
        let landlord = GeneratedObservatory.landlordFeed
        let communes = generated.communes.map(\.insee) + ["*"]
        var hidden = 0, published = 0
        for (month, side, reference, reason) in [("2026-09", "previous", "2025-09", "non reçu"), ("2026-08", "current", "2026-08", "non reçu en 2025-08")] {
            let pairs = try pairs(month)
            let categories = try world.location(generated.id).open().config.nomenclature.categories.count + 2
            XCTAssertEqual(pairs.count, communes.count * categories, "\(month): communes and territory × categories, « non classé » and the total")
            for commune in communes {
                let expectedLeftOut = commune == generated.communes[1].insee ? [] : ["\(GeneratedObservatory.landlordLabel) : \(reason)"]
                XCTAssertEqual(pairs["\(commune)|*"]?.leftOut, expectedLeftOut, "\(month) \(commune)")
            }
            for (key, pair) in pairs {
                let parts = key.split(separator: "|").map(String.init)
                let added = Self.storeCount(byFeed, month: reference, commune: parts[0], category: parts[1], only: landlord)
                let without = Self.storeCount(byFeed, month: reference, commune: parts[0], category: parts[1], without: landlord)
                let (value, state) = side == "current" ? (pair.current, pair.currentState) : (pair.previous, pair.previousState ?? "absent")
                if (1...4).contains(added) && without > 0 {
                    XCTAssertEqual(state, "suppressed", "\(month) \(key): the landlord adds \(added) to \(without)")
                    hidden += 1
                }
                if state != "suppressed" {
                    XCTAssertEqual(value, without, "\(month) \(key) \(side)")
                    published += 1
                }
                // The other side holds no landlord figure: the store's count, when shown.
                let otherMonth = side == "current" ? "2025-08" : "2026-09"
                let (other, otherState) = side == "current" ? (pair.previous, pair.previousState ?? "absent") : (pair.current, pair.currentState)
                if otherState != "suppressed" {
                    XCTAssertEqual(other, Self.storeCount(byFeed, month: otherMonth, commune: parts[0], category: parts[1], without: landlord), "\(month) \(key) other side")
                }
            }
        }
        XCTAssertGreaterThan(hidden, 3, "cells the landlord adds 1 to 4 to")
        XCTAssertGreaterThan(published, 20)
        // A month that leaves nothing out is the facts of both months.
        let full = try pairs("2026-10")
        XCTAssertTrue(full.values.allSatisfy { $0.leftOut.isEmpty })
        for (key, pair) in full where pair.currentState == "published" {
            let parts = key.split(separator: "|").map(String.init)
            XCTAssertEqual(pair.current, Self.storeCount(byFeed, month: "2026-10", commune: parts[0], category: parts[1]), key)
        }
        // Nothing of 2024 was owed (the feeds start in 2025-01): no previous.
        XCTAssertTrue(try pairs("2025-06").values.allSatisfy { $0.previousState == nil && $0.previous == nil })
    }

    /// A corrected list replaces its month's pairs (and nothing else); publishing again then writes nothing.
    func testACorrectedListReplacesItsMonthsPairs() throws {
        let world = try world()
        let generated = GeneratedObservatory.bordsDeMarne
        let observatory = try world.location(generated.id).open()
        var list = "Date;Commune;Quartier;Adresse;Nature;Résumé;N° de procédure\n"
        for i in 1...40 {
            let c = generated.communes[i % 2]
            list += String(format: "%02d/05/2026", 1 + i % 28) + ";\(c.name);\(c.quartiers[0].name);\(i) rue Corrigée;Cambriolage;Correction \(i);PV-corr-\(i)\n"
        }
        let url = world.root.appendingPathComponent("main-courante_correction_2026-05.csv")
        try list.write(to: url, atomically: true, encoding: .utf8)
        let ingest = try observatory.ingest(url, partner: "police-nationale", feed: "main-courante", period: .month(2026, 5))
        guard case .loaded? = ingest.outcome else { return XCTFail("correction not loaded") }
        let result = try world.publish(generated.id)
        let publication = try XCTUnwrap(result.summary.publication)
        let months = try world.rows("""
            SELECT DISTINCT month FROM vigie_hub.comparable WHERE observatory = \(generated.id) AND publication = \(publication)
            """).map { try $0.decode(String.self) }
        XCTAssertEqual(months, ["2026-05"])
        let byFeed = try Self.storeFactsByFeed(world.location(generated.id))
        let pairs = try pairs("2026-05")
        XCTAssertEqual(pairs["\(generated.communes[0].insee)|vols-cambriolages"]?.current,
                       Self.storeCount(byFeed, month: "2026-05", commune: generated.communes[0].insee, category: "vols-cambriolages"))
        XCTAssertEqual(pairs["*|*"]?.current, 40 + Self.storeCount(byFeed, month: "2026-05", commune: "*", category: "*", only: GeneratedObservatory.landlordFeed))
        XCTAssertNil(try world.publish(generated.id).summary.publication, "nothing changed since")
    }

    // MARK: Versions

    /// A hub already migrated by a newer Vigie: publishing and `hub init` refuse it in words, and change nothing.
    func testAHubNewerThanTheProgramIsRefusedAndLeftAsItIs() throws {
        let world = try world()
        _ = try world.rows("INSERT INTO vigie_hub.migration (version, description) VALUES (99, 'version future')")
        defer { _ = try? world.rows("DELETE FROM vigie_hub.migration WHERE version = 99") }
        func data(_ dump: String) -> [Substring] { dump.split(separator: "\n").filter { !$0.hasPrefix("\\restrict") && !$0.hasPrefix("\\unrestrict") } }
        let before = data(try world.server.dump(database: world.database))
        func checkRefusal(_ error: any Error) {
            let vigie = error as? VigieError
            XCTAssertTrue(vigie?.message.contains("est en version 99, plus récente que ce programme (version 2)") ?? false, "\(error)")
            XCTAssertTrue(vigie?.hint?.contains("Mettez Vigie à jour") ?? false, "\(error)")
        }
        XCTAssertThrowsError(try world.publish("val-d-orly"), "publish") { checkRefusal($0) }
        XCTAssertThrowsError(try InitHub(credentials: world.owner).run(), "init") { checkRefusal($0) }
        XCTAssertEqual(before, data(try world.server.dump(database: world.database)), "nothing changed")
    }

    // MARK: Row-level security

    func testAnObservatoryCannotWriteOrChangeAnothersRows() throws {
        let world = try world()
        let a = world.credentials("val-d-orly")
        let b = "bords-de-marne"
        let countOfB = try world.rows("SELECT count(*) FROM vigie_hub.fact WHERE observatory = \(b)")[0].decode(Int.self)
        XCTAssertGreaterThan(countOfB, 0)
        // Inserting a row for B: refused by the policy.
        XCTAssertThrowsError(try world.rows("""
            INSERT INTO vigie_hub.fact (observatory, month, commune, category, value, state, shown, submissions, publication)
            SELECT \(b), '2020-01', '94017', 'incendies', 1, 'published', '1', '{}', MIN(id) FROM vigie_hub.publication
            """, as: a)) { error in
            XCTAssertTrue("\(error)".contains("refuse cette écriture") || "\(error)".contains("row-level"), "\(error)")
        }
        // Updating or deleting B's rows: they are invisible, nothing changes.
        let updated = try runBlocking { try await HubSession.with(a) { session in
            try await session.connection.query("UPDATE vigie_hub.fact SET value = 0 WHERE observatory = \(b)", logger: session.logger).collect().count
        } }
        XCTAssertEqual(updated, 0)
        _ = try world.rows("DELETE FROM vigie_hub.fact WHERE observatory = \(b)", as: a)
        _ = try world.rows("DELETE FROM vigie_hub.etat4001 WHERE observatory <> 'val-d-orly'", as: a)
        XCTAssertEqual(try world.rows("SELECT count(*) FROM vigie_hub.fact WHERE observatory = \(b)", as: a)[0].decode(Int.self), 0, "A does not even see B's rows")
        XCTAssertEqual(try world.rows("SELECT count(*) FROM vigie_hub.fact WHERE observatory = \(b)")[0].decode(Int.self), countOfB)
        XCTAssertGreaterThan(try world.rows("SELECT count(*) FROM vigie_hub.etat4001 WHERE observatory = 'plaine-centrale'")[0].decode(Int.self), 0)
        // The like-for-like pairs likewise: no row for B, B's rows invisible and unchanged.
        let pairsOfB = try world.rows("SELECT count(*) FROM vigie_hub.comparable WHERE observatory = \(b)")[0].decode(Int.self)
        XCTAssertGreaterThan(pairsOfB, 0)
        XCTAssertThrowsError(try world.rows("""
            INSERT INTO vigie_hub.comparable (observatory, month, commune, category, current_value, current_state, current_shown, left_out, submissions, publication)
            SELECT \(b), '2020-01', '94017', '*', 1, 'published', '1', '{}', '{}', MIN(id) FROM vigie_hub.publication
            """, as: a)) { error in
            XCTAssertTrue("\(error)".contains("refuse cette écriture") || "\(error)".contains("row-level"), "\(error)")
        }
        _ = try world.rows("UPDATE vigie_hub.comparable SET current_value = 0 WHERE observatory = \(b) AND current_value IS NOT NULL", as: a)
        _ = try world.rows("DELETE FROM vigie_hub.comparable WHERE observatory = \(b)", as: a)
        XCTAssertEqual(try world.rows("SELECT count(*) FROM vigie_hub.comparable WHERE observatory = \(b)", as: a)[0].decode(Int.self), 0)
        XCTAssertEqual(try world.rows("SELECT count(*) FROM vigie_hub.comparable WHERE observatory = \(b)")[0].decode(Int.self), pairsOfB)
        XCTAssertEqual(try world.rows("SELECT count(*) FROM vigie_hub.comparable WHERE observatory = \(b) AND current_value = 0 AND current_state = 'published'")[0].decode(Int.self), 0)
        XCTAssertThrowsError(try world.rows("UPDATE vigie_hub.comparable SET observatory = \(b) WHERE observatory = 'val-d-orly'", as: a))
        // Moving one of its own rows to B: refused too.
        XCTAssertThrowsError(try world.rows("UPDATE vigie_hub.fact SET observatory = \(b) WHERE observatory = 'val-d-orly'", as: a))
        // Publishing under another observatory's id: refused with words.
        var payload = try HubExtract.payload(world.location("val-d-orly").open())
        payload.observatory = b
        XCTAssertThrowsError(try runBlocking { [payload] in try await HubSession.with(a) { try await HubPublisher.publish(payload, session: $0) } }) { error in
            XCTAssertTrue("\(error)".contains("publie pour l'observatoire « val-d-orly »"), "\(error)")
        }
        // The analysts read everything and write nothing.
        let analyst = HubCredentials(address: HubAddress(host: "127.0.0.1", port: world.server.port, database: world.database, role: "analyste_test"), password: "mdp-analyste")
        XCTAssertEqual(try world.rows("SELECT count(DISTINCT observatory) FROM vigie_hub.fact", as: analyst)[0].decode(Int.self), 3)
        XCTAssertThrowsError(try world.rows("DELETE FROM vigie_hub.fact WHERE observatory = \(b)", as: analyst))
        // A wrong password is said in words.
        var wrong = a
        wrong.password = "pas-le-bon"
        XCTAssertThrowsError(try world.rows("SELECT 1", as: wrong)) { XCTAssertTrue("\($0)".contains("refuse le mot de passe"), "\($0)") }
    }

    // MARK: What never leaves an observatory

    func testNoTextAtTheHubHoldsADescriptionAPseudonymOrAnAddress() throws {
        let world = try world()
        var secrets: Set<String> = []
        // Names the configuration makes public (partners, communes, quartiers, places) are not secrets.
        var publicNames: [String] = []
        for o in world.observatories {
            let config = try o.location.open().config
            publicNames += config.partners.map(\.name) + config.territory.communes.map(\.name)
                + config.territory.communes.flatMap { $0.sectors.flatMap(\.quartiers) }.map(\.name) + config.places.map(\.name)
        }
        for o in world.observatories {
            let db = try DatabaseQueue(path: o.location.databasePath)
            try db.read { db in
                for row in try Row.fetchAll(db, sql: "SELECT description, place_text, reference, extra FROM incident") {
                    for column in ["description", "place_text", "reference", "extra"] {
                        if let text = row[column] as String?, text.count >= 8, !publicNames.contains(where: { $0.contains(text) }) { secrets.insert(text) }
                    }
                }
            }
        }
        XCTAssertGreaterThan(secrets.count, 1000)
        XCTAssertTrue(secrets.contains { $0.hasPrefix("Description confidentielle") })
        var hubTexts: Set<String> = []
        let columns = try world.rows("""
            SELECT table_name, column_name FROM information_schema.columns
            WHERE table_schema = 'vigie_hub' AND data_type IN ('text', 'character varying', 'ARRAY')
            """).map { try $0.decode((String, String).self) }
        XCTAssertGreaterThan(columns.count, 15)
        for (table, column) in columns {
            // Identifiers cannot be bound: the names come from the catalogue, quoted by format().
            let query = try world.rows("SELECT format('SELECT DISTINCT %I::text FROM vigie_hub.%I', \(column), \(table))")[0].decode(String.self)
            for row in try world.rows(PostgresQuery(unsafeSQL: query)) {
                if let text = try row.decode(String?.self) { hubTexts.insert(text) }
            }
        }
        XCTAssertGreaterThan(hubTexts.count, 100)
        for text in hubTexts {
            XCTAssertFalse(text.contains("confidentielle") || text.contains("Secrète") || text.contains("Témoin"), text)
            for secret in secrets where text.contains(secret) { XCTFail("« \(secret) » is at the hub in « \(text) »") }
        }
    }
}

import Crypto
import Foundation
import VigieConfig
import VigieCore
import VigieDelivery
import VigieReports
import VigieStore

/// `vigie request fulfil`: writes a request's package into `<out>/<id>/` — one CSV per consented
/// feed (wide, with a header naming feed, period, area, grouping and the secrecy rule) and its
/// cell by cell states, a short HTML analysis, a JSON manifest with every file's SHA-256 — then
/// mails it (`deliver`): the package to the requester, a copy of its data to each consenting
/// owner, a notice of the refusal's effect (nothing attached) to each refusing owner.
/// Every value that leaves comes from a `DisclosedTable`: nothing unprotected is ever written.
public struct RequestPackage {
    public let observatory: Observatory
    /// The store as it was when the package was begun: a load committing meanwhile is in none of its files.
    let store: Store

    public init(_ observatory: Observatory) throws {
        self.observatory = observatory
        store = try observatory.store.snapshot()
    }

    /// What was written.
    public struct Written: Sendable {
        public var folder: URL
        public var files: [URL]
        /// Each file's name, bytes and owner (nil: the analysis and the manifest), as written.
        var contents: [(name: String, data: Data, owner: String?)]
        var extract: RequestExtract
        var html: String
    }

    /// Writes the package and marks the request fulfilled.
    public func fulfil(_ id: String, out: URL, at time: Date = Date()) throws -> Written {
        let request = try store.request(id)
        let extract = try RequestExtract.build(request, answers: try store.answers(request: id), config: observatory.config, store: store)
        let folder = out.appendingPathComponent(id)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])

        var files: [(name: String, data: Data, owner: String?)] = []
        for part in extract.parts {
            guard let table = part.table else { continue }
            let base = "\(part.ref.partner)_\(part.ref.feed)"
            files.append(("\(base).csv", Data(Self.wideTable(part, table: table, extract: extract).text.utf8), part.ref.partner))
            files.append(("\(base)_cellules.csv", Data(Self.cellTable(part, table: table).text.utf8), part.ref.partner))
        }
        let renderer = try TemplateRenderer(directory: observatory.config.directory.appendingPathComponent("templates"))
        let names = DataRequests(observatory)
        let html = try renderer.render("request.html", Self.analysisObject(extract, requester: names.name(of: request.requester),
                                                                         config: observatory.config, issued: time))
        files.append(("analyse.html", Data(html.utf8), nil))
        for file in files { try file.data.write(to: folder.appendingPathComponent(file.name), options: .atomic) }
        let manifest = try Self.manifest(extract, requester: names.name(of: request.requester), files: files.map { ($0.name, $0.data) }, issued: time)
        try manifest.write(to: folder.appendingPathComponent("manifeste.json"), options: .atomic)
        files.append(("manifeste.json", manifest, nil))
        try observatory.store.recordFulfilment(request: id, package: folder.path, at: time)
        return Written(folder: folder, files: files.map { folder.appendingPathComponent($0.name) }, contents: files, extract: extract, html: html)
    }

    static func attachment(_ file: (name: String, data: Data, owner: String?)) -> MailAttachment {
        let type = file.name.hasSuffix(".json") ? "application/json" : file.name.hasSuffix(".html") ? "text/html; charset=utf-8" : "text/csv; charset=utf-8"
        return MailAttachment(filename: file.name, contentType: type, data: file.data)
    }

    /// Mails a written package: to the requester (every file attached, the analysis as the HTML
    /// part), a copy of its own files and the manifest to each consenting owner, a notice of the
    /// refusal's effect with nothing attached to each refusing owner; each fate in the audit log.
    public func deliver(_ written: Written, outgoing: Outgoing, at date: Date = Date()) throws -> [RequestMessage] {
        let post = try RequestPost(observatory, outgoing: outgoing)
        let extract = written.extract, request = extract.request
        let requesterName = post.requests.name(of: request.requester)
        let requesterBoxes = post.requests.mailboxes(of: request.requester)
        guard !requesterBoxes.isEmpty else {
            throw VigieError(.config, "aucune adresse pour le demandeur « \(requesterName) »",
                             hint: "Un partenaire a son adresse dans Config/partners.yaml (contact), une mairie dans Config/recipients.yaml (to) ; "
                                + "le paquet est écrit dans \(written.folder.path).")
        }
        let total = written.contents.map(\.data.count).reduce(0, +)
        guard total <= RequestPost.maxAttachmentBytes else {
            throw VigieError(.usage, "le paquet pèse \(total / 1024) Ko, trop pour un courriel (au plus \(RequestPost.maxAttachmentBytes / 1024 / 1024) Mo)",
                             hint: "Il est écrit dans \(written.folder.path) : transmettez-le autrement, ou resserrez la demande (période, zone, détail).")
        }
        let minCell = observatory.config.settings.minCell
        var messages: [RequestMessage] = []

        var object = post.common(request)
        object["parts"] = extract.parts.map { Self.partLine($0) }
        object["files"] = written.contents.map(\.name).joined(separator: ", ")
        object["minCell"] = String(minCell)
        object["minCellBelow"] = String(minCell - 1)
        let package = try post.message(to: requesterBoxes, subject: "Demande de données \(request.id) — les données transmises",
                                       template: "request-package.txt", object, html: written.html,
                                       attachments: written.contents.map(Self.attachment), date: date)
        messages.append(try post.deliver(package, request: request.id, verb: .packageSent, what: "paquet", recipient: requesterName,
                                         name: "\(request.id)_paquet", at: date))

        for answer in extract.answers {
            let (ownerName, box) = try post.owner(answer.owner)
            var object = post.common(request)
            object["ownFeeds"] = post.feedsText(request.feeds.filter { $0.partner == answer.owner })
            switch answer.decision {
            case .granted:
                let own = written.contents.filter { $0.owner == answer.owner || $0.name == "manifeste.json" }
                object["parts"] = extract.parts.filter { $0.ref.partner == answer.owner }.map { Self.partLine($0) }
                object["files"] = own.map(\.name).joined(separator: ", ")
                let copy = try post.message(to: [box], subject: "Copie de la demande \(request.id) — vos données transmises à \(requesterName)",
                                            template: "request-copy.txt", object, attachments: own.map(Self.attachment), date: date)
                messages.append(try post.deliver(copy, request: request.id, verb: .copyMailed, what: "copie", recipient: ownerName,
                                                 name: "\(request.id)_copie_\(answer.owner)", at: date))
            case .refused:
                object["reason"] = answer.reason ?? "sans motif donné"
                let notice = try post.message(to: [box], subject: "Demande \(request.id) — votre refus a été appliqué",
                                              template: "request-refusal.txt", object, date: date)
                messages.append(try post.deliver(notice, request: request.id, verb: .refusalNotice, what: "avis de refus", recipient: ownerName,
                                                 name: "\(request.id)_avis-refus_\(answer.owner)", at: date))
            case .pending:
                continue
            }
        }
        return messages
    }

    /// « faits-marquants (Police nationale …) : transmis par quartier, 3 case(s) masquée(s). »
    static func partLine(_ part: RequestExtract.FeedPart) -> String {
        let name = "\(part.ref.feed) (\(part.ownerName))"
        guard let table = part.table else { return "\(name) : refusé par son propriétaire, aucune donnée transmise (motif : \(part.answer.reason ?? "sans motif donné"))." }
        let notes = part.notes.isEmpty ? "" : " Notes : " + part.notes.joined(separator: " ; ") + "."
        return "\(name) : transmis \(part.level.french), \(table.suppressedCount) case(s) masquée(s).\(notes)"
    }

    // MARK: - The files

    /// The secrecy rule, as written in every file.
    static func secrecyRule(_ part: RequestExtract.FeedPart) -> String {
        "effectifs de 1 à \(part.minCell - 1) publiés « < \(part.minCell) » ; « s » : case masquée (\(part.minCell) ou plus, ou total de petits effectifs) pour qu'aucun effectif "
            + "ne se déduise ni ne s'encadre plus étroitement à partir des totaux et des autres tableaux de la demande ; "
            + "zéros publiés ; homicides et tentatives publiés seulement à la commune"
    }

    static func periodText(_ request: DataRequest) -> String {
        request.from == request.to ? request.from.description : "\(request.from) à \(request.to)"
    }

    static func wideTable(_ part: RequestExtract.FeedPart, table: DisclosedTable, extract: RequestExtract) -> CSVTable {
        let r = table.rowLabels.count, c = table.columnLabels.count
        var rows: [[String]] = [
            ["Flux", "\(part.feedLabel) (\(part.ref))"],
            ["Propriétaire", part.ownerName],
            ["Période", periodText(extract.request)],
            ["Zone", extract.areaLabel],
            ["Regroupement", "\(part.level.french) × \(part.columns == .category ? "catégorie" : "nature")"],
            ["Secret statistique", secrecyRule(part)],
        ]
        rows += part.notes.map { ["Note", $0] }
        rows.append([])
        rows.append([part.level.rawValue] + table.columnLabels + ["Total"])
        for i in 0...r {
            rows.append([i == r ? "Total" : table.rowLabels[i]] + (0...c).map { table.text(row: i, column: $0) })
        }
        return CSVTable(name: part.ref.feed, header: ["Demande", extract.request.id], rows: rows)
    }

    static func stateText(_ state: CellState) -> String {
        switch state {
        case .published: "publié"
        case .zero: "zéro"
        case .suppressed: "masqué"
        }
    }

    /// One line per cell, margins included, with its state.
    static func cellTable(_ part: RequestExtract.FeedPart, table: DisclosedTable) -> CSVTable {
        let r = table.rowLabels.count, c = table.columnLabels.count
        var rows: [[String]] = []
        for i in 0...r {
            for j in 0...c {
                rows.append([i == r ? "Total" : table.rowLabels[i], j == c ? "Total" : table.columnLabels[j],
                             table.text(row: i, column: j), stateText(table.states[i][j])])
            }
        }
        return CSVTable(name: part.ref.feed + "_cellules", header: [part.level.rawValue, part.columns == .category ? "catégorie" : "nature", "valeur", "état"], rows: rows)
    }

    static func analysisObject(_ extract: RequestExtract, requester: String, config: Configuration, issued: Date) -> [String: Any] {
        let request = extract.request
        let parts: [[String: Any]] = extract.parts.map { part in
            var object: [String: Any] = ["feed": part.feedLabel, "ref": part.ref.description, "owner": part.ownerName,
                                         "notes": part.notes, "refused": part.table == nil, "reason": part.answer.reason ?? "sans motif donné"]
            guard let table = part.table else { return object }
            let r = table.rowLabels.count, c = table.columnLabels.count
            object["level"] = part.level.french
            object["secrecy"] = secrecyRule(part)
            let columnsName = part.columns == .category ? "catégorie" : "nature"
            func cell(_ i: Int, _ j: Int) -> [String: String] { ["text": table.text(row: i, column: j), "state": table.states[i][j].rawValue] }
            // The page is portrait: the longer list (often the categories) goes down the rows.
            if c > r {
                object["header"] = [columnsName] + table.rowLabels + ["Total"]
                object["rows"] = (0...c).map { j in
                    ["label": j == c ? "Total" : table.columnLabels[j], "cells": (0...r).map { cell($0, j) }] as [String: Any]
                }
            } else {
                object["header"] = [part.level.rawValue] + table.columnLabels + ["Total"]
                object["rows"] = (0...r).map { i in
                    ["label": i == r ? "Total" : table.rowLabels[i], "cells": (0...c).map { cell(i, $0) }] as [String: Any]
                }
            }
            object["suppressed"] = table.suppressedCount
            // In brief, from published totals only: the analysis never says what the table hides.
            let published = (0..<c).filter { table.states[r][$0] == .published }
                .map { (label: table.columnLabels[$0], value: table.values[r][$0]) }.sorted { $0.value > $1.value }
            let total = table.states[r][c] == .published ? "\(table.values[r][c]) au total" : "total masqué"
            object["brief"] = published.isEmpty ? total
                : "\(total) ; les plus nombreux : " + published.prefix(3).map { "\($0.label) (\($0.value))" }.joined(separator: ", ")
            object["chart"] = published.isEmpty || published.count > 6 ? ""
                : BarChart.svg(bars: published, title: "Total par \(columnsName) (totaux publiés)")
            return object
        }
        return [
            "observatory": "Observatoire de la délinquance — \(config.territory.name)",
            "issued": BulletinWriter.frenchDate(issued),
            "id": request.id, "requester": requester, "purpose": request.purpose,
            "period": periodText(request), "area": extract.areaLabel,
            "answers": extract.answers.map { a in
                ["owner": config.partners.first { $0.id == a.owner }?.name ?? a.owner,
                 "decision": a.decision == .granted ? "accord" : "refus",
                 "detail": a.decision == .refused ? "motif : \(a.reason ?? "")" : (a.reservation.map { "réserve : \($0)" } ?? "sans réserve")]
            },
            "parts": parts,
        ]
    }

    /// The audit's result for the manifest: the method, the range an attacker can reach for
    /// every hidden entry (never its value), and the entries hidden to protect others.
    static func auditObject(_ part: RequestExtract.FeedPart, table: DisclosedTable) -> [String: Any] {
        let r = table.rowLabels.count, c = table.columnLabels.count
        func name(_ cell: GridCell) -> [String: Any] {
            ["ligne": cell.row == r ? "Total" : table.rowLabels[cell.row], "colonne": cell.column == c ? "Total" : table.columnLabels[cell.column]]
        }
        return [
            "methode": "attaque par programmation linéaire en nombres entiers (simplexe et séparation-évaluation, solutions vérifiées "
                + "exactement en entiers) sur toutes les cases, tous les totaux et tous les tableaux de la demande ensemble, "
                + "« < \(part.minCell) » lu 1 à \(part.minCell - 1), « s » lu au moins \(part.minCell) (au moins 1 pour un total de cases « < \(part.minCell) » et 0), zéros exacts",
            "protection": "« < \(part.minCell) » : toute valeur de 1 à \(part.minCell - 1) reste possible ; total de petits effectifs masqué « s » : "
                + "toute valeur de son nombre de cases non nulles à \(part.minCell - 1) reste possible ; autre « s » : jamais calculable exactement (deux valeurs possibles au moins)",
            "resultat": part.findings.allSatisfy(\.protected) ? "aucune case masquée n'est encadrée plus étroitement que sa protection" : "échec",
            "cases_protegees": part.findings.map { f -> [String: Any] in
                name(f.cell).merging(["publie": f.shown, "min_possible": f.low ?? NSNull(), "max_possible": f.high ?? "illimité"]) { a, _ in a }
            },
            "masquages_ajoutes": table.reasons.filter { $0.value == .secondary }.keys
                .sorted { ($0.row, $0.column) < ($1.row, $1.column) }.map(name),
        ]
    }

    static func manifest(_ extract: RequestExtract, requester: String, files: [(String, Data)], issued: Date) throws -> Data {
        let request = extract.request
        let object: [String: Any] = [
            "demande": [
                "id": request.id, "demandeur": requester, "demandeur_ref": request.requester.description, "objet": request.purpose,
                "flux": request.feeds.map(\.description), "du": request.from.description, "au": request.to.description,
                "zone": request.area?.description ?? "territoire", "regroupement": request.by.rawValue,
                "colonnes": request.columns.rawValue, "creee_le": request.createdAt,
            ] as [String: Any],
            "reponses": extract.answers.map { a in
                ["proprietaire": a.owner, "decision": a.decision.rawValue, "motif": a.reason ?? NSNull(),
                 "reserve": a.reservation ?? NSNull(), "regles": a.rules.map(\.description), "le": a.answeredAt ?? NSNull()] as [String: Any]
            },
            "flux": extract.parts.map { part in
                var entry: [String: Any] = ["flux": part.ref.description, "proprietaire": part.ref.partner,
                                            "statut": part.table == nil ? "refuse" : "fourni", "notes": part.notes]
                if let table = part.table {
                    entry["niveau"] = part.level.rawValue
                    entry["colonnes"] = part.columns.rawValue
                    entry["seuil"] = part.minCell
                    entry["cases_masquees"] = table.suppressedCount
                    entry["controle"] = auditObject(part, table: table)
                    entry["fichiers"] = ["\(part.ref.partner)_\(part.ref.feed).csv", "\(part.ref.partner)_\(part.ref.feed)_cellules.csv"]
                } else {
                    entry["motif"] = part.answer.reason ?? "sans motif donné"
                }
                return entry
            },
            "fichiers": files.map { name, data in
                ["nom": name, "octets": data.count, "sha256": SHA256.hash(data: data).hex] as [String: Any]
            },
            "edite_le": Timestamp.paris(issued),
        ]
        return try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    }
}

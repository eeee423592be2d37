import Foundation
import VigieCore

/// Reads `recipients.yaml` and `settings.yaml`. A value with a CR or LF is refused: it could
/// inject a header into a mail.
enum DeliveryLoader {
    static func recipients(_ url: URL, communes: Set<String>) throws -> Recipients? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let doc = try YAMLValue.load(url)
        _ = try doc.mapping(allowed: ["from", "coordinator", "letter", "communes"])
        let letter = try letter(try doc.required("letter"))
        var groups: [String: Recipients.Group] = [:]
        let communesNode = try doc.required("communes")
        for (insee, value) in try communesNode.mapping() {
            guard communes.contains(insee) else {
                throw (communesNode.keyNode(insee) ?? value).error("commune inconnue « \(insee) »", hint: "Les communes sont celles de territory.yaml (code INSEE).")
            }
            _ = try value.mapping(allowed: ["to", "cc", "greeting"])
            let to = try (try value.required("to").array()).map(mailbox)
            guard !to.isEmpty else { throw value.error("au moins un destinataire « to » est attendu") }
            groups[insee] = Recipients.Group(to: to, cc: try (try value.optional("cc")?.array() ?? []).map(mailbox),
                                             greeting: try value.optional("greeting").map(nonEmptyLine))
        }
        return Recipients(from: try mailbox(try doc.required("from")), coordinator: try mailbox(try doc.required("coordinator")),
                          communes: groups, letter: letter)
    }

    static func settings(_ url: URL) throws -> Settings {
        guard FileManager.default.fileExists(atPath: url.path) else { return Settings() }
        let doc = try YAMLValue.load(url)
        _ = try doc.mapping(allowed: ["retention_months", "sendmail", "min_cell", "approval", "relances", "web", "hub"])
        var settings = Settings()
        if let months = try doc.optional("retention_months") {
            settings.retentionMonths = try months.int()
            guard settings.retentionMonths >= 1 else { throw months.error("un nombre de mois au moins égal à 1 est attendu") }
        }
        if let minCell = try doc.optional("min_cell") {
            settings.minCell = try minCell.int()
            guard settings.minCell >= 2 else { throw minCell.error("un seuil d'au moins 2 est attendu (1 ne masquerait rien)") }
        }
        if let command = try doc.optional("sendmail") {
            settings.sendmail = try singleLine(command)
        }
        if let approval = try doc.optional("approval") {
            guard let value = Settings.Approval(rawValue: try approval.string().trimmingCharacters(in: .whitespaces)) else {
                throw approval.error("« \(try approval.string()) » : required ou none attendu",
                                     hint: "approval: required (le défaut) n'envoie que les messages approuvés ; approval: none envoie sans approbation.")
            }
            settings.approval = value
        }
        if let relances = try doc.optional("relances") {
            _ = try relances.mapping(allowed: ["interval_days"])
            if let days = try relances.optional("interval_days") {
                settings.relanceIntervalDays = try days.int()
                guard settings.relanceIntervalDays >= 1 else { throw days.error("un nombre de jours au moins égal à 1 est attendu") }
            }
        }
        if let web = try doc.optional("web") {
            _ = try web.mapping(allowed: ["secure_cookies", "session_hours", "outbox", "upload_mb", "files_per_minute", "form_kb", "header_kb"])
            if let secure = try web.optional("secure_cookies") {
                switch try secure.string().trimmingCharacters(in: .whitespaces).lowercased() {
                case "true", "yes", "oui": settings.web.secureCookies = true
                case "false", "no", "non": settings.web.secureCookies = false
                default: throw secure.error("true ou false attendu", hint: "secure_cookies: true quand le serveur est derrière HTTPS (nginx avec TLS).")
                }
            }
            if let hours = try web.optional("session_hours") {
                settings.web.sessionHours = try hours.int()
                guard (1...168).contains(settings.web.sessionHours) else { throw hours.error("un nombre d'heures de 1 à 168 est attendu") }
            }
            if let outbox = try web.optional("outbox") {
                settings.web.outbox = try singleLine(outbox)
            }
            // The limits: each a whole number within bounds that keep the server usable.
            for (key, range, unit, apply) in [
                ("upload_mb", 1...500, "mégaoctets", { (n: Int) in settings.web.uploadBytes = n << 20 }),
                ("files_per_minute", 1...1000, "fichiers par minute", { (n: Int) in settings.web.filesPerMinute = n }),
                ("form_kb", 16...10240, "kilooctets", { (n: Int) in settings.web.formBytes = n << 10 }),
                ("header_kb", 4...256, "kilooctets", { (n: Int) in settings.web.headerBytes = n << 10 }),
            ] as [(String, ClosedRange<Int>, String, (Int) -> Void)] {
                guard let value = try web.optional(key) else { continue }
                let n = try value.int()
                guard range.contains(n) else { throw value.error("un nombre de \(unit) de \(range.lowerBound) à \(range.upperBound) est attendu") }
                apply(n)
            }
        }
        if let hub = try doc.optional("hub") {
            settings.hub = try hubSettings(hub)
        }
        return settings
    }

    /// `hub:` — the departmental hub's address (no password in it), the password file, the
    /// observatory's id there, and the communes whose quartiers may be published.
    private static func hubSettings(_ hub: YAMLValue) throws -> HubSettings {
        _ = try hub.mapping(allowed: ["url", "password_file", "id", "quartiers"])
        var result = HubSettings()
        if let url = try hub.optional("url") {
            let text = try singleLine(url).trimmingCharacters(in: .whitespaces)
            guard text.hasPrefix("postgresql://") || text.hasPrefix("postgres://") else {
                throw url.error("adresse du hub invalide : postgresql://rôle@hôte:port/base attendu")
            }
            // user:password@ — a secret in the configuration is refused.
            if let authority = text.split(separator: "/", omittingEmptySubsequences: true).dropFirst().first,
               let at = authority.lastIndex(of: "@"), authority[..<at].contains(":") {
                throw url.error("mot de passe dans l'adresse du hub : il ne doit jamais être écrit dans settings.yaml",
                                hint: "Retirez « :mot-de-passe » de l'adresse ; donnez-le par la variable VIGIE_HUB_PASSWORD ou par password_file (fichier en mode 0600).")
            }
            result.url = text
        }
        if let file = try hub.optional("password_file") { result.passwordFile = try singleLine(file) }
        if let id = try hub.optional("id") {
            let text = try singleLine(id).trimmingCharacters(in: .whitespaces)
            guard HubSettings.isValidID(text) else {
                throw id.error("identifiant d'observatoire invalide « \(text) » : lettres minuscules, chiffres et tirets (63 au plus)")
            }
            result.observatory = text
        }
        if let quartiers = try hub.optional("quartiers") {
            result.quartiers = Set(try quartiers.strings())
        }
        return result
    }

    /// `letter:` — greeting, signature (one or more lines) and the « diffusion restreinte » notice.
    private static func letter(_ value: YAMLValue) throws -> Recipients.Letter {
        _ = try value.mapping(allowed: ["greeting", "signature", "restriction"])
        let signatureNode = try value.required("signature")
        let signature = try signatureNode.string().split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !signature.isEmpty else { throw signatureNode.error("signature vide : le nom et la fonction de qui signe sont attendus") }
        let restrictionNode = try value.required("restriction")
        let restriction = try nonEmptyLine(restrictionNode)
        guard restriction.lowercased().contains("diffusion restreinte") else {
            throw restrictionNode.error("la mention doit contenir « diffusion restreinte »",
                                        hint: "Par exemple : « Diffusion restreinte : ne pas transférer hors des destinataires. »")
        }
        return Recipients.Letter(greeting: try nonEmptyLine(try value.required("greeting")), signature: signature, restriction: restriction)
    }

    private static func nonEmptyLine(_ value: YAMLValue) throws -> String {
        let text = try singleLine(value).trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { throw value.error("valeur vide : un texte est attendu") }
        return text
    }

    private static func mailbox(_ value: YAMLValue) throws -> Mailbox {
        _ = try value.mapping(allowed: ["name", "email"])
        let email = try singleLine(try value.required("email"))
        guard MailAddress.isPlain(email) else {
            throw try value.required("email").error(
                "adresse électronique invalide « \(email) » : une adresse simple nom@domaine est attendue, sans espace, chevrons ni accents (le nom va dans name)")
        }
        return Mailbox(name: try value.optional("name").map(singleLine) ?? "", email: email)
    }

    private static func singleLine(_ value: YAMLValue) throws -> String {
        let text = try value.string()
        guard !text.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else {
            throw value.error("retour à la ligne interdit dans cette valeur (il permettrait d'injecter un en-tête de courrier)")
        }
        return text
    }
}

import Foundation
import VigieCore
import VigieDelivery
import XCTest

final class MIMETests: XCTestCase {
    // MARK: - Fixtures

    let observatory = Mailbox(name: "Observatoire de la délinquance — Plaine Centrale", email: "observatoire@plainecentrale.fr")
    let mayor = Mailbox(name: "Monsieur le Maire de Créteil", email: "maire@ville-creteil.fr")
    let dgs = Mailbox(name: "Directeur général des services", email: "dgs@ville-creteil.fr")
    let deputy = Mailbox(name: "Dupont, Jean (adjoint \"sécurité\")", email: "j.dupont@ville-creteil.fr")
    let plainDeputy = Mailbox(name: "Martin, Paul", email: "p.martin@ville-creteil.fr")
    let coordinator = Mailbox(name: "Coordonnatrice du CISPD", email: "cispd@plainecentrale.fr")
    let subject = "Faits marquants — semaine 47 — Créteil"
    /// 2026-11-23 07:30:00 UTC, a Monday: 08:30 in Paris (winter time, +0100).
    let winterDate = Date(timeIntervalSince1970: 1_795_419_000)

    /// A long French text: accents, `=`, trailing spaces and tabs, a line far longer than 76
    /// characters, a line starting with "From ", an empty line, an emoji, no final newline.
    let frenchText = """
    Bulletin hebdomadaire des faits marquants — semaine 47 (du 16 au 22 novembre 2026)   
    Taux = 12,5 % ; écart = +3 ; formule « a=b » et « c == d »\t
    Cambriolage d'un pavillon rue Émile-Zola : effraction par la porte-fenêtre, préjudice estimé à 4 500 €, enquête confiée au commissariat de Créteil, témoins recherchés auprès des riverains de la résidence des Sablières.
    From the police: à noter.

    Agents présents : 3 — véhicules : 2 🚓 — ligne de 80 caractères sans espaces ci-après :
    ÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉ
    =====================================================================================
    Fin. 
    """

    let html = "<!doctype html>\n<html lang=\"fr\"><body><h1>Faits marquants — Créteil</h1>\n<div class=\"entry\">Vol à l'arraché, place de l'Abbaye</div>\n</body></html>\n"

    func message(subject: String? = nil, attachments: [MailAttachment] = [], date: Date? = nil) -> MailMessage {
        MailMessage(from: observatory, to: [mayor], cc: [dgs, deputy, plainDeputy], replyTo: coordinator,
                    subject: subject ?? self.subject, text: frenchText, html: html, attachments: attachments,
                    date: date ?? winterDate)
    }

    /// Bytes that are not text: every byte value, several times, in a scrambled order.
    var binary: Data {
        var bytes: [UInt8] = []
        for i in 0..<1000 {
            let value: Int = (i * 37 + i / 7) % 256
            bytes.append(UInt8(value))
        }
        return Data(bytes)
    }

    var csv: Data {
        Data(("\u{FEFF}date;commune;fait\r\n2026-11-17;Créteil;Vol à l'arraché\r\n2026-11-19;Créteil;\"Rixe; deux blessés\"\r\n").utf8)
    }

    // MARK: - Headers

    func testSubjectAndNamesAreEncodedWordsThatDecodeBack() throws {
        let data = try message().rendered()
        try assertWellFormedLines(data)
        let part = try MIMEPart(data)

        let rawSubject = try XCTUnwrap(part.rawHeader("Subject"))
        XCTAssertTrue(rawSubject.contains("=?UTF-8?"), rawSubject)
        XCTAssertEqual(try decodeHeader(part.header("Subject")), subject)

        let from = try decodeHeader(part.header("From"))
        XCTAssertEqual(from, "Observatoire de la délinquance — Plaine Centrale <observatoire@plainecentrale.fr>")
        let to = try decodeHeader(part.header("To"))
        XCTAssertEqual(to, "Monsieur le Maire de Créteil <maire@ville-creteil.fr>")
        let replyTo = try decodeHeader(part.header("Reply-To"))
        XCTAssertEqual(replyTo, "Coordonnatrice du CISPD <cispd@plainecentrale.fr>")

        // The Cc: an encoded name, a non-ASCII name with quotes and commas (encoded), an ASCII name
        // with a comma (quoted).
        let cc = try part.header("Cc")
        XCTAssertTrue(cc.contains("\"Martin, Paul\" <p.martin@ville-creteil.fr>"), cc)
        XCTAssertEqual(try decodeHeader(cc),
                       "Directeur général des services <dgs@ville-creteil.fr>, Dupont, Jean (adjoint \"sécurité\") <j.dupont@ville-creteil.fr>, \"Martin, Paul\" <p.martin@ville-creteil.fr>")
    }

    func testLongSubjectIsFoldedIntoShortEncodedWordsThatNeverSplitACharacter() throws {
        let long = String(repeating: "Réunion du CLSPD à l'hôtel de ville — ordre du jour : tranquillité publique, ", count: 4) + "fin ✓ 🚓"
        let data = try message(subject: long).rendered()
        try assertWellFormedLines(data)
        let part = try MIMEPart(data)
        let raw = try XCTUnwrap(part.rawHeader("Subject"))
        let words = encodedWords(in: raw)
        XCTAssertGreaterThan(words.count, 5)
        for word in words {
            XCTAssertLessThanOrEqual(word.count, 75, word)
            // Each word alone is valid UTF-8: no character is split between two words.
            let bytes = try decodeEncodedWordBytes(word)
            XCTAssertNotNil(String(validating: bytes, as: UTF8.self), word)
        }
        XCTAssertEqual(try decodeHeader(part.header("Subject")), long)
    }

    func testASCIISubjectStaysReadable() throws {
        let data = try message(subject: "Weekly report 47 (Creteil)").rendered()
        let part = try MIMEPart(data)
        XCTAssertEqual(try part.header("Subject"), "Weekly report 47 (Creteil)")
    }

    func testDateIsRFC5322InParisTime() throws {
        let winter = try MIMEPart(message().rendered())
        XCTAssertEqual(try winter.header("Date"), "Mon, 23 Nov 2026 08:30:00 +0100")
        // 2026-07-14 10:00:00 UTC: summer time.
        let summer = try MIMEPart(message(date: Date(timeIntervalSince1970: 1_784_023_200)).rendered())
        XCTAssertEqual(try summer.header("Date"), "Tue, 14 Jul 2026 12:00:00 +0200")
        // The second before and at the spring change of 2027-03-28, 01:00 UTC.
        let before = try MIMEPart(message(date: Date(timeIntervalSince1970: 1_806_195_599)).rendered())
        XCTAssertEqual(try before.header("Date"), "Sun, 28 Mar 2027 01:59:59 +0100")
        let after = try MIMEPart(message(date: Date(timeIntervalSince1970: 1_806_195_600)).rendered())
        XCTAssertEqual(try after.header("Date"), "Sun, 28 Mar 2027 03:00:00 +0200")
    }

    func testMessageIDIsUniquePerMessageAndOnTheSenderDomain() throws {
        let first = try MIMEPart(message().rendered()).header("Message-ID")
        let again = try MIMEPart(message().rendered()).header("Message-ID")
        let otherSubject = try MIMEPart(message(subject: subject + " (bis)").rendered()).header("Message-ID")
        let otherDate = try MIMEPart(message(date: winterDate.addingTimeInterval(1)).rendered()).header("Message-ID")
        let pattern = try NSRegularExpression(pattern: "^<[0-9a-f]{32,}@plainecentrale\\.fr>$")
        for id in [first, otherSubject, otherDate] {
            XCTAssertEqual(pattern.numberOfMatches(in: id, range: NSRange(id.startIndex..., in: id)), 1, id)
        }
        XCTAssertEqual(first, again, "the same message, the same identifier")
        XCTAssertEqual(Set([first, otherSubject, otherDate]).count, 3)

        let part = try MIMEPart(message().rendered())
        XCTAssertEqual(try part.header("MIME-Version"), "1.0")
    }

    // MARK: - Header injection and addresses

    func testLineBreaksInAnyHeaderValueAreRefused() {
        let injections = ["Faits marquants\r\nBcc: espion@example.com", "Faits\nmarquants", "Faits\rmarquants"]
        for bad in injections {
            XCTAssertThrowsError(try message(subject: bad).rendered(), bad) { XCTAssertTrue($0 is VigieError) }
        }
        var m = message()
        m.to = [Mailbox(name: "Maire\r\nBcc: espion@example.com", email: "maire@ville-creteil.fr")]
        XCTAssertThrowsError(try m.rendered()) { XCTAssertTrue($0 is VigieError) }
        m = message()
        m.from = Mailbox(name: "Observatoire\n", email: "observatoire@plainecentrale.fr")
        XCTAssertThrowsError(try m.rendered()) { XCTAssertTrue($0 is VigieError) }
        m = message()
        m.replyTo = Mailbox(name: "CISPD", email: "cispd@plainecentrale.fr\r\nBcc: espion@example.com")
        XCTAssertThrowsError(try m.rendered()) { XCTAssertTrue($0 is VigieError) }
        m = message()
        m.cc = [Mailbox(name: "DGS", email: "dgs@ville-creteil.fr\n")]
        XCTAssertThrowsError(try m.rendered()) { XCTAssertTrue($0 is VigieError) }
        for filename in ["faits.csv\r\nContent-Type: text/html", "faits\n.csv", "faits\r.csv"] {
            let attachment = MailAttachment(filename: filename, contentType: "text/csv; charset=utf-8", data: csv)
            XCTAssertThrowsError(try message(attachments: [attachment]).rendered(), filename) {
                XCTAssertTrue(($0 as? VigieError)?.message.contains("retour à la ligne") ?? false, "\($0)")
            }
        }
    }

    func testAddressesMustBePlainAddrSpec() {
        for bad in ["maire @ville-creteil.fr", "Maire <maire@ville-creteil.fr>", "maire<@ville-creteil.fr", "maire",
                    "maire@@ville-creteil.fr", "maire@ville creteil.fr", "maire@", "@ville-creteil.fr", "maire@ville-créteil.fr",
                    "maire..dupont@ville-creteil.fr", "maire@ville-creteil.fr,espion@example.com"] {
            var m = message()
            m.to = [Mailbox(name: "Maire", email: bad)]
            XCTAssertThrowsError(try m.rendered(), bad) { error in
                XCTAssertTrue((error as? VigieError)?.message.contains("adresse") ?? false, "\(error)")
            }
        }
        var m = message()
        m.to = [Mailbox(name: "Maire", email: "maire.adjoint+securite@ville-creteil.fr")]
        XCTAssertNoThrow(try m.rendered())
        m.to = []
        XCTAssertThrowsError(try m.rendered())
    }

    // MARK: - Bodies

    func testQuotedPrintableDecodesBackExactly() throws {
        let data = try message(attachments: [MailAttachment(filename: "faits.csv", contentType: "text/csv; charset=utf-8", data: csv)]).rendered()
        try assertWellFormedLines(data)
        let root = try MIMEPart(data)
        let alternative = try XCTUnwrap(root.children.first)
        let plain = try XCTUnwrap(alternative.children.first)
        let htmlPart = try XCTUnwrap(alternative.children.last)
        XCTAssertEqual(try plain.header("Content-Type"), "text/plain; charset=utf-8")
        XCTAssertEqual(try plain.header("Content-Transfer-Encoding"), "quoted-printable")
        XCTAssertEqual(try htmlPart.header("Content-Type"), "text/html; charset=utf-8")

        for (part, original) in [(plain, frenchText), (htmlPart, html)] {
            let body = String(decoding: part.body, as: UTF8.self)
            for line in body.components(separatedBy: "\r\n") {
                XCTAssertLessThanOrEqual(line.utf8.count, 76, line)
                XCTAssertFalse(line.hasSuffix(" ") || line.hasSuffix("\t"), "trailing whitespace: \(line)")
                XCTAssertTrue(line.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F }, line)
            }
            let decoded = try decodeQuotedPrintable(body)
            XCTAssertEqual(String(decoding: decoded, as: UTF8.self), original.replacingOccurrences(of: "\n", with: "\r\n"))
        }
        // The long line was softly broken, `=` encoded, the trailing spaces and tab kept.
        let body = String(decoding: plain.body, as: UTF8.self)
        XCTAssertTrue(body.contains("=\r\n"))
        XCTAssertTrue(body.contains("Taux =3D 12,5"))
        XCTAssertTrue(body.contains("2026)  =20\r\n"), body)
        XCTAssertTrue(body.contains("=09\r\n"), body)
        XCTAssertFalse(body.contains("\r\nFrom "), "a line starting with From is escaped for mbox")
    }

    func testAttachmentBase64DecodesBackToTheBytes() throws {
        let attachments = [
            MailAttachment(filename: "faits-marquants_Créteil_2026-W47.csv", contentType: "text/csv; charset=utf-8", data: csv),
            MailAttachment(filename: "donnees.bin", contentType: "application/octet-stream", data: binary),
        ]
        let data = try message(attachments: attachments).rendered()
        try assertWellFormedLines(data)
        let root = try MIMEPart(data)
        XCTAssertTrue(try root.header("Content-Type").hasPrefix("multipart/mixed;"))
        XCTAssertEqual(root.children.count, 3)
        XCTAssertTrue(try root.children[0].header("Content-Type").hasPrefix("multipart/alternative;"))

        let csvPart = root.children[1]
        XCTAssertEqual(try csvPart.header("Content-Transfer-Encoding"), "base64")
        let disposition = try csvPart.header("Content-Disposition")
        XCTAssertTrue(disposition.hasPrefix("attachment;"), disposition)
        XCTAssertTrue(disposition.contains("filename*=utf-8''faits-marquants_Cr%C3%A9teil_2026-W47.csv"), disposition)
        XCTAssertTrue(try csvPart.header("Content-Type").hasPrefix("text/csv; charset=utf-8;"))

        let binPart = root.children[2]
        XCTAssertEqual(try binPart.header("Content-Disposition"), "attachment; filename=\"donnees.bin\"")

        for (part, expected) in [(csvPart, csv), (binPart, binary)] {
            let body = String(decoding: part.body, as: UTF8.self)
            let lines = body.components(separatedBy: "\r\n")
            XCTAssertTrue(lines.dropLast().allSatisfy { $0.count == 76 }, "base64 lines of 76 characters")
            XCTAssertLessThanOrEqual(lines.last?.count ?? 0, 76)
            XCTAssertEqual(Data(base64Encoded: lines.joined()), expected)
        }
    }

    func testWithoutAttachmentsTheTopLevelIsAlternative() throws {
        let root = try MIMEPart(message().rendered())
        XCTAssertTrue(try root.header("Content-Type").hasPrefix("multipart/alternative;"))
        XCTAssertEqual(try root.children.map { try $0.header("Content-Type") }, ["text/plain; charset=utf-8", "text/html; charset=utf-8"])
    }

    func testBoundariesDoNotOccurInTheContent() throws {
        // A text that quotes a previous message's boundary line cannot break the structure: the
        // boundaries hold "=_", which quoted-printable and base64 never produce.
        let first = try message().rendered()
        let boundary = try XCTUnwrap(MIMEPart(first).boundary)
        var m = message()
        m.text = "--" + boundary + "\n--" + boundary + "--\n"
        m.attachments = [MailAttachment(filename: "b.txt", contentType: "text/plain", data: Data(("--" + boundary).utf8))]
        let root = try MIMEPart(m.rendered())
        XCTAssertEqual(root.children.count, 2)
        XCTAssertEqual(root.children[0].children.count, 2)
        let encoded = String(decoding: root.children[0].children[0].body, as: UTF8.self)
        XCTAssertFalse(encoded.contains("=_"), encoded)
        let text = try decodeQuotedPrintable(encoded)
        XCTAssertEqual(String(decoding: text, as: UTF8.self), m.text.replacingOccurrences(of: "\n", with: "\r\n"))
        XCTAssertEqual(root.children[1].body, Data(Data(("--" + boundary).utf8).base64EncodedString().utf8))
    }

    // MARK: - Python's email parser

    func testPythonEmailParserReadsItWithoutDefects() throws {
        guard let python = findExecutable("python3") else { throw XCTSkip("python3 est absent") }
        let attachments = [MailAttachment(filename: "faits-marquants_Créteil_2026-W47.csv", contentType: "text/csv; charset=utf-8", data: csv)]
        let data = try message(attachments: attachments).rendered()
        let script = """
        import sys, email, email.policy
        msg = email.message_from_bytes(sys.stdin.buffer.read(), policy=email.policy.default)
        defects = list(msg.defects)
        for part in msg.walk():
            defects += part.defects
            print("type:", part.get_content_type())
            if part.get_content_disposition() == "attachment":
                print("attachment:", part.get_filename(), part.get_content().hex() if isinstance(part.get_content(), bytes) else part.get_content().encode("utf-8").hex())
            elif not part.is_multipart():
                print("text:", part.get_content().encode("utf-8").hex())
        print("subject:", msg["subject"])
        print("from:", [(a.display_name, a.addr_spec) for a in msg["from"].addresses])
        print("to:", [(a.display_name, a.addr_spec) for a in msg["to"].addresses])
        print("cc:", [(a.display_name, a.addr_spec) for a in msg["cc"].addresses])
        print("reply-to:", [(a.display_name, a.addr_spec) for a in msg["reply-to"].addresses])
        print("date:", msg["date"].datetime.isoformat())
        print("defects:", len(defects), defects)
        """
        let output = try run(python, ["-c", script], input: data)
        let lines = output.components(separatedBy: "\n")
        func line(_ prefix: String) -> [String] { lines.filter { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) } }

        XCTAssertEqual(line("defects: "), ["0 []"], output)
        XCTAssertEqual(line("subject: "), [subject])
        XCTAssertEqual(line("type: "), ["multipart/mixed", "multipart/alternative", "text/plain", "text/html", "text/csv"])
        XCTAssertEqual(line("from: "), ["[('Observatoire de la délinquance — Plaine Centrale', 'observatoire@plainecentrale.fr')]"])
        XCTAssertEqual(line("to: "), ["[('Monsieur le Maire de Créteil', 'maire@ville-creteil.fr')]"])
        XCTAssertEqual(line("cc: "), ["[('Directeur général des services', 'dgs@ville-creteil.fr'), ('Dupont, Jean (adjoint \"sécurité\")', 'j.dupont@ville-creteil.fr'), ('Martin, Paul', 'p.martin@ville-creteil.fr')]"])
        XCTAssertEqual(line("reply-to: "), ["[('Coordonnatrice du CISPD', 'cispd@plainecentrale.fr')]"])
        XCTAssertEqual(line("date: "), ["2026-11-23T08:30:00+01:00"])
        // Text parts come back in their canonical form: the lines end with CRLF.
        func canonical(_ text: String) -> Data { Data(text.replacingOccurrences(of: "\n", with: "\r\n").utf8) }
        XCTAssertEqual(line("text: "), [hex(canonical(frenchText)), hex(canonical(html))])
        // The CSV (text/csv) comes back as its exact bytes, BOM and CRLF included.
        XCTAssertEqual(line("attachment: "), ["faits-marquants_Créteil_2026-W47.csv " + hex(csv)])
    }

    // MARK: - Transports

    func testSendmailTransportHandsTheMessageOverByteForByte() throws {
        let folder = try temporaryFolder()
        let target = folder.appendingPathComponent("received.eml")
        let data = try message(attachments: [MailAttachment(filename: "faits.csv", contentType: "text/csv", data: csv)]).rendered()
        let transport = SendmailTransport(command: "/usr/bin/tee  " + target.path)
        XCTAssertEqual(transport.name, "sendmail")
        try transport.send(data, name: "essai")
        XCTAssertEqual(try Data(contentsOf: target), data)

        // A large message: tee echoes it on its standard output too, which must be drained while
        // we write, or both sides would block.
        let large = Data((0..<(3 * 1024 * 1024)).map { UInt8(truncatingIfNeeded: $0 * 31) })
        try transport.send(large, name: "gros")
        XCTAssertEqual(try Data(contentsOf: target), large)
    }

    func testSendmailTransportFailuresThrow() throws {
        XCTAssertThrowsError(try SendmailTransport(command: "/bin/false").send(Data("x\r\n".utf8), name: "essai")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("l'envoi a échoué"), text)
            XCTAssertTrue(text.contains("code 1"), text)
        }
        // The command's standard error is in the message.
        let missing = "/nonexistent-vigie-\(UUID().uuidString)"
        XCTAssertThrowsError(try SendmailTransport(command: "/bin/ls " + missing).send(Data("x\r\n".utf8), name: "essai")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix("l'envoi a échoué"), text)
            XCTAssertTrue(text.contains(missing), text)
        }
        for command in ["/usr/sbin/vigie-sendmail-absent -t -oi", "vigie-sendmail-absent -t"] {
            XCTAssertThrowsError(try SendmailTransport(command: command).send(Data("x\r\n".utf8), name: "essai")) { error in
                let text = "\(error)"
                XCTAssertTrue(text.contains("l'envoi a échoué"), text)
                XCTAssertTrue(text.contains("vigie-sendmail-absent"), text)
                XCTAssertTrue(text.contains("introuvable"), text)
            }
        }
        XCTAssertThrowsError(try SendmailTransport(command: "  ").send(Data(), name: "essai"))
    }

    func testOutboxTransportWritesPrivateFiles() throws {
        let folder = try temporaryFolder().appendingPathComponent("outbox/semaine-47")
        let transport = OutboxTransport(directory: folder)
        XCTAssertEqual(transport.name, "outbox")
        let data = try message().rendered()
        try transport.send(data, name: "faits-marquants_Créteil 2026/W47")
        let written = folder.appendingPathComponent("faits-marquants_Cr_teil_2026_W47.eml")
        XCTAssertEqual(try Data(contentsOf: written), data)
        XCTAssertEqual(try permissions(written), 0o600)
        XCTAssertEqual(try permissions(folder), 0o700)
        // A name cannot leave the folder nor hide the file.
        try transport.send(data, name: "../evil")
        XCTAssertEqual(try Data(contentsOf: folder.appendingPathComponent("_._evil.eml")), data)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted(),
                       ["_._evil.eml", "faits-marquants_Cr_teil_2026_W47.eml"])
        // Writing again replaces the file, still private.
        try transport.send(Data("autre\r\n".utf8), name: "faits-marquants_Créteil 2026/W47")
        XCTAssertEqual(try Data(contentsOf: written), Data("autre\r\n".utf8))
        XCTAssertEqual(try permissions(written), 0o600)
    }

    // MARK: - Helpers (the decoding is done here, independently of the code under test)

    func assertWellFormedLines(_ data: Data, file: StaticString = #filePath, line: UInt = #line) throws {
        let bytes = [UInt8](data)
        XCTAssertEqual(Array(bytes.suffix(2)), [13, 10], "ends with CRLF", file: file, line: line)
        for (i, byte) in bytes.enumerated() {
            if byte == 10 { XCTAssertEqual(i > 0 ? bytes[i - 1] : 0, 13, "LF without CR at \(i)", file: file, line: line) }
            if byte == 13 { XCTAssertEqual(i + 1 < bytes.count ? bytes[i + 1] : 0, 10, "CR without LF at \(i)", file: file, line: line) }
        }
        XCTAssertTrue(bytes.allSatisfy { $0 < 0x80 }, "the message is 7-bit", file: file, line: line)
        let text = String(decoding: data, as: UTF8.self)
        var inHeaders = true
        for l in text.components(separatedBy: "\r\n") {
            XCTAssertLessThanOrEqual(l.utf8.count, 998, file: file, line: line)
            if l.isEmpty { inHeaders = false } // the message headers end at the first empty line
            if inHeaders { XCTAssertLessThanOrEqual(l.utf8.count, 78, l, file: file, line: line) }
        }
        // The headers of every part too.
        func check(_ part: MIMEPart) {
            for raw in part.rawHeaderLines { XCTAssertLessThanOrEqual(raw.utf8.count, 78, raw, file: file, line: line) }
            part.children.forEach(check)
        }
        check(try MIMEPart(data))
    }

    func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-delivery-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    func permissions(_ url: URL) throws -> Int {
        let value = try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions]
        return try XCTUnwrap((value as? NSNumber)?.intValue) & 0o777
    }

    func findExecutable(_ name: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    func run(_ executable: String, _ arguments: [String], input: Data) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONIOENCODING"] = "utf-8"
        process.environment = environment
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        try stdin.fileHandleForWriting.write(contentsOf: input)
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        return String(decoding: output, as: UTF8.self)
    }

    func hex(_ data: Data) -> String { data.map { String(format: "%02x", $0) }.joined() }
}

// MARK: - A small MIME reader and RFC 2047 / quoted-printable decoders, written for the tests

struct TestError: Error, CustomStringConvertible { var description: String }

/// One MIME entity: its header lines (folded, as written), its body, its children when multipart.
struct MIMEPart {
    var rawHeaderLines: [String]
    var body: Data
    var children: [MIMEPart] = []

    /// `nested` for a part inside a multipart: its content ends where the delimiter's CRLF starts.
    /// The top-level entity's body loses the CRLF that ends the message.
    init(_ data: Data, nested: Bool = false) throws {
        let text = String(decoding: data, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { throw TestError(description: "no blank line after the headers") }
        rawHeaderLines = text[..<split.lowerBound].components(separatedBy: "\r\n")
        let bodyText = String(text[split.upperBound...])
        body = Data(bodyText.utf8)
        if let boundary {
            // Parts lie between "\r\n--boundary" delimiters (the first may open the body).
            let delimiter = "\r\n--" + boundary
            let pieces = ("\r\n" + bodyText).components(separatedBy: delimiter)
            guard pieces.count >= 3, let last = pieces.last, last.hasPrefix("--") else {
                throw TestError(description: "multipart without closing delimiter")
            }
            children = try pieces.dropFirst().dropLast().map { piece in
                guard piece.hasPrefix("\r\n") else { throw TestError(description: "junk after a delimiter") }
                // "\r\n" is a single Character in Swift: drop its two bytes, not two characters.
                return try MIMEPart(Data(piece.utf8.dropFirst(2)), nested: true)
            }
        } else if !nested, bodyText.hasSuffix("\r\n") {
            body = Data(bodyText.utf8.dropLast(2))
        }
    }

    /// The named header as written (folded lines joined by CRLF), or nil.
    func rawHeader(_ name: String) -> String? {
        var result: [String]?
        for line in rawHeaderLines {
            if line.hasPrefix(" ") || line.hasPrefix("\t") {
                if result != nil { result?.append(line) }
            } else if result != nil {
                break
            } else if line.lowercased().hasPrefix(name.lowercased() + ":") {
                result = [line]
            }
        }
        return result?.joined(separator: "\r\n")
    }

    /// The header value, unfolded (CRLF removed), without the name and the leading space.
    func header(_ name: String) throws -> String {
        guard let raw = rawHeader(name) else { throw TestError(description: "no \(name) header") }
        let unfolded = raw.replacingOccurrences(of: "\r\n", with: "")
        return String(unfolded.dropFirst(name.count + 1)).trimmingCharacters(in: .whitespaces)
    }

    var boundary: String? {
        guard let type = try? header("Content-Type"), type.lowercased().hasPrefix("multipart/"),
              let range = type.range(of: "boundary=") else { return nil }
        var value = type[range.upperBound...]
        if value.hasPrefix("\"") {
            value = value.dropFirst()
            return value.firstIndex(of: "\"").map { String(value[..<$0]) }
        }
        return String(value.prefix { $0 != ";" && $0 != " " })
    }
}

/// The encoded words (`=?charset?enc?text?=`) of a header value.
func encodedWords(in value: String) -> [String] {
    guard let regex = try? NSRegularExpression(pattern: "=\\?[^?\\s]+\\?[BbQq]\\?[^?\\s]*\\?=") else { return [] }
    return regex.matches(in: value, range: NSRange(value.startIndex..., in: value)).compactMap {
        Range($0.range, in: value).map { String(value[$0]) }
    }
}

func decodeEncodedWordBytes(_ word: String) throws -> [UInt8] {
    let parts = word.dropFirst(2).dropLast(2).split(separator: "?", omittingEmptySubsequences: false)
    guard parts.count == 3, parts[0].uppercased() == "UTF-8" else { throw TestError(description: "bad encoded word \(word)") }
    switch parts[1].uppercased() {
    case "B":
        guard let data = Data(base64Encoded: String(parts[2])) else { throw TestError(description: "bad base64 in \(word)") }
        return [UInt8](data)
    default:
        return try [UInt8](decodeQuotedPrintable(parts[2].replacingOccurrences(of: "_", with: " ")))
    }
}

/// RFC 2047 decoding of an unfolded header value: encoded words become their text, and the
/// whitespace between two adjacent encoded words disappears.
func decodeHeader(_ value: String) throws -> String {
    guard let regex = try? NSRegularExpression(pattern: "=\\?[^?\\s]+\\?[BbQq]\\?[^?\\s]*\\?=") else { return value }
    var output = ""
    var cursor = value.startIndex
    var previousWasWord = false
    for match in regex.matches(in: value, range: NSRange(value.startIndex..., in: value)) {
        guard let range = Range(match.range, in: value) else { continue }
        let between = value[cursor..<range.lowerBound]
        if !(previousWasWord && between.allSatisfy(\.isWhitespace)) { output += between }
        output += String(decoding: try decodeEncodedWordBytes(String(value[range])), as: UTF8.self)
        cursor = range.upperBound
        previousWasWord = true
    }
    output += value[cursor...]
    return output
}

/// Quoted-printable decoding: `=` at a line end joins lines, `=XX` is a byte, CRLF is a line end.
func decodeQuotedPrintable(_ text: String) throws -> Data {
    var out: [UInt8] = []
    let lines = text.components(separatedBy: "\r\n")
    for (index, line) in lines.enumerated() {
        var bytes = Array(line.utf8)
        var soft = false
        if bytes.last == UInt8(ascii: "=") { bytes.removeLast(); soft = true }
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "=") {
                guard i + 2 < bytes.count,
                      let value = UInt8(String(decoding: bytes[(i + 1)...(i + 2)], as: UTF8.self), radix: 16) else {
                    throw TestError(description: "bad escape in \(line)")
                }
                out.append(value)
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        if !soft, index < lines.count - 1 { out += [13, 10] }
    }
    return Data(out)
}

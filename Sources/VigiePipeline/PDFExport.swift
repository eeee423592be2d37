import Foundation
import VigieCore

/// `--pdf`: prints an HTML bulletin to A4 PDF beside it (`x.html` → `x.pdf`) with headless
/// Chromium, network off by the bulletin's own Content-Security-Policy. Writes only that file.
public enum PDFExport {
    /// The Chromium command: `VIGIE_CHROMIUM` when set, else `chromium` or `chromium-browser` on the PATH.
    public static func chromium(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let path = environment["VIGIE_CHROMIUM"], !path.isEmpty { return path }
        let dirs = (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        for name in ["chromium", "chromium-browser"] {
            for dir in dirs where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") { return "\(dir)/\(name)" }
        }
        return nil
    }

    /// Prints `html` to the PDF beside it and returns its URL; throws, in French, when Chromium
    /// is missing or fails (saying how to install it).
    @discardableResult
    public static func write(_ html: URL, timeout: TimeInterval = 120) throws -> URL {
        guard let command = chromium() else {
            throw VigieError(.usage, "PDF non écrit : Chromium est introuvable (le HTML, lui, est écrit)",
                             hint: "Installez-le : sudo apt-get install chromium (ou donnez son chemin dans VIGIE_CHROMIUM), puis relancez avec --pdf.")
        }
        let pdf = html.deletingPathExtension().appendingPathExtension("pdf")
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-chromium-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        try? FileManager.default.removeItem(at: pdf)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(profile.path)",
                             "--print-to-pdf=\(pdf.path)", "--no-pdf-header-footer", html.absoluteURL.absoluteString]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch {
            throw VigieError(.usage, "PDF non écrit : Chromium (\(command)) ne démarre pas : \(error.localizedDescription)",
                             hint: "Installez-le : sudo apt-get install chromium.")
        }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            throw VigieError(.usage, "PDF non écrit : Chromium n'a pas fini en \(Int(timeout)) s pour \(html.lastPathComponent)")
        }
        let head = (try? FileHandle(forReadingFrom: pdf).read(upToCount: 5)) ?? nil
        guard process.terminationStatus == 0, head == Data("%PDF-".utf8) else {
            throw VigieError(.usage, "PDF non écrit : Chromium a échoué (code \(process.terminationStatus)) pour \(html.lastPathComponent)")
        }
        return pdf
    }
}

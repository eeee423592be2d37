import Crypto
import Foundation
import VigieCore

/// The SHA-256 and size of a file, read in chunks: what the ledger uses to recognize the same bytes.
public enum FileDigest {
    public static func received(_ url: URL, displayName: String? = nil) throws -> ReceivedFile {
        let name = displayName ?? url.lastPathComponent
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw VigieError(.input, "fichier introuvable ou illisible", at: SourceLocation(file: name),
                             hint: "Vérifiez le chemin et les droits du fichier.")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        var size: Int64 = 0
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
            size += Int64(chunk.count)
        }
        return ReceivedFile(name: name, sha256: hasher.finalize().hex, size: size)
    }
}

import Crypto
import Foundation
import VigieCore

/// The SHA-256 and size of a file: what the ledger uses to recognize the same bytes.
public enum FileDigest {
    /// Read through one reused 256 KB buffer. A file that cannot be read (a folder, a disk error)
    /// is refused in French like a missing one; `FileHandle` let a Foundation error through.
    public static func received(_ url: URL, displayName: String? = nil) throws -> ReceivedFile {
        let name = displayName ?? url.lastPathComponent
        let fd = open(url.path, O_RDONLY)
        guard fd >= 0 else {
            throw VigieError(.input, "fichier introuvable ou illisible", at: SourceLocation(file: name),
                             hint: "Vérifiez le chemin et les droits du fichier.")
        }
        defer { close(fd) }
        var hasher = SHA256()
        var size: Int64 = 0
        var buffer = [UInt8](repeating: 0, count: 1 << 18)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else {
                let reason = errno == EISDIR ? "c'est un dossier, pas un fichier" : "erreur de lecture du système (errno \(errno))"
                throw VigieError(.input, "fichier illisible : \(reason)", at: SourceLocation(file: name),
                                 hint: "Donnez le chemin d'un fichier ; si c'en est un, vérifiez le disque puis relancez.")
            }
            if count == 0 { break }
            buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[..<count])) }
            size += Int64(count)
        }
        return ReceivedFile(name: name, sha256: hasher.finalize().hex, size: size)
    }
}

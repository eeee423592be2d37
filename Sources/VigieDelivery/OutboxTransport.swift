import Foundation
import VigieCore

/// A dry run: each message becomes `<name>.eml` in a folder, private to its owner (folder 0700 when
/// created, files 0600). Nothing leaves the machine.
public struct OutboxTransport: MailTransport {
    public let name = "outbox"
    public let directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    /// The file a message named `name` goes to: the name reduced to `[A-Za-z0-9._-]`, plus `.eml`.
    public func fileURL(for name: String) -> URL {
        var safe = String(name.unicodeScalars.map { scalar -> Character in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", ".", "_", "-": Character(scalar)
            default: "_"
            }
        })
        if safe.hasPrefix(".") { safe = "_" + safe.dropFirst() }
        if safe.isEmpty { safe = "message" }
        return directory.appendingPathComponent(safe + ".eml")
    }

    public func send(_ message: Data, name: String) throws {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if !manager.fileExists(atPath: directory.path, isDirectory: &isDirectory) {
            do {
                try manager.createDirectory(at: directory, withIntermediateDirectories: true,
                                            attributes: [.posixPermissions: 0o700])
            } catch {
                throw VigieError(.usage, "impossible de créer le dossier d'envoi « \(directory.path) » : \(error.localizedDescription)",
                                 hint: "Vérifiez le chemin donné à --outbox et vos droits sur le dossier parent.")
            }
        } else if !isDirectory.boolValue {
            throw VigieError(.usage, "« \(directory.path) » existe et n'est pas un dossier", hint: "Donnez à --outbox un dossier.")
        }

        let target = fileURL(for: name)
        // Written beside the target, private from its creation, then renamed over it: a reader
        // never sees half a message, and nobody else can ever read it.
        let temporary = directory.appendingPathComponent(".\(target.lastPathComponent).\(UUID().uuidString).tmp")
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else {
            throw VigieError(.usage, "impossible d'écrire « \(temporary.path) » : \(String(cString: strerror(errno)))")
        }
        var failure: Int32 = 0
        message.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < buffer.count, let base = buffer.baseAddress {
                let written = write(fd, base + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                offset += written
            }
        }
        if failure == 0, fchmod(fd, 0o600) != 0 { failure = errno }
        if failure == 0, fsync(fd) != 0 { failure = errno }
        if close(fd) != 0, failure == 0 { failure = errno }
        if failure == 0, rename(temporary.path, target.path) != 0 { failure = errno }
        if failure != 0 {
            unlink(temporary.path)
            throw VigieError(.usage, "impossible d'écrire « \(target.path) » : \(String(cString: strerror(failure)))")
        }
    }
}

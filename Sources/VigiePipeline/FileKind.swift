import Foundation

/// What a path names as lstat(2) sees it: a symbolic link is a link, never what it points to.
enum FileKind: Equatable {
    case regular, directory, symbolicLink, fifo, socket, device, missing

    init(atPath path: String) {
        var info = stat()
        guard lstat(path, &info) == 0 else { self = .missing; return }
        switch info.st_mode & S_IFMT {
        case S_IFREG: self = .regular
        case S_IFDIR: self = .directory
        case S_IFLNK: self = .symbolicLink
        case S_IFIFO: self = .fifo
        case S_IFSOCK: self = .socket
        default: self = .device
        }
    }

    /// Why an inbox entry of this kind is set aside unread, in French, or nil for a plain file or
    /// folder. A link is described by the text it holds (readlink(2)), its target is not looked at.
    func refusal(atPath path: String) -> String? {
        let what: String
        switch self {
        case .regular, .directory, .missing: return nil
        case .symbolicLink:
            let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "?"
            what = "lien symbolique vers « \(target.shown()) »"
        case .fifo: what = "tube nommé (FIFO), pas un fichier"
        case .socket: what = "socket, pas un fichier"
        case .device: what = "fichier spécial de périphérique, pas un fichier"
        }
        return what + " : non suivi, non lu ; déposez le fichier lui-même dans la boîte de dépôt"
    }
}

/// A file's identity (device and inode), size and modification time: when they change, someone is
/// writing or replacing it.
struct FileStamp: Equatable {
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var modified: Date

    /// The plain file at `path` (lstat: a link is not followed), or nil when it is anything else.
    init?(path: String) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        self.init(info)
    }

    /// The plain file open as `descriptor`, or nil when it is anything else.
    init?(descriptor: Int32) {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return nil }
        self.init(info)
    }

    private init?(_ info: stat) {
        guard info.st_mode & S_IFMT == S_IFREG else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        modified = Date(timeIntervalSince1970: Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9)
    }
}

import Foundation
import VigieCore
// TEMPORARY while the readers are written; replaced before any commit.
public enum TableFile {
    public static func open(_ url: URL, displayName: String? = nil) throws -> TableReader {
        throw VigieError(.input, "readers not ready")
    }
}

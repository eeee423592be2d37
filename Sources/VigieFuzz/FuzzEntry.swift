import Foundation

/// What libFuzzer's entry points call: one input through the harness. An error other than a `VigieError`
/// (from the reader, or the harness unable to write its file) stops the process, so libFuzzer keeps the input.
public enum FuzzEntry {
    public static func run(_ format: FuzzHarness.Format, _ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
        do {
            _ = try FuzzHarness(format: format).run(UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size))
        } catch {
            fatalError("entrée de fuzzing illisible sans VigieError : \(error)")
        }
        return 0
    }

    /// What `fuzz-csv` and `fuzz-xlsx` do in a plain build: replay the files or folders named on the command line.
    public static func replay(_ format: FuzzHarness.Format) throws {
        try FuzzHarness(format: format).replay(Array(CommandLine.arguments.dropFirst()))
    }
}

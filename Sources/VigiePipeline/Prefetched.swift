import Foundation

/// A value being made on another thread, waited for when needed: the next commune's weekly
/// read from the store while this one renders.
final class Prefetched<Value: Sendable>: @unchecked Sendable {
    // Written once by the making thread before `done` is signalled; read after waiting on it.
    private var result: Result<Value, any Error>?
    private let done = DispatchSemaphore(value: 0)

    init(_ make: @escaping @Sendable () throws -> Value) {
        DispatchQueue.global().async {
            self.result = Result { try make() }
            self.done.signal()
        }
    }

    func value() throws -> Value {
        done.wait()
        done.signal()
        guard let result else { preconditionFailure("signalled before a result") }
        return try result.get()
    }

    /// Calls `use` on what each of `makers` makes, in order, making the next while `use` works.
    /// Stops at the first error, after the value being made is done.
    static func each(_ makers: [@Sendable () throws -> Value], _ use: (Value) throws -> Void) throws {
        guard let first = makers.first else { return }
        var current = Prefetched(first)
        for next in makers.dropFirst() {
            let value = try current.value()
            let following = Prefetched(next)
            defer { current = following }
            do { try use(value) } catch { _ = try? following.value(); throw error }
        }
        try use(try current.value())
    }
}

/// A small seeded generator (SplitMix64): the same seed gives the same sample files on every machine.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform Double in [0, 1).
    public mutating func unit() -> Double {
        Double(next() >> 11) / Double(1 << 53)
    }

    /// A Poisson draw of mean `lambda` (Knuth below 30, a rounded normal above).
    public mutating func poisson(_ lambda: Double) -> Int {
        guard lambda > 0 else { return 0 }
        if lambda < 30 {
            let limit = (-lambda).exp
            var k = 0
            var p = 1.0
            repeat { k += 1; p *= unit() } while p > limit
            return k - 1
        }
        // Box–Muller
        let u1 = max(unit(), 1e-12), u2 = unit()
        let z = (-2 * u1.log).squareRoot() * (2 * Double.pi * u2).cos
        return max(0, Int((lambda + z * lambda.squareRoot()).rounded()))
    }
}

extension Double {
    var exp: Double { Foundation.exp(self) }
    var log: Double { Foundation.log(self) }
    var cos: Double { Foundation.cos(self) }
}

import Foundation

import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension UUID {
    /// A version 7 UUID (RFC 9562 §5.7): 48 bits of Unix milliseconds, then 74 random bits.
    /// Rows written every second (tickets, their events, cases, outbox messages) take these ids so a new row's
    /// key lands at the end of each index on it, not on a random page: one page written per batch instead of one
    /// per row, on SQLite and PostgreSQL alike. 74 random bits still make an id unguessable.
    public static func timeOrdered(at date: Date = Date()) -> UUID {
        let milliseconds = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        var random = (UInt64(0), UInt16(0))
        withUnsafeMutableBytes(of: &random) { fillRandom($0) }
        let high = random.0
        let low = random.1
        return UUID(uuid: (
            UInt8(truncatingIfNeeded: milliseconds >> 40), UInt8(truncatingIfNeeded: milliseconds >> 32),
            UInt8(truncatingIfNeeded: milliseconds >> 24), UInt8(truncatingIfNeeded: milliseconds >> 16),
            UInt8(truncatingIfNeeded: milliseconds >> 8), UInt8(truncatingIfNeeded: milliseconds),
            0x70 | UInt8(truncatingIfNeeded: low >> 8) & 0x0F, UInt8(truncatingIfNeeded: low),  // version 7
            0x80 | UInt8(truncatingIfNeeded: high >> 56) & 0x3F, UInt8(truncatingIfNeeded: high >> 48),  // variant 10
            UInt8(truncatingIfNeeded: high >> 40), UInt8(truncatingIfNeeded: high >> 32),
            UInt8(truncatingIfNeeded: high >> 24), UInt8(truncatingIfNeeded: high >> 16),
            UInt8(truncatingIfNeeded: high >> 8), UInt8(truncatingIfNeeded: high)))
    }

    /// One call for all the random bytes (Foundation's `UUID()` opens and reads /dev/urandom for each id).
    private static func fillRandom(_ buffer: UnsafeMutableRawBufferPointer) {
        guard let base = buffer.baseAddress else { return }
        #if canImport(Glibc)
        arc4random_buf(base, buffer.count)
        #else
        var generator = SystemRandomNumberGenerator()
        for offset in 0 ..< buffer.count { base.storeBytes(of: UInt8.random(in: .min ... .max, using: &generator), toByteOffset: offset, as: UInt8.self) }
        #endif
    }
}

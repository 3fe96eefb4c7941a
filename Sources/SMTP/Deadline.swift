// A point on the monotonic clock by which a wait must end; turns into poll(2)'s millisecond argument.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// When a bounded wait gives up, on a clock that does not jump with the wall clock.
struct Deadline {
    let nanoseconds: UInt64
    /// The limit it was made from, for the error message.
    let seconds: Double

    init(seconds: Double) {
        self.seconds = seconds
        let clamped = max(0, min(seconds, 86_400 * 365))
        nanoseconds = Self.now() &+ UInt64(clamped * 1e9)
    }

    static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }

    /// Milliseconds left for poll(2), rounded up so a wait never ends early; 0 when passed.
    var remainingMilliseconds: Int32 {
        let now = Self.now()
        guard nanoseconds > now else { return 0 }
        let left = (nanoseconds - now + 999_999) / 1_000_000
        return Int32(min(left, UInt64(Int32.max)))
    }

    var hasPassed: Bool { Self.now() >= nanoseconds }
}

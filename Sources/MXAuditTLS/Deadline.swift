import Foundation

/// A point on the monotonic clock by which a whole phase (connect, greeting, a command, a handshake)
/// must be done: every read and wait of the phase shares it, so a peer that trickles bytes cannot
/// stretch the phase beyond its bound.
struct Deadline: Sendable, Comparable {
    let uptimeNanoseconds: UInt64

    static var now: Deadline { Deadline(uptimeNanoseconds: DispatchTime.now().uptimeNanoseconds) }

    static func after(_ seconds: Double) -> Deadline {
        let nanoseconds = UInt64(max(0, seconds) * 1_000_000_000)
        return Deadline(uptimeNanoseconds: DispatchTime.now().uptimeNanoseconds &+ nanoseconds)
    }

    var hasPassed: Bool { DispatchTime.now().uptimeNanoseconds >= uptimeNanoseconds }

    /// Milliseconds left, rounded up so that a wait never ends just before the deadline; 0 once passed.
    var remainingMilliseconds: Int32 {
        let now = DispatchTime.now().uptimeNanoseconds
        guard uptimeNanoseconds > now else { return 0 }
        return Int32(clamping: (uptimeNanoseconds - now + 999_999) / 1_000_000)
    }

    /// The same moment on the clock `ReadinessReactor` keeps.
    var instant: ContinuousClock.Instant {
        let now = DispatchTime.now().uptimeNanoseconds
        let left = uptimeNanoseconds > now ? uptimeNanoseconds - now : 0
        return ContinuousClock.now + .nanoseconds(Int64(clamping: left))
    }

    /// The earlier of two deadlines.
    func capped(at other: Deadline) -> Deadline { min(self, other) }

    static func < (lhs: Deadline, rhs: Deadline) -> Bool { lhs.uptimeNanoseconds < rhs.uptimeNanoseconds }
}

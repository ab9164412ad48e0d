import MXAuditExecutor

/// A point on the monotonic clock by which a whole phase (connect, greeting, a command, a handshake)
/// must be done: every read and wait of the phase shares it, so a peer that trickles bytes cannot
/// stretch the phase beyond its bound.
struct Deadline: Sendable, Comparable {
    /// On the clock `ReadinessReactor` keeps, so that a wait hands it over as it is.
    let instant: ContinuousClock.Instant

    static func after(_ seconds: Double) -> Deadline { Deadline(instant: .now + .seconds(max(0, seconds))) }

    var hasPassed: Bool { instant <= .now }

    /// Milliseconds left, rounded up so that a wait never ends just before the deadline; 0 once passed.
    var remainingMilliseconds: Int32 { ReadinessReactor.milliseconds(until: instant) }

    /// The earlier of two deadlines.
    func capped(at other: Deadline) -> Deadline { min(self, other) }

    static func < (lhs: Deadline, rhs: Deadline) -> Bool { lhs.instant < rhs.instant }
}

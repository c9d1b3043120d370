import Foundation

/// What a long-running library call tells its caller after each step, and what it hears back.
public enum ProgressDecision: Sendable {
    case `continue`
    case stop
}

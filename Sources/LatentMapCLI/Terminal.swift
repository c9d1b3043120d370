import LatentTerminal

/// The progress bar every command draws on standard error (from LatentTerminal, the one module
/// that writes to the terminal; the library modules never print).
typealias ProgressBar = LatentTerminal.ProgressBar

// swift-tools-version:5.4
import PackageDescription

// libFuzzer targets for LatentMap's file parsers. Not part of the main build, never run by the
// tests or CI. Build and run them with scripts/fuzz.sh, which passes
// `-Xswiftc -sanitize=fuzzer -Xswiftc -parse-as-library` (libFuzzer supplies `main`).
// Tools version 5.4 on purpose: from 5.5 SwiftPM links executables with `main` aliased to a
// `<Target>_main` entry point, which these targets do not have.

let latentMap: Target.Dependency = .product(name: "LatentMap", package: "LatentMap")

let package = Package(
    name: "LatentMapFuzz",
    dependencies: [.package(name: "LatentMap", path: "..")],
    targets: [
        .target(name: "FuzzSupport", dependencies: [latentMap]),
        .executableTarget(name: "FuzzIDX", dependencies: ["FuzzSupport", latentMap]),
        .executableTarget(name: "FuzzNPY", dependencies: ["FuzzSupport", latentMap]),
        .executableTarget(name: "FuzzNPZ", dependencies: ["FuzzSupport", latentMap]),
        .executableTarget(name: "FuzzCSV", dependencies: ["FuzzSupport", latentMap]),
        .executableTarget(name: "FuzzSafetensors", dependencies: ["FuzzSupport", latentMap]),
        .executableTarget(name: "FuzzCheckpoint", dependencies: ["FuzzSupport", latentMap]),
    ]
)

// swift-tools-version:6.0
import PackageDescription

// MARK: - System libraries (Debian packages; scripts/setup.sh installs them)

let systemLibraries: [Target] = [
    .systemLibrary(
        name: "COpenBLAS", path: "Sources/COpenBLAS", pkgConfig: "openblas",
        providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]),
    // LIBXSMM: JIT-generated kernels for the many small products of a Winograd convolution.
    .systemLibrary(
        name: "CXSMM", path: "Sources/CXSMM", pkgConfig: "libxsmm",
        providers: [.apt(["libxsmm-dev"])]),
    .systemLibrary(
        name: "CCairo", path: "Sources/CCairo", pkgConfig: "cairo",
        providers: [.apt(["libcairo2-dev"])]),
    .systemLibrary(
        name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
        providers: [.apt(["zlib1g-dev"])]),
    .systemLibrary(
        name: "CFFTW", path: "Sources/CFFTW", pkgConfig: "fftw3f",
        providers: [.apt(["libfftw3-dev"])]),
]

// hnswlib (Debian `libhnswlib-dev`) is header-only C++: a small C++ target wraps it behind a C
// header, so Swift sees only C.
let cxxShims: [Target] = [
    .target(name: "CHNSW", path: "Sources/CHNSW"),
]

// MARK: - Library modules

let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")
let realModule: Target.Dependency = .product(name: "RealModule", package: "swift-numerics")

let libraries: [Target] = [
    .target(name: "LatentCore", dependencies: ["COpenBLAS", "CXSMM", realModule]),
    .target(
        name: "LatentData", dependencies: ["LatentCore", "CZlib"],
        resources: [.copy("Resources/mnist")]),
    .target(name: "LatentAnalysis", dependencies: ["LatentCore", "CHNSW", realModule]),
    .target(name: "LatentTSNE", dependencies: ["LatentCore", "LatentAnalysis", "CFFTW", realModule]),
    .target(name: "LatentNets", dependencies: ["LatentCore", realModule]),
    .target(name: "LatentPlot", dependencies: ["LatentCore", "LatentData", "CCairo"]),
    // Workflows: the runs behind pipeline, compare, sweep, anomalies, walk, interpolate, sample;
    // configuration in, result out, progress through a closure that can stop the run. No printing.
    .target(
        name: "LatentWorkflows",
        dependencies: ["LatentCore", "LatentData", "LatentAnalysis", "LatentTSNE", "LatentNets", "LatentPlot"]),
    // The umbrella: only re-exports the modules above.
    .target(
        name: "LatentMap",
        dependencies: ["LatentCore", "LatentData", "LatentAnalysis", "LatentTSNE", "LatentNets", "LatentPlot",
                       "LatentWorkflows"]),
]

// MARK: - Command-line tool and examples

// Terminal output (progress bars) for the tool and the examples; the library modules never print,
// and the umbrella does not re-export this.
let terminal: Target = .target(name: "LatentTerminal", dependencies: ["LatentCore", "LatentWorkflows"])

let examples = ["DenseAutoencoder2D", "Autoencoder64TSNE", "Digits156", "DeepAndConvolutional", "FashionMNIST70k",
                "SwissRollPrior", "FashionMNISTPlacement"]

let executables: [Target] = [
    terminal,
    .executableTarget(name: "LatentMapCLI", dependencies: ["LatentMap", "LatentTerminal", argumentParser]),
] + examples.map { .executableTarget(name: $0, dependencies: ["LatentMap", "LatentTerminal"], path: "Examples/\($0)") }

// MARK: - Tests

let tests: [Target] = [
    .target(name: "TestSupport", dependencies: ["LatentCore"], path: "Tests/TestSupport"),
    .testTarget(name: "LatentCoreTests", dependencies: ["LatentCore", "TestSupport"]),
    .testTarget(name: "LatentDataTests", dependencies: ["LatentData", "TestSupport"]),
    .testTarget(name: "LatentAnalysisTests", dependencies: ["LatentAnalysis", "TestSupport"]),
    .testTarget(name: "LatentPlotTests", dependencies: ["LatentPlot", "LatentData", "TestSupport"]),
    .testTarget(name: "LatentTSNETests", dependencies: ["LatentTSNE", "LatentAnalysis", "TestSupport"]),
    .testTarget(name: "LatentNetsTests", dependencies: ["LatentNets", "LatentData", "LatentAnalysis", "TestSupport"]),
    .testTarget(name: "LatentWorkflowsTests", dependencies: ["LatentWorkflows", "TestSupport"]),
    .testTarget(name: "CLITests", dependencies: ["LatentMapCLI", "TestSupport"]),
]

let package = Package(
    name: "LatentMap",
    products: [
        .library(name: "LatentMap", targets: ["LatentMap"]),
        .executable(name: "latentmap", targets: ["LatentMapCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
    ],
    targets: systemLibraries + cxxShims + libraries + executables + tests,
    cxxLanguageStandard: .cxx17
)


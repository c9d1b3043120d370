import ArgumentParser
import Foundation
import LatentMap
import LatentTerminal

extension LatentMapCommand {
    struct PCACommand: ParsableCommand, DeclaresAliases {
        static let configuration = CommandConfiguration(
            commandName: "pca",
            abstract: "Principal component analysis: scores, components, explained variance, scree plot, scatter and biplot.",
            discussion: """
                Writes into the --out folder: scores.npy/.csv (N × K), components.csv (K × D, one \
                column per feature), explained-variance.csv (for at least 50 components, or all), scree, scatter (PC1 against PC2, \
                coloured by label) and, for data with at most 20 features or with --biplot, the \
                biplot (scores with one loading arrow per feature, named from a CSV header).
                  latentmap pca mnist --components 50 --out pca-mnist
                  latentmap pca iris.csv --components 2 --standardize --out pca-iris
                """)

        @OptionGroup var data: InputOptions
        @OptionGroup var seed: SeedOptions
        @OptionGroup var runtime: RuntimeOptions
        @OptionGroup var figures: FigureOptions

        static let aliases = OptionAlias.renaming(["n-components"], to: "components")

        @Option(help: "Number of principal components to keep (default: min(D, 10)).")
        var components: Int?

        @Option(help: "Output folder (created if missing).")
        var out: String

        @Flag(help: "Scale every feature to unit variance first (for tables whose columns have different units).")
        var standardize = false

        @Flag(inversion: .prefixedNo, help: "Draw the biplot (default: when the data has at most 20 features).")
        var biplot: Bool?

        @Option(help: "Most loading arrows in the biplot: the features with the longest loadings.")
        var arrows: Int = 20

        func validate() throws {
            if let components { try OptionLimits.check(components, "components", atMost: Int.max) }
            try OptionLimits.check(arrows, "arrows", atMost: Int.max)
        }

        func run() throws {
            let dataset = try data.load(seed)
            let d = dataset.dimension
            let k = components ?? min(d, dataset.count, 10)
            guard k <= d else { throw CLIError("--components \(k) is more than the \(d) features of \(dataset.name)") }
            guard dataset.count >= 2 else { throw CLIError("\(dataset.name): PCA needs at least 2 samples, got \(dataset.count)") }
            guard k <= dataset.count else { throw CLIError("--components \(k) is more than the \(dataset.count) samples of \(dataset.name)") }
            var x = dataset.samples
            if standardize {
                let sd = x.columnStandardDeviations()
                if let j = sd.firstIndex(where: { $0 == 0 }) {
                    throw CLIError("--standardize: feature \(featureName(j)) is constant in \(dataset.name); it cannot be scaled to unit variance")
                }
                x.scaleColumns(by: sd.map { 1 / $0 })
            }
            let folder = try OutputFolder(creating: out)
            defer { folder.removeIfEmpty() }
            func path(_ name: String) -> String { (out as NSString).appendingPathComponent(name) }

            // Fit at least 50 components (or all D) so the scree plot shows where variance runs out.
            let pca = try PCA(fitting: x, components: min(d, dataset.count, max(k, 50)))
            let fitted = pca.components.rows
            let scores = pca.transform(x).columns(0..<k)
            let names = try featureNames(of: dataset)
            let componentNames = (1...k).map { "PC\($0)" }
            try MatrixIO.write(scores, to: path("scores.npy"))
            try MatrixIO.write(scores, to: path("scores.csv"), columnNames: componentNames)
            try MatrixIO.write(pca.components.rows(0..<k), to: path("components.csv"), columnNames: names)
            if let labels = dataset.labels { try MatrixIO.write(labels: labels, to: path("labels.npy")) }
            var cumulative: [Float] = []
            for r in pca.explainedVarianceRatio { cumulative.append((cumulative.last ?? 0) + r) }
            let table = try Matrix((0..<fitted).map { [Float($0 + 1), pca.explainedVariance[$0], pca.explainedVarianceRatio[$0], cumulative[$0]] })
            try MatrixIO.write(table, to: path("explained-variance.csv"),
                               columnNames: ["component", "variance", "ratio", "cumulative"])

            let title = figures.title(default: displayName(dataset.name)) + (standardize ? " (standardized)" : "")
            let percent = pca.explainedVarianceRatio.map { String(format: "%.1f%%", 100 * $0) }
            let ks = (1...fitted).map(Double.init)
            var scree = LinePlot()
                .adding("per component", x: ks, y: pca.explainedVarianceRatio)
                .adding("cumulative", x: ks, y: cumulative, dash: [5, 3])
            if k < fitted {
                scree = scree.adding("kept: \(k)", x: [Double(k), Double(k)], y: [0, 1], color: Color(hex: 0x888888), dash: [2, 2])
            }
            scree = scree
.titled("\(title): explained variance").axisLabels(x: "principal component", y: "fraction of variance")
            try figures.write(scree, named: "scree", in: out)
            if k >= 2 {
                let axes = (x: "PC1 (\(percent[0]))", y: "PC2 (\(percent[1]))")
                var scatter = ScatterPlot(scores.columns(0..<2), labels: dataset.labels)
                    .axes(.ticks, x: axes.x, y: axes.y).titled("\(title): first two principal components").shuffled(seed: seed.seed)
                    .legend(figures.showsLegend)
                if let classNames = dataset.classNames { scatter = scatter.classNames(classNames) }
                try figures.write(scatter, named: "scatter", in: out)
                if biplot ?? (d <= 20) {
                    // Loadings: unit axes times the standard deviation along each component.
                    var loadings = pca.components.rows(0..<2).transposed()
                    loadings.scaleColumns(by: pca.explainedVariance.prefix(2).map { $0.squareRoot() })
                    let kept = longestRows(of: loadings, count: arrows)
                    var plot = Biplot(scores: scores.columns(0..<2), loadings: loadings.rows(at: kept),
                                      featureNames: kept.map { names[$0] }, labels: dataset.labels)
                        .axisLabels(x: axes.x, y: axes.y)
                        .titled("\(title): biplot" + (kept.count < d ? " (\(kept.count) longest of \(d) loadings)" : ""))
                    if let classNames = dataset.classNames { plot = plot.classNames(classNames) }
                    try figures.write(plot, named: "biplot", in: out)
                }
            } else if biplot == true {
                throw CLIError("--biplot needs at least 2 components, got --components \(k)")
            }
            runtime.note("pca: \(dataset.count) × \(d) → \(k) components, \(String(format: "%.1f%%", 100 * cumulative[k - 1])) of the variance → \(out)/")
            print(zip(componentNames, zip(percent, cumulative.prefix(k))).map { "\($0.0)\t\($0.1.0)\t\(String(format: "%.1f%%", 100 * $0.1.1))" }
                .joined(separator: "\n"))
        }

        /// Feature names: from the CSV header (without the label column); pixel (row, column)
        /// for single-channel images; else x1, x2, ….
        func featureNames(of dataset: Dataset) throws -> [String] {
            let d = dataset.dimension
            if let shape = dataset.imageShape, shape.channels == 1, shape.count == d {
                return (0..<d).map { "pixel (\($0 / shape.width), \($0 % shape.width))" }
            }
            let fallback = (0..<d).map { featureName($0) }
            guard data.data.lowercased().hasSuffix(".csv"), FileManager.default.fileExists(atPath: data.data) else { return fallback }
            let table = try CSV.read(data.data)
            guard var names = table.columnNames else { return fallback }
            if let label = try table.labelColumn(data.labelColumn, path: data.data) { names.remove(at: label) }
            return names.count == d ? names : fallback
        }

        func featureName(_ j: Int) -> String { "x\(j + 1)" }

        /// The indices of the `count` rows with the largest norms, in their original order.
        func longestRows(of m: Matrix, count: Int) -> [Int] {
            guard m.rows > count else { return Array(0..<m.rows) }
            let norms = m.rowSquaredNorms()
            return Array(norms.indices.sorted { norms[$0] > norms[$1] || (norms[$0] == norms[$1] && $0 < $1) }.prefix(count)).sorted()
        }

        func displayName(_ name: String) -> String { Pipeline.displayName(name) }
    }
}

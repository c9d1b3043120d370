import ArgumentParser
import Foundation
import LatentMap

/// The clustering method of `latentmap cluster`.
enum ClusterMethod: String, ExpressibleByArgument, CaseIterable {
    case kmeans, gmm, basins

    var title: String {
        switch self {
        case .kmeans: return "k-means"
        case .gmm: return "Gaussian mixture"
        case .basins: return "density basins"
        }
    }
}

extension LatentMapCommand {
    struct Cluster: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cluster codes (or any matrix or dataset) with k-means, a Gaussian mixture or a 2-D map's density basins; with labels, score the clusters against the classes.",
            discussion: """
                CODES is a matrix (.npy, .csv, .npz) of any width, or a dataset. Its labels come \
                from --labels, else from the labels written beside it (encode and tsne write \
                codes.labels.npy, or a label column in CSV). Writes into the --out folder: \
                assignments.npy (one cluster per row) and assignments.csv (row, cluster and \
                label), cluster.json, and with labels the confusion heatmap of classes against \
                clusters (confusion.png, .svg), each class's matched cluster first. With labels it \
                prints the accuracy after matching clusters to classes (Hungarian), the \
                normalised mutual information and the adjusted Rand index. --method basins \
                clusters a 2-D map (such as tsne writes) by the basins of its density, merged \
                over a graph: with --codes, the t-SNE affinities of the codes the map was made \
                from (--perplexity, --metric: give the map's own), else the map's 10-NN graph.
                  latentmap encode ae.safetensors mnist --out codes.npy
                  latentmap cluster codes.npy --k 10 --method gmm --out clusters
                  latentmap tsne codes.npy --pca 0 --metric cosine --perplexity 15 --out m.npy
                  latentmap cluster m.npy --method basins --codes codes.npy --out basins
                """)

        @OptionGroup var input: InputOptions

        @Option(name: [.customLong("k"), .customLong("clusters")], help: "Number of clusters (default: the number of classes of the labels).")
        var k: Int?

        @Option(help: "Method: kmeans, gmm (a Gaussian mixture fitted by EM, started from k-means) or basins (a 2-D map's density basins merged over a graph).")
        var method: ClusterMethod = .kmeans

        @Option(help: "With --method basins: the codes the map was made from (.npy, .csv, .npz; one row per map row), whose t-SNE affinities join the basins (default: the map's own 10-NN graph).")
        var codes: String?

        @Option(help: "With --codes: the perplexity of the codes' affinities (the map's). (default: 15)")
        var perplexity: Double?

        @Option(help: "With --codes: the codes' distance, euclidean or cosine (the map's). (default: cosine)")
        var metric: DistanceMetric?

        @Option(help: "With --method basins: the density kernel's width as a fraction of the map's larger side; several, comma-separated (e.g. 0.02,0.01), keep the most modular clustering. (default: 0.02)")
        var bandwidth: String?

        /// The --bandwidth values (nil when absent or malformed; `validate` reports the latter).
        var bandwidths: [Double]? {
            guard let bandwidth else { return nil }
            let values = bandwidth.split(separator: ",", omittingEmptySubsequences: false).map { Double($0.trimmingCharacters(in: .whitespaces)) }
            return values.contains(where: { $0 == nil }) ? nil : values.compactMap { $0 }
        }

        @Option(help: "Gaussian mixture covariances: full or diagonal (faster on wide codes).")
        var covariance: GaussianMixture.Covariance = .full

        @Option(help: "Seeded restarts, each from k-means++: k-means keeps the lowest inertia (default 4), the Gaussian mixture the most likely fit (default \(GaussianMixture.defaultRestarts)).")
        var restarts: Int?

        @Option(help: "Output folder (created if missing).")
        var out: String

        @OptionGroup var classNames: ClassNameOptions
        @OptionGroup var figures: FigureOptions
        @OptionGroup var seed: SeedOptions
        @OptionGroup var runtime: RuntimeOptions
        @OptionGroup var report: ReportOptions

        func validate() throws {
            if let k { try OptionLimits.check(k, "k", atMost: Int.max) }
            if let restarts { try OptionLimits.check(restarts, "restarts", atMost: 1000) }
            if method != .gmm && covariance != .full { throw CLIError("--covariance applies to --method gmm") }
            if method != .basins && (codes != nil || bandwidth != nil) { throw CLIError("--codes and --bandwidth apply to --method basins") }
            if codes == nil && (perplexity != nil || metric != nil) { throw CLIError("--perplexity and --metric apply with --codes") }
            if method == .basins && restarts != nil { throw CLIError("--restarts applies to --method kmeans or gmm") }
            if let bandwidth, !(bandwidths ?? [.nan]).allSatisfy({ $0 > 0 && $0 <= 1 }) {
                throw CLIError("--bandwidth must be numbers in (0, 1], comma-separated, got '\(bandwidth)'")
            }
            if let perplexity, !(perplexity >= 1 && perplexity.isFinite) { throw CLIError("--perplexity must be at least 1, got \(perplexity)") }
        }

        func run() throws {
            let dataset = try input.load(seed)
            let classes = dataset.labels.map { Set($0).count }
            guard let k = k ?? classes else { throw CLIError("\(dataset.name) has no labels: give the number of clusters with --k") }
            guard k <= dataset.count else { throw CLIError("--k \(k) is more than the \(dataset.count) rows of \(dataset.name)") }
            if method == .basins && dataset.dimension != 2 {
                throw CLIError("--method basins clusters a 2-D map; \(dataset.name) has \(dataset.dimension) columns")
            }
            let probe = try OutputPath((out as NSString).appendingPathComponent("assignments.npy"), option: "out")
            defer { probe.folder.removeIfEmpty() }
            func path(_ name: String) -> String { (out as NSString).appendingPathComponent(name) }

            runtime.note("cluster: \(method.title), k = \(k), on \(dataset.count) × \(dataset.dimension) (\(dataset.name))")
            let started = Date()
            var fields = ReportFields(["kind": "cluster", "method": method.rawValue, "k": k, "n": dataset.count,
                                       "dims": dataset.dimension, "data": dataset.name, "seed": seed.seed])
            let assignments: [Int]
            switch method {
            case .kmeans:
                let fit = try KMeans(clusters: k, restarts: restarts ?? 4, seed: seed.seed).fit(dataset.samples)
                assignments = fit.assignments
                fields["inertia"] = fit.inertia
                fields["iterations"] = fit.iterations
            case .gmm:
                let fit = try GaussianMixture(components: k, covariance: covariance, restarts: restarts ?? GaussianMixture.defaultRestarts,
                                              seed: seed.seed).fit(dataset.samples)
                assignments = fit.assignments
                fields["covariance"] = covariance.rawValue
                fields["log_likelihood"] = Report.rounded(fit.logLikelihood, 6)
                fields["iterations"] = fit.iterations
                fields["converged"] = fit.converged
            case .basins:
                var graph: NeighborGraph?
                if let codes {
                    let matrix = try MatrixIO.readMatrix(codes)
                    let rows = dataset.loadedRows
                    guard let last = rows.max(), last < matrix.rows, matrix.rows >= dataset.count else {
                        throw CLIError("--codes \(codes): \(matrix.rows) rows, but \(dataset.name) has \(dataset.count) (one code per map row)")
                    }
                    let selected = matrix.rows == dataset.count && rows == Array(0..<dataset.count) ? matrix : matrix.rows(at: rows)
                    let p = perplexity ?? 15
                    guard Double(selected.rows) > 3 * p else {
                        throw CLIError("--perplexity \(p) needs more than \(Int(3 * p)) codes, --codes has \(selected.rows)")
                    }
                    do {
                        graph = NeighborGraph(try Affinities(perplexity: p, of: selected, metric: metric ?? .cosine))
                    } catch let error as TSNEError {
                        throw CLIError("--codes \(codes): \(error)")
                    }
                    fields["graph"] = "affinities of \(codes)"
                    fields["perplexity"] = p
                    fields["metric"] = (metric ?? .cosine).rawValue
                } else {
                    fields["graph"] = "10-NN of the map"
                }
                let fit = try DensityBasinClustering(clusters: k, bandwidths: bandwidths ?? [0.02]).fit(dataset.samples, graph: graph)
                assignments = fit.assignments
                fields["basins"] = fit.basins
                fields["bandwidth"] = fit.bandwidth
                fields["modularity"] = Report.rounded(fit.modularity, 6)
            }
            fields["seconds"] = Report.seconds(Date().timeIntervalSince(started))
            var sizes = [Int](repeating: 0, count: k)
            for c in assignments { sizes[c] += 1 }
            fields["sizes"] = sizes.map(Double.init)

            try MatrixIO.write(labels: assignments, to: path("assignments.npy"))
            let rows = dataset.loadedRows
            var csv = "row,cluster" + (dataset.labels == nil ? "" : ",label") + "\n"
            for i in 0..<dataset.count {
                csv += "\(rows[i]),\(assignments[i])" + (dataset.labels.map { ",\($0[i])" } ?? "") + "\n"
            }
            try AtomicFile.write(csv, to: path("assignments.csv"))
            var line = "\(method.title), k = \(k), on \(dataset.count) × \(dataset.dimension)"
            if let labels = dataset.labels {
                let score = ClusterEvaluation(labels: labels, clusters: assignments)
                fields["accuracy"] = Report.rounded(score.accuracy)
                fields["nmi"] = Report.rounded(score.normalizedMutualInformation)
                fields["ari"] = Report.rounded(score.adjustedRandIndex)
                fields["classes"] = score.classes.count
                line += String(format: ": accuracy %.4f (clusters matched to the %d classes), NMI %.4f, ARI %.4f",
                               score.accuracy, score.classes.count, score.normalizedMutualInformation, score.adjustedRandIndex)
                let names = try classNames.names(default: dataset.classNames, for: labels)
                let rowNames = score.classes.map { c in names.flatMap { c < $0.count ? $0[c] : nil } ?? String(c) }
                let heatmap = try Heatmap(confusion: score.counts, classNames: rowNames, predictedNames: score.clusterOrder.map(String.init))
                    .axisLabels(x: "cluster (ordered by matched class)", y: "class")
                    .titled(figures.title(default: String(format: "%@, k = %d: accuracy %.1f%%, NMI %.3f", method.title, k,
                                                          100 * score.accuracy, score.normalizedMutualInformation)))
                fields["figures"] = try figures.write(heatmap, named: "confusion", in: out).joined(separator: ",")
            } else {
                line += ": cluster sizes " + sizes.map(String.init).joined(separator: ", ") + " (no labels: no scores)"
            }
            try Report.write(fields, to: path("cluster.json"))
            runtime.note("cluster: wrote assignments.npy, assignments.csv, cluster.json\(dataset.labels == nil ? "" : ", confusion") → \(out)/")
            if report.json { try report.print(fields) } else { print(line) }
        }
    }
}

extension LatentMapCommand.Cluster: RunsInContext {}

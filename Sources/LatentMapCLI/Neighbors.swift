import ArgumentParser
import Foundation
import LatentMap
import LatentTerminal

extension LatentMapCommand {
    struct Neighbors: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "neighbors",
            abstract: "Find every point's k nearest neighbours (exact or HNSW) and report the time and, if asked, the recall.",
            discussion: """
                The neighbour search t-SNE uses, on its own: the same input (PCA to 50 dimensions \
                when the data has more), the same search. --recall N compares the neighbours found \
                with the exact ones for N seeded random points (--recall all: every point; the exact \
                search is O(N²)). --json prints one line with the timings and recall.
                  latentmap neighbors fashion-mnist --k 90 --search approximate --recall all --json
                """)

        @OptionGroup var input: DataOptions
        @OptionGroup var runtime: RuntimeOptions

        @Option(help: "Neighbours per point (t-SNE uses 3 × perplexity, 90 by default).")
        var k: Int = 90

        @Option(help: "exact, approximate (HNSW) or auto (exact below \(NeighborSearch.approximateFromPoints) points).")
        var search: NeighborSearchChoice = .auto

        @Option(help: "Reduce the input to this many principal components first (0: never; default: 50 when the input has more).")
        var pca: Int?

        @Option(help: "Distance between input points: euclidean or cosine.")
        var metric: DistanceMetric = .euclidean

        @Option(help: "HNSW graph links per point (M).")
        var links: Int = ApproximateNeighborSettings().links

        @Option(help: "HNSW candidates while inserting (efConstruction).")
        var constructionBreadth: Int = ApproximateNeighborSettings().constructionBreadth

        @Option(help: "HNSW candidates while querying (efSearch; at least k + 1 is used).")
        var searchBreadth: Int = ApproximateNeighborSettings().searchBreadth

        @Option(help: "Seed of the HNSW layers and of --subsample and --recall's sample.")
        var seed: UInt64 = 1

        @Option(help: ArgumentHelp("Measure recall against exact neighbours for this many random points, or all.", valueName: "N|all"))
        var recall: String?

        @Flag(help: "Print one JSON line with the timings and recall on standard output.")
        var json = false

        func validate() throws {
            guard k >= 1 else { throw ValidationError("--k must be at least 1, got \(k)") }
            if let pca, pca < 0 { throw ValidationError("--pca must be 0 (no reduction) or positive, got \(pca)") }
            if let recall, recall != "all", (Int(recall) ?? 0) < 1 {
                throw ValidationError("--recall must be a number of points (at least 1) or all, got \(recall)")
            }
            let settings = ApproximateNeighborSettings(links: links, constructionBreadth: constructionBreadth,
                                                       searchBreadth: searchBreadth, seed: seed)
            guard settings.links >= 2, settings.constructionBreadth >= 1, settings.searchBreadth >= 0 else {
                throw ValidationError("--links must be at least 2, --construction-breadth at least 1, --search-breadth 0 or more")
            }
        }

        func run() throws {
            var dataset = try input.load(seed: seed)
            var x = dataset.samples
            let components = min(pca ?? (x.columns > 50 ? 50 : 0), x.rows)   // as tsne: N points span at most N − 1 dimensions
            let t0 = Date()
            if components > 0 && components < x.columns {
                x = try PCA(fitting: x, components: components).transform(x)
                dataset.samples = Matrix(rows: 0, columns: 0)
            }
            let pcaSeconds = Date().timeIntervalSince(t0)
            guard k <= x.rows - 1 else {
                throw ValidationError("--k \(k) needs at least \(k + 1) points, the data has \(x.rows)")
            }
            let settings = ApproximateNeighborSettings(links: links, constructionBreadth: constructionBreadth,
                                                       searchBreadth: searchBreadth, seed: seed)
            let exactHere = search == .exact || (search == .auto && NeighborSearch.auto.resolved(points: x.rows) == .exact)
            let choice: NeighborSearch = exactHere ? .exact : .approximate(settings)
            let bars = PreparationBars(quiet: runtime.quiet)
            let t1 = Date(), cpu1 = processCPUSeconds()
            var indexCPU: Double?
            let knn = try choice.neighbors(of: x, k: k, metric: metric) { step in
                if step.phase == .indexing && step.completed == step.total { indexCPU = processCPUSeconds() - cpu1 }
                return bars.report(TSNEPreparationProgress(stage: step.phase == .indexing ? .indexing : .neighbors,
                                                    completed: step.completed, total: step.total))
            }
            bars.finish()
            let searchSeconds = Date().timeIntervalSince(t1), searchCPU = processCPUSeconds() - cpu1
            var fields: [(String, String)] = [
                ("kind", "\"neighbors\""), ("data", "\"\(dataset.name.replacingOccurrences(of: "\"", with: "\\\""))\""),
                ("n", "\(x.rows)"), ("dims", "\(x.columns)"), ("k", "\(k)"), ("search", "\"\(choice.name)\""),
                ("threads", "\(ExecutionContext.current.threads)"), ("pca_s", String(format: "%.3f", pcaSeconds)),
                ("search_s", String(format: "%.3f", searchSeconds)), ("search_cpu_s", String(format: "%.3f", searchCPU)),
            ]
            if case .approximate(let s) = choice {
                fields += [("links", "\(s.links)"), ("construction_breadth", "\(s.constructionBreadth)"),
                           ("search_breadth", "\(max(s.searchBreadth, k + 1))"),
                           ("index_cpu_s", String(format: "%.3f", indexCPU ?? 0))]
            }
            var line = String(format: "%@ neighbours (k = %d) of %d points × %d dimensions in %.2fs", choice.name, k, x.rows, x.columns, searchSeconds)
            if let recall {
                let t2 = Date()
                let rows: [Int]
                if recall == "all" {
                    rows = Array(0..<x.rows)
                } else {
                    var g = SeededGenerator(seed: seed)
                    rows = Array(Array(0..<x.rows).shuffled(using: &g).prefix(Int(recall) ?? 0)).sorted()
                }
                let exact = try NearestNeighbors.exact(ofRows: rows, in: x, k: k, metric: metric)
                let r = try knn.recall(against: exact, rows: rows)
                line += String(format: ", recall %.4f over %d points", r, rows.count)
                fields += [("recall", String(format: "%.5f", r)), ("recall_points", "\(rows.count)"),
                           ("recall_s", String(format: "%.3f", Date().timeIntervalSince(t2)))]
            }
            if !runtime.quiet { ProgressBar.note(line) }
            if json { print("{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}") }
        }
    }
}

extension LatentMapCommand.Neighbors: RunsInContext {}

/// CPU seconds this process has used on all its threads (user and system): a cost measure that,
/// unlike wall time, other processes on the machine do not inflate.
func processCPUSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

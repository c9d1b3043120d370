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
                  latentmap neighbors fashion-mnist --neighbors 90 \\
                    --neighbor-search approximate --recall all --json
                """)

        @OptionGroup var input: InputOptions
        @OptionGroup var neighbors: NeighborOptions
        @OptionGroup var search: NeighborSearchOptions
        @OptionGroup var seed: SeedOptions
        @OptionGroup var runtime: RuntimeOptions

        /// Neighbours per point without `--neighbors`: as t-SNE's 3 × perplexity 30.
        static let defaultNeighbors = 90

        var k: Int { neighbors.count(default: Neighbors.defaultNeighbors) }

        @Option(help: "HNSW graph links per point (M).")
        var links: Int = ApproximateNeighborSettings().links

        @Option(help: "HNSW candidates while inserting (efConstruction).")
        var constructionBreadth: Int = ApproximateNeighborSettings().constructionBreadth

        @Option(help: "HNSW candidates while querying (efSearch; at least k + 1 is used).")
        var searchBreadth: Int = ApproximateNeighborSettings().searchBreadth

        @Option(help: ArgumentHelp("Measure recall against exact neighbours for this many random points, or all.", valueName: "N|all"))
        var recall: String?

        @Flag(help: "Print one JSON line with the timings and recall on standard output.")
        var json = false

        func validate() throws {
            if let recall, recall != "all", (Int(recall) ?? 0) < 1 {
                throw CLIError("--recall must be a number of points (at least 1) or all, got \(recall)")
            }
            let settings = ApproximateNeighborSettings(links: links, constructionBreadth: constructionBreadth,
                                                       searchBreadth: searchBreadth, seed: seed.seed)
            guard settings.links >= 2, settings.constructionBreadth >= 1, settings.searchBreadth >= 0 else {
                throw CLIError("--links must be at least 2, --construction-breadth at least 1, --search-breadth 0 or more")
            }
        }

        func run() throws {
            let seed = self.seed.seed, metric = search.metric
            var dataset = try input.load(seed: seed)
            let (x, _, pcaSeconds) = try search.reduce(&dataset)
            guard k <= x.rows - 1 else {
                throw CLIError("--neighbors \(k) needs at least \(k + 1) points, the data has \(x.rows)")
            }
            let settings = ApproximateNeighborSettings(links: links, constructionBreadth: constructionBreadth,
                                                       searchBreadth: searchBreadth, seed: seed)
            let exactHere = search.neighborSearch == .exact
                || (search.neighborSearch == .auto && NeighborSearch.auto.resolved(points: x.rows) == .exact)
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
            var fields = ReportFields([
                "kind": "neighbors", "data": dataset.name, "n": x.rows, "dims": x.columns, "k": k, "search": choice.name,
                "threads": ExecutionContext.current.threads, "pca_s": Report.seconds(pcaSeconds),
                "search_s": Report.seconds(searchSeconds), "search_cpu_s": Report.seconds(searchCPU),
            ])
            if case .approximate(let s) = choice {
                fields.merge(ReportFields(["links": s.links, "construction_breadth": s.constructionBreadth,
                                           "search_breadth": max(s.searchBreadth, k + 1),
                                           "index_cpu_s": Report.seconds(indexCPU ?? 0)]))
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
                fields.merge(ReportFields(["recall": Report.rounded(r, 5), "recall_points": rows.count,
                                           "recall_s": Report.seconds(Date().timeIntervalSince(t2))]))
            }
            runtime.note(line)
            if json { try Report.print(fields) }
        }
    }
}


/// CPU seconds this process has used on all its threads (user and system): a cost measure that,
/// unlike wall time, other processes on the machine do not inflate.
func processCPUSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

import Foundation
import Testing
import TestSupport

@Suite struct CompareCommandTests {
    @Test func compareOnASmallSubsetWritesThePanelTheTablesAndConsistentScores() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let out = dir.file("cmp")
        let r = try runCLI(["compare", "mnist", "--subsample", "600", "--epochs", "15", "--out", out, "-q"])
        #expect(r.status == 0, "\(r.stderr)")
        let files = Set((try? FileManager.default.contentsOfDirectory(atPath: out)) ?? [])
        for name in ["compare.png", "compare.svg", "compare.pdf", "compare.md", "compare.json", "compare.html",
                     "ae-2d.npy", "ae+tsne.npy", "pca.npy", "pca50+tsne.npy"] {
            #expect(files.contains(name), "missing \(name)")
        }
        #expect(!files.contains { $0.contains(".tmp-") })

        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/compare.json"))) as? [String: Any])
        let methods = try #require(json["methods"] as? [[String: Any]])
        #expect(methods.compactMap { $0["method"] as? String } == ["ae-2d", "ae+tsne", "pca", "pca50+tsne"])
        var knn: [String: Double] = [:]
        for m in methods {
            let name = try #require(m["method"] as? String)
            let trust = try #require(m["trustworthiness"] as? Double)
            let kmeans = try #require(m["kmeans_accuracy"] as? Double)
            knn[name] = try #require(m["knn_accuracy"] as? Double)
            #expect(trust > 0.5 && trust <= 1, "\(name) trustworthiness \(trust)")
            #expect(kmeans > 0.1 && kmeans <= 1, "\(name) k-means accuracy \(kmeans)")
            for key in ["kmeans_nmi", "gmm_accuracy", "gmm_nmi", "basins_accuracy", "basins_nmi"] {
                let v = try #require(m[key] as? Double, "\(name): \(key)")
                #expect(v > 0.1 && v <= 1, "\(name) \(key) \(v)")
            }
            #expect((m["seconds"] as? Double ?? -1) >= 0)
            #expect((m["reconstruction_mse"] is Double) == name.hasPrefix("ae"), "\(name): MSE only for autoencoders")
        }
        // t-SNE of 50 principal components separates digits far better than the first two components.
        let pca = try #require(knn["pca"]), pcaTSNE = try #require(knn["pca50+tsne"])
        #expect(pcaTSNE > pca + 0.2, "10-NN accuracy: PCA-50 + t-SNE \(pcaTSNE), PCA \(pca)")

        // The Markdown table has a header, a rule and one row per method, and matches stdout.
        let md = try String(contentsOfFile: out + "/compare.md", encoding: .utf8)
        #expect(md.split(separator: "\n").filter { $0.hasPrefix("|") }.count == 2 + 4)
        #expect(md.hasSuffix(r.stdout))
    }

    @Test func aVariationalRowOnRequest() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let out = dir.file("cmp")
        let r = try runCLI(["compare", "mnist", "--subsample", "300", "--epochs", "3", "--latent", "20",
                            "--methods", "vae+tsne", "pca", "--out", out, "-q"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("VAE (20-D) + t-SNE"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/compare.json"))) as? [String: Any])
        let methods = try #require(json["methods"] as? [[String: Any]])
        #expect(methods.compactMap { $0["method"] as? String } == ["vae+tsne", "pca"])
        #expect(methods.first?["reconstruction_mse"] is Double)
        #expect(FileManager.default.fileExists(atPath: out + "/vae+tsne.npy"))
    }

    @Test func unknownMethodIsOneErrorLineAndWritesNothing() throws {
        let r = try runCLI(["compare", "--methods", "umap", "--out", "/tmp/never-written-latentmap-compare"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("umap"))
        #expect(!FileManager.default.fileExists(atPath: "/tmp/never-written-latentmap-compare"))
    }

    @Test func tooFewSamplesForThePerplexityIsAClearError() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let r = try runCLI(["compare", "mnist", "--subsample", "50", "--epochs", "1", "--out", dir.file("c"), "-q"])
        #expect(r.status != 0)
        #expect(!FileManager.default.fileExists(atPath: dir.file("c")))
        #expect(r.stderr.contains("too few"))
        #expect(r.stderr.split(separator: "\n").count == 1)
    }
}

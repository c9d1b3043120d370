import Foundation
import LatentCore
import LatentData
import Testing
import TestSupport
@testable import LatentPlot

/// The data elements of a page: the meta JSON and each array, base64-decoded and gunzipped.
struct DecodedPage {
    var meta: [String: Any]
    var arrays: [String: Data]

    init(_ html: String) throws {
        func element(_ id: String) -> String? {
            guard let open = html.range(of: "id=\"lm-\(id)\">") else { return nil }
            let close = try! #require(html.range(of: "</script>", range: open.upperBound..<html.endIndex))
            return String(html[open.upperBound..<close.lowerBound])
        }
        let json = try #require(element("meta"))
        meta = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        arrays = [:]
        for id in ["positions0", "positions1", "labels", "values", "thumbnails", "thumbnailIndex"] {
            guard let text = element(id) else { continue }
            let packed = try #require(Data(base64Encoded: text))
            arrays[id] = try Gzip.decompress(packed, path: id)
        }
    }

    func floats(_ id: String) -> [Float] {
        arrays[id]!.withUnsafeBytes { Array($0.bindMemory(to: UInt32.self)).map { Float(bitPattern: UInt32(littleEndian: $0)) } }
    }

    func uint32s(_ id: String) -> [Int] {
        arrays[id]!.withUnsafeBytes { Array($0.bindMemory(to: UInt32.self)).map { Int(UInt32(littleEndian: $0)) } }
    }
}

@Suite struct InteractiveMapTests {
    @Test func positionsLabelsAndValuesSurviveThePacking() throws {
        let (points, labels) = TestData.blobs(clusters: 3, perCluster: 40, dimension: 3, seed: 4)
        let values = (0..<points.rows).map { Float($0) * 0.5 - 7 }
        let html = try InteractiveMap(points, labels: labels).classNames(["a", "b", "c"])
            .colored(by: values, label: "error").titled("Blobs").html()
        let page = try DecodedPage(html)
        let xy = page.floats("positions0")
        #expect(xy.count == 2 * points.rows)
        for i in 0..<points.rows {
            #expect(xy[2 * i] == points[i, 0] && xy[2 * i + 1] == points[i, 1])
        }
        #expect(Array(page.arrays["labels"]!).map(Int.init) == labels)
        #expect(page.floats("values") == values)
        #expect(page.meta["count"] as? Int == 120)
        #expect(page.meta["classNames"] as? [String] == ["a", "b", "c"])
        #expect(page.meta["classCounts"] as? [Int] == [40, 40, 40])
        #expect(page.meta["colors"] as? [String] == ["#1f77b4", "#ff7f0e", "#2ca02c"])
        #expect(page.meta["valueLabel"] as? String == "error")
        #expect(page.meta["valueRange"] as? [Double] == [-7, Double(values.last!)])
    }

    @Test func thumbnailsAreSixteenGreyLevelsTwoPixelsAByte() throws {
        // Three 1 × 3 images: values 0, 0.5, 1 in turn; odd pixel counts pad each image to 2 bytes.
        let images = try Matrix(rows: 3, columns: 3, elements: [0, 0.5, 1, 1, 0, 0.5, 0.5, 1, 0])
        let points = try Matrix(rows: 3, columns: 2, elements: [0, 0, 1, 1, 2, 0])
        let page = try DecodedPage(InteractiveMap(points).thumbnails(images, height: 1, width: 3).html())
        // 0.5 × 15 = 7.5 rounds to 8.
        #expect(Array(page.arrays["thumbnails"]!) == [0x08, 0xF0, 0xF0, 0x80, 0x8F, 0x00])
        #expect(page.meta["thumbnails"] as? Int == 3)
        #expect(page.meta["thumbnailSubset"] as? Bool == false)
        #expect(page.arrays["thumbnailIndex"] == nil)
    }

    @Test func imagesOutsideTheUnitRangeAreStretched() {
        let images = try! Matrix(rows: 1, columns: 4, elements: [-2, 0, 2, 6])
        #expect(Array(InteractiveMap.packedThumbnails(images, rows: nil)) == [0x04, 0x8F])
    }

    @Test func aboveTheLimitASeededSubsetGetsThumbnails() throws {
        let n = 200
        let points = TestData.random(rows: n, columns: 2, seed: 3)
        let images = TestData.random(rows: n, columns: 4, seed: 5)
        let map = InteractiveMap(points).thumbnails(images, height: 2, width: 2, maximumCount: 50).shuffled(seed: 9)
        let page = try DecodedPage(try map.html())
        let index = page.uint32s("thumbnailIndex")
        #expect(index.count == 50)
        #expect(index == index.sorted() && Set(index).count == 50 && index.allSatisfy { $0 < n })
        #expect(page.arrays["thumbnails"]!.count == 50 * 2)
        #expect(page.meta["thumbnailSubset"] as? Bool == true)
        // The subset is the seed's: the same again, another for another seed.
        #expect(InteractiveMap.thumbnailSubset(count: n, maximum: 50, seed: 9) == index)
        #expect(InteractiveMap.thumbnailSubset(count: n, maximum: 50, seed: 10) != index)
        // Row k of the packed images is image index[k].
        let levels = InteractiveMap.packedThumbnails(images, rows: [index[7]])
        #expect(page.arrays["thumbnails"]!.subdata(in: 14..<16) == levels)
    }

    @Test func everyLayoutIsPackedAndTheyMustAgreeInLength() throws {
        let a = TestData.random(rows: 20, columns: 2, seed: 1), b = TestData.random(rows: 20, columns: 2, seed: 2)
        let page = try DecodedPage(try InteractiveMap(a).layoutNamed("t-SNE").addingLayout("PCA", points: b).html())
        #expect(page.meta["layouts"] as? [String] == ["t-SNE", "PCA"])
        #expect(page.floats("positions1") == b.elements)
        let short = TestData.random(rows: 19, columns: 2, seed: 2)
        #expect(throws: PlotError.self) { try InteractiveMap(a).addingLayout("PCA", points: short).html() }
    }

    @Test func badInputThrowsAndWritesNoFile() throws {
        let dir = try TemporaryDirectory(); defer { dir.remove() }
        var points = TestData.random(rows: 10, columns: 2, seed: 1)
        let images = TestData.random(rows: 9, columns: 4, seed: 1)
        #expect(throws: PlotError.lengthMismatch(what: "labels for 10 points", expected: 10, got: 3)) {
            try InteractiveMap(points, labels: [0, 1, 2]).write(to: dir.file("a.html"))
        }
        #expect(throws: PlotError.lengthMismatch(what: "images for 10 points", expected: 10, got: 9)) {
            try InteractiveMap(points).thumbnails(images, height: 2, width: 2).write(to: dir.file("b.html"))
        }
        #expect(throws: PlotError.lengthMismatch(what: "values for 10 points", expected: 10, got: 2)) {
            try InteractiveMap(points).colored(by: [1, 2]).write(to: dir.file("c.html"))
        }
        points[4, 1] = .nan
        #expect(throws: PlotError.nonFinite(what: "point", index: 4)) { try InteractiveMap(points).write(to: dir.file("d.html")) }
        #expect(dir.contents().isEmpty)
    }

    @Test func theTitleCannotBreakOutOfThePageAndNothingIsFetched() throws {
        let points = TestData.random(rows: 5, columns: 2, seed: 1)
        let html = try InteractiveMap(points, labels: [0, 1, 0, 1, 0])
            .classNames(["</script><script>alert(1)</script>", "b"]).titled("<b>x</b> & y").html()
        #expect(!html.contains("<script>alert"))
        #expect(html.contains("<title>&lt;b&gt;x&lt;/b&gt; &amp; y</title>"))
        let page = try DecodedPage(html)
        #expect((page.meta["classNames"] as? [String])?.first == "</script><script>alert(1)</script>")
        // No address that would leave the file: no URL scheme, no src/href attribute.
        #expect(!html.contains("://"))
        #expect(!html.contains(" src=") && !html.contains(" href="))
    }
}

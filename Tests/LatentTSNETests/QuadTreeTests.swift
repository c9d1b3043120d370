import LatentCore
@testable import LatentTSNE
import Testing
import TestSupport

@Suite struct QuadTreeTests {
    /// Checks counts, centres of mass and containment; returns the number of leaves.
    @discardableResult
    private func checkInvariants(_ tree: QuadTree, positions y: [Float], dimensions d: Int) -> Int {
        let nodes = tree.nodes
        #expect(Int(nodes[0].count) == y.count / d)
        var leaves = 0
        for (k, node) in nodes.enumerated() where node.count > 0 {
            let cell = tree.cell(k)
            if node.firstChild < 0 {
                leaves += 1
                let p = Int(cell.point)
                let pc = [y[p * d], y[p * d + 1], d == 3 ? y[p * d + 2] : 0]
                let centre = [cell.centerX, cell.centerY, cell.centerZ]
                for c in 0..<d { #expect(abs(pc[c] - centre[c]) <= cell.halfWidth * 1.0001, "leaf \(k) holds a point outside it") }
                continue
            }
            let first = Int(node.firstChild)
            var count: Int32 = 0
            var sx = 0.0, sy = 0.0, sz = 0.0
            for c in 0..<(1 << d) {
                let child = nodes[first + c]
                count += child.count
                sx += Double(child.count) * Double(child.x)
                sy += Double(child.count) * Double(child.y)
                sz += Double(child.count) * Double(child.z)
                #expect(abs(tree.cell(first + c).halfWidth * 2 - cell.halfWidth) < 1e-6 * cell.halfWidth)
            }
            #expect(count == node.count, "node \(k): children hold \(count) points, node \(node.count)")
            let n = Double(node.count)
            let scale = Double(cell.halfWidth) + 1
            #expect(abs(sx / n - Double(node.x)) < 1e-4 * scale)
            #expect(abs(sy / n - Double(node.y)) < 1e-4 * scale)
            #expect(abs(sz / n - Double(node.z)) < 1e-4 * scale)
        }
        return leaves
    }

    @Test(arguments: [2, 3])
    func countsAndCentresOfMassAreConsistent(dimensions d: Int) {
        var y = TestData.random(rows: 300, columns: d, seed: 7).elements.map { $0 * 10 }
        // Exact duplicates share one leaf instead of splitting forever.
        for c in 0..<d { y[5 * d + c] = y[c]; y[6 * d + c] = y[c] }
        var tree = QuadTree()
        y.withUnsafeBufferPointer { tree.rebuild(positions: $0.baseAddress!, count: 300, dimensions: d) }
        let leaves = checkInvariants(tree, positions: y, dimensions: d)
        #expect(leaves == 298)
        // The walk visits every point exactly once, in the order of its leaf.
        #expect(tree.order.map { Int($0) }.sorted() == Array(0..<300))
        #expect(tree.walk.count == tree.nodes.filter { $0.count > 0 }.count)
        #expect(Int(tree.walk[0].skip) == tree.walk.count)
        // The root's centre of mass is the mean.
        let mean = (0..<300).reduce(0.0) { $0 + Double(y[$1 * d]) } / 300
        #expect(abs(Double(tree.nodes[0].x) - mean) < 1e-4)
    }

    @Test func rebuildingReusesTheNodeArray() {
        let a = TestData.random(rows: 500, columns: 2, seed: 1).elements
        let b = TestData.random(rows: 500, columns: 2, seed: 2).elements
        var tree = QuadTree()
        a.withUnsafeBufferPointer { tree.rebuild(positions: $0.baseAddress!, count: 500, dimensions: 2) }
        b.withUnsafeBufferPointer { tree.rebuild(positions: $0.baseAddress!, count: 500, dimensions: 2) }
        checkInvariants(tree, positions: b, dimensions: 2)
    }

    @Test func allPointsAtOnePlaceMakeOneLeaf() {
        let y = [Float](repeating: 3, count: 40)
        var tree = QuadTree()
        y.withUnsafeBufferPointer { tree.rebuild(positions: $0.baseAddress!, count: 20, dimensions: 2) }
        #expect(tree.nodes.count == 1)
        #expect(tree.nodes[0].count == 20)
        #expect(tree.nodes[0].x == 3)
    }
}

import Foundation
import LatentCore
import Testing
import TestSupport

@Suite struct MatrixTests {
    @Test(arguments: [(1, 1, 1), (3, 5, 7), (17, 33, 9), (64, 3, 129)])
    func gemmMatchesNaiveProductOnOddShapes(m: Int, k: Int, n: Int) {
        let a = TestData.random(rows: m, columns: k, seed: UInt64(m * 100 + k))
        let b = TestData.random(rows: k, columns: n, seed: UInt64(n * 7 + 1))
        let fast = a.multiplied(by: b)
        let slow = Numeric.naiveProduct(a, b)
        #expect(fast.rows == m && fast.columns == n)
        #expect(Numeric.relativeError(fast.elements, slow.elements) < 1e-5)
    }

    @Test func gemmWithTransposesMatchesExplicitTransposes() {
        let a = TestData.random(rows: 6, columns: 4, seed: 1)
        let b = TestData.random(rows: 5, columns: 4, seed: 2)
        let viaFlag = a.multiplied(by: b, transposingOther: .transposed)
        let explicit = Numeric.naiveProduct(a, b.transposed())
        #expect(Numeric.relativeError(viaFlag.elements, explicit.elements) < 1e-5)
        let c = a.multiplied(by: a, transposingSelf: .transposed)   // 4 × 4
        let cRef = Numeric.naiveProduct(a.transposed(), a)
        #expect(Numeric.relativeError(c.elements, cRef.elements) < 1e-5)
    }

    @Test func gemmOutputDoesNotDependOnTheThreadCount() {
        let a = TestData.random(rows: 300, columns: 200, seed: 3)
        let b = TestData.random(rows: 200, columns: 250, seed: 4)
        let (one, oneT) = ExecutionContext(threads: 1).run { (a.multiplied(by: b), a.multiplied(by: a, transposingSelf: .transposed)) }
        let (two, twoT) = ExecutionContext(threads: 2).run { (a.multiplied(by: b), a.multiplied(by: a, transposingSelf: .transposed)) }
        #expect(one.elements == two.elements)
        #expect(oneT.elements == twoT.elements)
        #expect(BLAS.threadCount == 1)
        #expect(Numeric.relativeError(one.elements, Numeric.naiveProduct(a, b).elements) < 1e-5)
    }

    @Test func transposeSwapsIndices() {
        let a = TestData.random(rows: 37, columns: 45, seed: 5)
        let t = a.transposed()
        #expect(t.rows == 45 && t.columns == 37)
        for (i, j) in [(0, 0), (36, 44), (10, 33), (20, 1)] { #expect(t[j, i] == a[i, j]) }
        #expect(t.transposed() == a)
    }

    @Test func constructionRejectsWrongElementCount() {
        #expect(throws: MatrixError.self) { try Matrix(rows: 2, columns: 3, elements: [1, 2, 3]) }
        #expect(throws: MatrixError.self) { try Matrix([[1, 2], [3]]) }
    }

    @Test func rowAndColumnSlicing() throws {
        let a = try Matrix([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
        #expect(a.rows(1..<3).elements == [4, 5, 6, 7, 8, 9])
        #expect(a.rows(at: [2, 0]).elements == [7, 8, 9, 1, 2, 3])
        #expect(a.columns(1..<2).elements == [2, 5, 8])
        #expect(try Matrix.vstack([a.rows(0..<1), a.rows(2..<3)]).elements == [1, 2, 3, 7, 8, 9])
    }

    @Test func reductionsAgreeWithDirectSums() throws {
        let a = try Matrix([[1, 2], [3, 4], [5, 12]])
        #expect(a.rowSums() == [3, 7, 17])
        #expect(a.columnSums() == [9, 18])
        #expect(a.columnMeans() == [3, 6])
        #expect(a.rowSquaredNorms() == [5, 25, 169])
        let v = a.columnVariances()
        #expect(abs(v[0] - 8.0 / 3) < 1e-6 && abs(v[1] - 56.0 / 3) < 1e-5)
        #expect(a.range()! == (min: 1, max: 12))
        #expect(a.rowArgmax() == [1, 1, 1])
    }

    @Test func standardisationGivesZeroMeanUnitVarianceAndLeavesConstantColumnsFinite() throws {
        var rng = SeededGenerator(seed: 9)
        var a = Matrix.gaussian(rows: 500, columns: 3, standardDeviation: 4, using: &rng)
        for i in 0..<a.rows { a[i, 2] = 7 }     // constant column
        let s = a.standardized().matrix
        #expect(s.isFinite)
        let means = s.columnMeans(), vars = s.columnVariances()
        #expect(abs(means[0]) < 1e-5 && abs(means[1]) < 1e-5)
        #expect(abs(vars[0] - 1) < 1e-4 && abs(vars[1] - 1) < 1e-4)
        #expect(vars[2] == 0)
    }
}

@Suite struct LinearAlgebraTests {
    @Test func symmetricEigenReconstructsTheMatrix() throws {
        let x = TestData.random(rows: 20, columns: 6, seed: 11)
        let s = x.multiplied(by: x, transposingSelf: .transposed)
        let (values, vectors) = try LinearAlgebra.symmetricEigen(s)
        #expect(values == values.sorted(by: >))
        // V diag(w) Vᵀ == S
        var vd = vectors
        for i in 0..<6 { for j in 0..<6 { vd[i, j] *= values[j] } }
        let back = vd.multiplied(by: vectors, transposingOther: .transposed)
        #expect(Numeric.relativeError(back.elements, s.elements) < 1e-5)
    }

    @Test func svdReconstructsTheMatrix() throws {
        let a = TestData.random(rows: 9, columns: 5, seed: 12)
        let (u, s, vt) = try LinearAlgebra.svd(a)
        var us = u
        for i in 0..<us.rows { for j in 0..<s.count { us[i, j] *= s[j] } }
        let back = us.multiplied(by: vt)
        #expect(Numeric.relativeError(back.elements, a.elements) < 1e-5)
    }

    @Test func eigenRejectsNonSquare() {
        #expect(throws: MatrixError.self) { try LinearAlgebra.symmetricEigen(Matrix(rows: 2, columns: 3)) }
    }
}

@Suite struct ParallelTests {
    @Test func sumIsIdenticalForOneAndManyThreads() {
        let values = (0..<100_003).map { Double($0).squareRoot() * 1e-3 }
        var results = [Double]()
        for t in [1, 2, 3] {
            results.append(ExecutionContext(threads: t).run {
                values.withUnsafeBufferPointer { p in
                    let v = UnsafeSendable(p)
                    return Parallel.sum(count: p.count) { r in var s = 0.0; for k in r { s += v.value[k] }; return s }
                }
            })
        }
        #expect(results[0] == results[1] && results[1] == results[2])
        #expect(abs(results[0] - values.reduce(0, +)) < 1e-6 * results[0])
    }

    @Test func chunksCoverTheRangeExactlyOnce() {
        for (count, chunks) in [(10, 3), (100, 64), (5, 5), (1000, 7)] {
            var seen = [Int](repeating: 0, count: count)
            for c in 0..<chunks { for k in Parallel.range(ofChunk: c, of: chunks, count: count) { seen[k] += 1 } }
            #expect(seen.allSatisfy { $0 == 1 })
        }
    }
}

@Suite struct AtomicFileTests {
    @Test func writeReplacesTheFileAndLeavesNoTemporary() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("out.txt")
        try AtomicFile.write("first", to: path)
        try AtomicFile.write("second", to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "second")
        #expect(dir.contents() == ["out.txt"])
    }

    @Test func failedProducerKeepsOldFileAndRemovesTemporary() throws {
        struct Boom: Error {}
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("out.txt")
        try AtomicFile.write("kept", to: path)
        #expect(throws: Boom.self) {
            try AtomicFile.write(to: path) { tmp in
                try "partial".write(toFile: tmp, atomically: false, encoding: .utf8)
                throw Boom()
            }
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "kept")
        #expect(dir.contents() == ["out.txt"])
    }

    @Test func missingDirectoryIsAClearError() {
        #expect(throws: OutputError.self) { try AtomicFile.write("x", to: "/nonexistent-dir-xyz/out.txt") }
    }
}

@Suite struct SeededGeneratorTests {
    @Test func sameSeedSameSequenceDifferentSeedDifferentSequence() {
        var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42), c = SeededGenerator(seed: 43)
        let sa = (0..<10).map { _ in a.next() }, sb = (0..<10).map { _ in b.next() }, sc = (0..<10).map { _ in c.next() }
        #expect(sa == sb)
        #expect(sa != sc)
    }

    @Test func gaussianSamplesHaveUnitVariance() {
        var g = SeededGenerator(seed: 1)
        let m = Matrix.gaussian(rows: 20000, columns: 1, using: &g)
        #expect(abs(m.columnMeans()[0]) < 0.03)
        #expect(abs(m.columnVariances()[0] - 1) < 0.05)
        var u = SeededGenerator(seed: 2)
        let x = (0..<10000).map { _ in u.nextUniform() }
        #expect(x.allSatisfy { $0 >= 0 && $0 < 1 })
    }
}

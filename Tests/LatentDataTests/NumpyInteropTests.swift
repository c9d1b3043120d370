import Foundation
import LatentCore
import LatentData
import Testing
import TestSupport

@Suite(.enabled(if: numpyAvailable, "python3 with numpy is not installed"))
struct NumpyInteropTests {
    @Test func numpyLoadsLatentMapsFilesUnchanged() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let m = TestData.random(rows: 7, columns: 5, seed: 3)
        try NPY.write(m, to: dir.file("m.npy"))
        try NPY.write(labels: [4, -2, 0, 1 << 35], to: dir.file("y.npy"))
        let r = runPython("""
            import numpy as np
            m = np.load('\(dir.file("m.npy"))'); y = np.load('\(dir.file("y.npy"))')
            print(m.dtype, m.shape, m.flags['C_CONTIGUOUS'], y.dtype, y.shape, ' '.join(map(str, y)))
            print(' '.join(repr(float(v)) for v in m.ravel()))
            """)
        #expect(r.status == 0)
        let lines = r.output.split(separator: "\n")
        try #require(lines.count == 2)
        #expect(lines[0] == "float32 (7, 5) True int64 (4,) 4 -2 0 34359738368")
        let values = lines[1].split(separator: " ").map { Float(Double($0)!) }
        #expect(values == m.elements)
    }

    @Test func numpyHeadersMatchLatentMapsByteForByte() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let m = TestData.random(rows: 123, columns: 17, seed: 4)
        try NPY.write(m, to: dir.file("ours.npy"))
        let r = runPython("""
            import numpy as np
            np.save('\(dir.file("theirs.npy"))', np.load('\(dir.file("ours.npy"))'))
            """)
        #expect(r.status == 0)
        let ours = try Data(contentsOf: URL(fileURLWithPath: dir.file("ours.npy")))
        let theirs = try Data(contentsOf: URL(fileURLWithPath: dir.file("theirs.npy")))
        #expect(ours == theirs)
    }

    @Test(arguments: ["u1", "i1", "<i2", "<u2", "<i4", ">i4", "<u4", "<i8", ">i8", "<u8", "<f4", ">f4", "<f8", ">f8", "?"])
    func latentMapReadsNumpysFiles(dtype: String) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let values: [Int] = dtype == "?" ? [0, 1, 1, 0, 1, 1] : [0, 1, 2, 3, 100, 127]
        let r = runPython("""
            import numpy as np
            a = np.array(\(values), dtype='\(dtype)').reshape(2, 3)
            for v in (1, 2, 3):
                with open('\(dir.path)/a%d.npy' % v, 'wb') as f: np.lib.format.write_array(f, a, version=(v, 0))
            """)
        #expect(r.status == 0)
        for version in [1, 2, 3] {
            let a = try NPY.read(dir.file("a\(version).npy"))
            #expect(a.headerVersion == version && a.shape == [2, 3])
            #expect(a.floatValues() == values.map(Float.init))
        }
    }

    @Test func numpyImageStacksAndLabelsLoadAsADataset() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let r = runPython("""
            import numpy as np
            x = (np.arange(4 * 3 * 2) * 10 % 256).astype(np.uint8).reshape(4, 3, 2)
            np.save('\(dir.file("x.npy"))', x); np.save('\(dir.file("y.npy"))', np.array([1, 0, 1, 2], dtype=np.int32))
            """)
        #expect(r.status == 0)
        let x = try NPY.read(dir.file("x.npy"))
        #expect(x.imageShape == TensorShape(height: 3, width: 2))
        let m = x.matrix()
        #expect(m.rows == 4 && m.columns == 6 && m[1, 0] == 60)
        #expect(try NPY.readLabels(dir.file("y.npy")) == [1, 0, 1, 2])
    }

    @Test func fortranOrderFromNumpyIsRejected() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let r = runPython("""
            import numpy as np
            np.save('\(dir.file("f.npy"))', np.asfortranarray(np.ones((3, 2), dtype=np.float32)))
            """)
        #expect(r.status == 0)
        let error = #expect(throws: DataError.self) { try NPY.read(dir.file("f.npy")) }
        #expect(error?.description.contains("Fortran order") == true)
    }
}

@Suite(.enabled(if: numpyAvailable, "python3 with numpy is not installed"))
struct NumpyArchiveInteropTests {
    @Test(arguments: ["savez", "savez_compressed"])
    func numpyArchivesLoadWithTheirParts(writer: String) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("mnist-like.npz")
        let r = runPython("""
            import numpy as np
            rng = np.random.default_rng(0)
            x_train = rng.integers(0, 256, size=(50, 8, 8), dtype=np.uint8)
            x_test = rng.integers(0, 256, size=(20, 8, 8), dtype=np.uint8)
            np.\(writer)('\(path)', x_train=x_train, y_train=np.arange(50) % 10, x_test=x_test, y_test=np.arange(20) % 4)
            print(int(x_train[3, 2, 5]), int(x_test[19, 7, 7]))
            """)
        #expect(r.status == 0)
        let expected = r.output.split(separator: " ").compactMap { Int($0) }
        try #require(expected.count == 2)
        let train = try Dataset.load(path, part: .train)
        #expect(train.count == 50 && train.imageShape == TensorShape(height: 8, width: 8))
        #expect(train.labels == (0..<50).map { $0 % 10 })
        #expect(train.samples[3, 2 * 8 + 5] == Float(expected[0]) / 255)
        let all = try Dataset.load(path)
        #expect(all.count == 70 && all.labels?.suffix(20) == ArraySlice((0..<20).map { $0 % 4 }))
        #expect(all.samples[69, 63] == Float(expected[1]) / 255)
    }
}

@Suite(.enabled(if: numpyAvailable, "python3 with numpy is not installed"))
struct NumpyStringLabelInteropTests {
    @Test func numpyStringLabelsBecomeTheClassesLabelEncoderGives() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let r = runPython("""
            import numpy as np
            words = np.array(['Trouser', 'Bag', 'Ankle boot', 'Bag', 'Trouser', 'Süß'])
            np.save('\(dir.file("u.npy"))', words)
            np.save('\(dir.file("s.npy"))', np.array([w.encode('utf-8') for w in words]))
            np.savez('\(dir.file("d.npz"))', x=np.eye(6, dtype=np.float32), y=words)
            classes, codes = np.unique(words, return_inverse=True)
            print('|'.join(classes)); print(' '.join(map(str, codes)))
            """)
        #expect(r.status == 0)
        let lines = r.output.split(separator: "\n").map(String.init)
        try #require(lines.count == 2)
        let expected = LabelSet(lines[1].split(separator: " ").map { Int($0)! }, classNames: lines[0].components(separatedBy: "|"))
        #expect(try LabelSet.load(dir.file("u.npy")) == expected)
        #expect(try LabelSet.load(dir.file("s.npy")) == expected)
        let d = try Dataset.load(dir.file("d.npz"))
        #expect(d.labels == expected.values && d.classNames == expected.classNames)
    }

    @Test func numpyReadsLatentMapsStringArrays() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try NPY.encode(text: ["cat", "Süß", ""]).write(to: URL(fileURLWithPath: dir.file("t.npy")))
        let r = runPython("""
            import numpy as np
            a = np.load('\(dir.file("t.npy"))'); print(a.dtype, '|'.join(a))
            """)
        #expect(r.status == 0 && r.output == "<U3 cat|Süß|")
    }
}

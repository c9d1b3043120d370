import FuzzSupport
import Foundation
import LatentMap

/// CSV tables: the in-memory parser (with the small chunk size that exercises the parallel
/// split), then the path loader with its label-column detection, then labels files.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    Fuzz.expectingDataErrors {
        let table = try CSV.parse(Data(bytes), path: "fuzz")
        precondition(table.lineNumbers.count == table.values.rows, "CSV line numbers do not match the rows")
        if let names = table.columnNames { precondition(names.count == table.values.columns, "CSV header does not match the columns") }
    }
    Fuzz.expectingDataErrors { Fuzz.check(try Dataset.load(Fuzz.file("fuzz.csv", bytes))) }
    Fuzz.expectingDataErrors { Fuzz.check(try Dataset.load(Fuzz.file("fuzz.csv", bytes), labelColumn: .none)) }
    Fuzz.expectingDataErrors { _ = try MatrixIO.readLabels(Fuzz.file("fuzz-labels.txt", bytes)) }
    Fuzz.expectingDataErrors { _ = try MatrixIO.readLabelledMatrix(Fuzz.file("fuzz-matrix.csv", bytes)) }
    Fuzz.expectingDataErrors { _ = try RowSelection.load(Fuzz.file("fuzz-rows.txt", bytes)).indices(rowCount: 100, of: "fuzz") }
    return 0
}

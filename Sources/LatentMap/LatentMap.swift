// The umbrella module: `import LatentMap` brings in every LatentMap library module. It holds
// no code of its own.
@_exported import LatentAnalysis
@_exported import LatentCore
@_exported import LatentData
@_exported import LatentNets
@_exported import LatentPlot
@_exported import LatentTSNE
@_exported import LatentWorkflows

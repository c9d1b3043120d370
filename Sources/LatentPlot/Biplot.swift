import Foundation
import LatentCore

/// The classic PCA biplot (Gabriel 1971): samples as points at their first two principal
/// component scores, and each input feature as an arrow from the origin to its loadings on
/// those two components, labelled with the feature's name.
///
/// Arrows that point the same way are positively correlated features, opposite arrows are
/// negatively correlated, and points lie far along an arrow when they have a large value of
/// that feature. Loadings and scores have different units, so the arrows are scaled by one
/// common factor so that the longest reaches `arrowReach` of the farthest point; the factor is
/// printed in the corner. Both axes share one scale, as distances between scores demand.
///
/// ```swift
/// let pca = try PCA(fitting: iris.samples, components: 2)
/// let loadings = pca.components.transposed()             // features × components
/// try Biplot(scores: pca.transform(iris.samples), loadings: loadings,
///            featureNames: ["sepal length", "sepal width", "petal length", "petal width"],
///            labels: iris.labels)
///     .axisLabels(x: "PC1 (73%)", y: "PC2 (23%)").write(to: "iris-biplot.svg")
/// ```
public struct Biplot: Figure, CopyModifying {
    /// N × K sample coordinates (K ≥ 2); columns 0 and 1 are drawn.
    public var scores: Matrix
    /// D × K loadings, one row per feature; columns 0 and 1 are drawn.
    public var loadings: Matrix
    /// One name per feature (row of `loadings`); default "x1", "x2", ….
    public var featureNames: [String]
    /// One class label (≥ 0) per sample, or `nil` for one colour.
    public var labels: [Int]?
    /// Class names indexed by label.
    public var classNames: [String]?
    public var title: String?
    public var xLabel: String? = "PC1"
    public var yLabel: String? = "PC2"
    public var palette: Palette = .tab10
    /// Length of the longest arrow as a fraction of the largest distance of a point from the
    /// origin (default 0.9).
    public var arrowReach = 0.9
    /// Disc radius in points; `nil` chooses from N.
    public var pointRadius: Double?
    public var arrowColor = Color(hex: 0xB22222)
    public var size = Size(width: 560, height: 460)
    public var style = FigureStyle()

    /// A biplot of `scores` (N × K) with one arrow per row of `loadings` (D × K).
    public init(scores: Matrix, loadings: Matrix, featureNames: [String]? = nil, labels: [Int]? = nil) {
        self.scores = scores
        self.loadings = loadings
        self.featureNames = featureNames ?? (0..<loadings.rows).map { "x\($0 + 1)" }
        self.labels = labels
    }

    // MARK: Builder

    public func titled(_ title: String) -> Biplot { with { $0.title = title } }
    public func classNames(_ names: [String]) -> Biplot { with { $0.classNames = names } }
    public func axisLabels(x: String?, y: String?) -> Biplot { with { $0.xLabel = x; $0.yLabel = y } }
    public func palette(_ palette: Palette) -> Biplot { with { $0.palette = palette } }
    /// A copy whose longest arrow reaches `fraction` of the farthest point.
    public func arrowReach(_ fraction: Double) -> Biplot { with { $0.arrowReach = fraction } }
    public func pointSize(_ radius: Double) -> Biplot { with { $0.pointRadius = radius } }
    public func size(width: Double, height: Double) -> Biplot { with { $0.size = Size(width: width, height: height) } }

    // MARK: Checks

    public func validate() throws {
        guard scores.rows > 0 else { throw PlotError.empty(what: "the scores") }
        guard loadings.rows > 0 else { throw PlotError.empty(what: "the loadings") }
        guard scores.columns >= 2, loadings.columns >= 2 else {
            throw PlotError.invalidArgument("a biplot needs 2 components, got \(scores.columns) score and \(loadings.columns) loading columns")
        }
        if let (row, _) = scores.firstNonFinite() { throw PlotError.nonFinite(what: "score row", index: row) }
        if let (row, _) = loadings.firstNonFinite() { throw PlotError.nonFinite(what: "loading row", index: row) }
        guard featureNames.count == loadings.rows else {
            throw PlotError.lengthMismatch(what: "feature names for the \(loadings.rows) loading rows", expected: loadings.rows, got: featureNames.count)
        }
        if let labels {
            guard labels.count == scores.rows else {
                throw PlotError.lengthMismatch(what: "labels for \(scores.rows) points", expected: scores.rows, got: labels.count)
            }
            if let bad = labels.firstIndex(where: { $0 < 0 }) {
                throw PlotError.invalidArgument("label \(labels[bad]) of point \(bad) is negative; labels must be 0, 1, 2, …")
            }
        }
        guard arrowReach > 0, arrowReach.isFinite else { throw PlotError.invalidArgument("arrow reach must be positive, got \(arrowReach)") }
        if let pointRadius, !(pointRadius > 0 && pointRadius.isFinite) {
            throw PlotError.invalidArgument("point radius must be positive, got \(pointRadius)")
        }
    }

    // MARK: Geometry

    /// The factor every loading is multiplied by to draw its arrow in score units.
    public var arrowScale: Double {
        var farthestPoint = 0.0, longestArrow = 0.0
        for i in 0..<scores.rows { farthestPoint = max(farthestPoint, hypot(Double(scores[i, 0]), Double(scores[i, 1]))) }
        for f in 0..<loadings.rows { longestArrow = max(longestArrow, hypot(Double(loadings[f, 0]), Double(loadings[f, 1]))) }
        guard longestArrow > 0 else { return 1 }
        return farthestPoint > 0 ? arrowReach * farthestPoint / longestArrow : 1 / longestArrow
    }

    /// The arrow tips in score units, one per feature.
    public func arrowTips() -> [(x: Double, y: Double)] {
        let s = arrowScale
        return (0..<loadings.rows).map { (Double(loadings[$0, 0]) * s, Double(loadings[$0, 1]) * s) }
    }

    private func className(_ k: Int) -> String {
        if let classNames, k < classNames.count { return classNames[k] }
        return String(k)
    }

    // MARK: Drawing

    public func draw(in canvas: Canvas, frame: Rect) throws {
        try validate()
        let content = drawTitle(title, in: canvas, frame: frame, style: style).inset(left: style.margin, bottom: style.margin, right: style.margin)
        let coloring = labels.map { ScatterPlot.classColoring($0, palette: palette) }
        var legend: Legend?
        if let (classes, colors) = coloring {
            legend = Legend(entries: classes.values.indices.map { LegendEntry(name: className(classes.values[$0]), color: colors[$0]) },
                            style: style)
        }
        let gap = 14.0 * style.scale
        let placement = legend?.place(style.legend, content: content, rightHeight: content.height, nameLimit: 140 * style.scale, canvas: canvas)
        let room = Legend.room(placement, gap: gap)
        let available = content.inset(bottom: room.bottom, right: room.right)

        // Data range: the points, the arrow tips and the origin.
        let tips = arrowTips()
        var xs = (0..<scores.rows).map { Double(scores[$0, 0]) }, ys = (0..<scores.rows).map { Double(scores[$0, 1]) }
        xs.append(contentsOf: tips.map(\.x) + [0]); ys.append(contentsOf: tips.map(\.y) + [0])
        var lowerX = xs.min()!, upperX = xs.max()!, lowerY = ys.min()!, upperY = ys.max()!
        var xAxis = Axis(minimum: 0, maximum: 1), yAxis = Axis(minimum: 0, maximum: 1), area = available
        // Lay out, then widen the range on any side where a feature name would leave the plot.
        for _ in 0..<4 {
            xAxis = Axis(minimum: lowerX, maximum: upperX, padding: 0.05)
            yAxis = Axis(minimum: lowerY, maximum: upperY, padding: 0.05)
            let m = Axes.margins(x: xAxis, y: yAxis, xLabel: xLabel, yLabel: yLabel, canvas: canvas, style: style)
            area = available.inset(top: 4, left: m.left, bottom: m.bottom, right: 6)
            // Equal aspect: widen the range of the axis with room to spare, keeping its centre.
            let scale = min(area.width / (xAxis.upper - xAxis.lower), area.height / (yAxis.upper - yAxis.lower))
            let cx = (xAxis.upper + xAxis.lower) / 2, cy = (yAxis.upper + yAxis.lower) / 2
            let hx = area.width / scale / 2, hy = area.height / scale / 2
            xAxis = Axis(minimum: cx - hx, maximum: cx + hx, padding: 0)
            yAxis = Axis(minimum: cy - hy, maximum: cy + hy, padding: 0)
            let axes = Axes(plot: area, x: xAxis, y: yAxis)
            let boxes = labelBoxes(tips: tips, axes: axes, canvas: canvas)
            let overflow = (left: area.minX - (boxes.map(\.rect.minX).min() ?? area.minX),
                            right: (boxes.map(\.rect.maxX).max() ?? area.maxX) - area.maxX,
                            top: area.minY - (boxes.map(\.rect.minY).min() ?? area.minY),
                            bottom: (boxes.map(\.rect.maxY).max() ?? area.maxY) - area.maxY)
            guard max(overflow.left, overflow.right, overflow.top, overflow.bottom) > 0.5 else { break }
            let margin = 4 / scale
            if overflow.left > 0.5 { lowerX -= overflow.left / scale + margin }
            if overflow.right > 0.5 { upperX += overflow.right / scale + margin }
            if overflow.top > 0.5 { upperY += overflow.top / scale + margin }
            if overflow.bottom > 0.5 { lowerY -= overflow.bottom / scale + margin }
        }
        let axes = Axes(plot: area, x: xAxis, y: yAxis)
        axes.draw(in: canvas, xLabel: xLabel, yLabel: yLabel, style: style)

        try canvas.clipped(to: area) {
            let origin = axes.point(0, 0)
            let guide = Color(hex: 0x999999)
            canvas.line(from: Point(x: area.minX, y: origin.y), to: Point(x: area.maxX, y: origin.y), color: guide, lineWidth: 0.6, dash: [3, 3])
            canvas.line(from: Point(x: origin.x, y: area.minY), to: Point(x: origin.x, y: area.maxY), color: guide, lineWidth: 0.6, dash: [3, 3])
            let radius = pointRadius ?? ScatterPlot.defaultRadius(count: scores.rows)
            let alpha = ScatterPlot.defaultOpacity(count: scores.rows) * 0.85
            for i in 0..<scores.rows {
                let color = coloring.map { $0.colors[$0.classes.indices[i]] } ?? Color(hex: 0x1F77B4)
                canvas.circle(center: axes.point(Double(scores[i, 0]), Double(scores[i, 1])), radius: radius, fill: color.withAlpha(alpha))
            }
            for tip in tips { drawArrow(from: origin, to: axes.point(tip.x, tip.y), canvas: canvas) }
            try canvas.checkStatus("drawing the biplot")
        }
        for (name, box) in labelBoxes(tips: tips, axes: axes, canvas: canvas) {
            canvas.text(name, at: Point(x: box.midX, y: box.midY), size: style.labelSize, color: arrowColor.darker,
                        horizontal: .center, vertical: .middle, halo: Color.white.withAlpha(0.85))
        }
        let note = "arrows: loadings × " + String(format: arrowScale >= 10 ? "%.0f" : "%.2g", arrowScale)
        canvas.text(note, at: Point(x: area.maxX - 4, y: area.maxY - 4), size: style.captionSize, color: .axisGrey,
                    horizontal: .trailing, vertical: .bottom, halo: Color.white.withAlpha(0.85))
        if let legend, let placement {
            let points = (0..<scores.rows).map { axes.point(Double(scores[$0, 0]), Double(scores[$0, 1])) }
            legend.draw(placement, in: canvas, plot: area, content: content, gap: gap, points: (points.map(\.x), points.map(\.y)))
        }
    }

    /// An arrow with a two-stroke head.
    private func drawArrow(from origin: Point, to tip: Point, canvas: Canvas) {
        let dx = tip.x - origin.x, dy = tip.y - origin.y
        let length = hypot(dx, dy)
        canvas.line(from: origin, to: tip, color: arrowColor, lineWidth: 1.4)
        guard length > 1e-9 else { return }
        let head = min(7.0, length * 0.4), spread = 0.45
        for side in [-1.0, 1.0] {
            let a = atan2(dy, dx) + .pi + side * spread
            canvas.line(from: tip, to: Point(x: tip.x + head * cos(a), y: tip.y + head * sin(a)), color: arrowColor, lineWidth: 1.4)
        }
    }

    /// Where each feature name goes: just beyond its arrow's tip, then nudged apart where two
    /// would overlap (arrows of correlated features end close together).
    func labelBoxes(tips: [(x: Double, y: Double)], axes: Axes, canvas: Canvas) -> [(name: String, rect: Rect)] {
        let origin = axes.point(0, 0)
        let (ascent, descent) = canvas.fontMetrics(size: style.labelSize)
        let h = ascent + descent + 2
        var boxes: [(name: String, rect: Rect)] = []
        var arrows: [(tip: Point, ux: Double, uy: Double)] = []
        for (f, tip) in tips.enumerated() {
            let p = axes.point(tip.x, tip.y)
            let dx = p.x - origin.x, dy = p.y - origin.y
            let length = max(hypot(dx, dy), 1e-9)
            let ux = dx / length, uy = dy / length
            let w = canvas.textWidth(featureNames[f], size: style.labelSize) + 4
            // Anchor the box on the side facing away from the origin.
            let cx = p.x + ux * 6 + ux * w / 2, cy = p.y + uy * 6 + uy * h / 2
            boxes.append((featureNames[f], Rect(x: cx - w / 2, y: cy - h / 2, width: w, height: h)))
            arrows.append((p, ux, uy))
        }
        /// Whether `rect` covers part of an arrow (sampled along each shaft).
        func coversAnArrow(_ rect: Rect) -> Bool {
            arrows.contains { a in
                (1...24).contains { k in
                    let t = Double(k) / 24
                    let x = origin.x + (a.tip.x - origin.x) * t, y = origin.y + (a.tip.y - origin.y) * t
                    return x > rect.minX && x < rect.maxX && y > rect.minY && y < rect.maxY
                }
            }
        }
        for _ in 0..<80 {
            var moved = false
            for i in boxes.indices {
                for j in boxes.indices where j > i && boxes[i].rect.intersects(boxes[j].rect) {
                    // Push the pair apart vertically; if that puts a name on an arrow, slide the
                    // name of the longer arrow outwards along its arrow instead.
                    var a = boxes[i].rect, b = boxes[j].rect
                    let overlap = min(a.maxY, b.maxY) - max(a.minY, b.minY)
                    let d = (overlap / 2 + 0.5) * (a.midY < b.midY || (a.midY == b.midY && i < j) ? 1 : -1)
                    a.y -= d
                    b.y += d
                    if coversAnArrow(a) || coversAnArrow(b) {
                        let far = hypot(arrows[i].tip.x - origin.x, arrows[i].tip.y - origin.y)
                            >= hypot(arrows[j].tip.x - origin.x, arrows[j].tip.y - origin.y) ? i : j
                        boxes[far].rect.x += arrows[far].ux * 3
                        boxes[far].rect.y += arrows[far].uy * 3
                    } else {
                        boxes[i].rect = a
                        boxes[j].rect = b
                    }
                    moved = true
                }
            }
            if !moved { break }
        }
        return boxes
    }
}

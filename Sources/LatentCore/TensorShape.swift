/// The shape of one sample: height × width × channels, stored channels-last (NHWC). A plain
/// vector of D features is `1 × 1 × D`.
///
/// The one shape type of LatentMap: a dataset's images (`Dataset.imageShape`), a network's
/// input and the output of each of its layers (`Architecture`) all use it.
public struct TensorShape: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    public var height: Int
    public var width: Int
    public var channels: Int

    public init(height: Int, width: Int, channels: Int = 1) {
        self.height = height; self.width = width; self.channels = channels
    }

    /// A flat vector of `features` values.
    public static func vector(_ features: Int) -> TensorShape { TensorShape(height: 1, width: 1, channels: features) }

    /// Values per sample, `height * width * channels`.
    public var count: Int { height * width * channels }

    /// True for `1 × 1 × D`.
    public var isVector: Bool { height == 1 && width == 1 }

    /// `784` for a vector, `28×28×1` for an image (the form model files record).
    public var description: String { isVector ? "\(channels)" : "\(height)×\(width)×\(channels)" }

    /// `28×28` for a single-channel image, `32×32×3` otherwise (the form reports print).
    public var imageDescription: String { channels == 1 ? "\(height)×\(width)" : "\(height)×\(width)×\(channels)" }
}

import CCairo
import Foundation

/// Which installed font fontconfig gives cairo for a family name.
///
/// Cairo's font selection never fails: an unknown family silently becomes the default font.
/// A figure asked for in Helvetica's metrics but drawn in DejaVu Sans would be wider than its
/// author measured, so a family that fontconfig cannot find is refused instead.
enum FontCheck {
    /// Fontconfig's generic families, which always resolve to something installed.
    static let generics: Set<String> = ["sans-serif", "sans", "serif", "monospace", "mono", "system-ui"]

    /// The family name of the font cairo draws `family` with, or `nil` when that is unknown
    /// (a cairo without the FreeType backend).
    static func resolvedFamily(_ family: String) -> String? {
        guard let face = cairo_toy_font_face_create(family, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL) else { return nil }
        defer { cairo_font_face_destroy(face) }
        var matrix = cairo_matrix_t(), identity = cairo_matrix_t()
        cairo_matrix_init_scale(&matrix, 10, 10)
        cairo_matrix_init_identity(&identity)
        guard let options = cairo_font_options_create() else { return nil }
        defer { cairo_font_options_destroy(options) }
        guard let scaled = cairo_scaled_font_create(face, &matrix, &identity, options) else { return nil }
        defer { cairo_scaled_font_destroy(scaled) }
        guard cairo_scaled_font_status(scaled) == CAIRO_STATUS_SUCCESS,
              cairo_scaled_font_get_type(scaled) == CAIRO_FONT_TYPE_FT,
              let ft = cairo_ft_scaled_font_lock_face(scaled) else { return nil }
        defer { cairo_ft_scaled_font_unlock_face(scaled) }
        return ft.pointee.family_name.map { String(cString: $0) }
    }

    /// - Throws: `PlotError.invalidArgument` when fontconfig would draw another family.
    static func check(_ family: String) throws {
        let trimmed = family.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw PlotError.invalidArgument("the font family is empty") }
        if generics.contains(trimmed.lowercased()) { return }
        guard let resolved = resolvedFamily(trimmed) else { return }
        guard resolved.caseInsensitiveCompare(trimmed) == .orderedSame else {
            throw PlotError.invalidArgument("font '\(trimmed)' is not installed: fontconfig would draw '\(resolved)' instead (`fc-list : family` lists the installed families; Debian's fonts-liberation2 has Liberation Sans, fonts-texgyre TeX Gyre Heros)")
        }
    }
}

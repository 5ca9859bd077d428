//! Text measured with the compiled-in DejaVu fonts, the same on every target.
//!
//! plotters measures text through its font back end, which depends on the target: the
//! registered DejaVu glyphs natively, but the page's DOM on `wasm32-unknown-unknown`
//! (which a Web Worker has not). Charts therefore draw through [`Measured`], a back end
//! that delegates all drawing and answers every size question from the DejaVu metrics
//! itself, and draw their legends with [`Legend`] rather than plotters' series labels
//! (which ask the font directly). A chart's SVG is then byte-identical natively and in
//! the browser.

use ab_glyph::{Font, FontRef, ScaleFont};
use plotters::prelude::*;
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind, FontStyle as BackendFontStyle,
};

/// The regular and bold faces, parsed once.
fn faces() -> &'static (FontRef<'static>, FontRef<'static>) {
    static FACES: std::sync::OnceLock<(FontRef<'static>, FontRef<'static>)> = std::sync::OnceLock::new();
    FACES.get_or_init(|| {
        // The fonts are compiled in: parsing them cannot fail.
        let face = |b: &'static [u8]| FontRef::try_from_slice(b).expect("the compiled-in DejaVu font parses");
        (face(dejavu::sans::regular()), face(dejavu::sans::bold()))
    })
}

/// The box of `text` at `size` pixels (plotters' font size) in a bold or regular face, in
/// whole pixels: the advance widths with kerning, and the size ÷ 1.24 as height (how
/// plotters' own DejaVu layout measures, so native charts keep their layout).
pub(super) fn text_box(text: &str, size: f64, bold: bool) -> (u32, u32) {
    let (regular, heavy) = faces();
    let font = if bold { heavy } else { regular }.as_scaled(size as f32);
    let mut width = 0f32;
    let mut prev = None;
    for c in text.chars() {
        let id = font.glyph_id(c);
        width += font.h_advance(id);
        if let Some(p) = prev {
            width += font.kern(p, id);
        }
        prev = Some(id);
    }
    (width as i32 as u32, (size / 1.24) as i32 as u32)
}

/// A drawing back end that draws with `B` and measures text with [`text_box`].
pub(super) struct Measured<B>(pub B);

impl<B: DrawingBackend> DrawingBackend for Measured<B> {
    type ErrorType = B::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.0.get_size()
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.present()
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_path(path, style)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.fill_polygon(vert, style)
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_text(text, style, pos)
    }

    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), DrawingErrorKind<Self::ErrorType>> {
        Ok(text_box(text, style.size(), matches!(style.style(), BackendFontStyle::Bold)))
    }

    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.blit_bitmap(pos, size, src)
    }
}

/// How a legend entry is marked beside its text.
#[derive(Debug, Clone, Copy)]
pub(super) enum Mark {
    /// A filled swatch (a band, a closed stretch).
    Swatch(RGBColor),
    /// A solid line.
    Line(RGBColor),
    /// A dashed line.
    Dashed(RGBColor),
    /// A red triangle (an interval below target).
    Triangle(RGBColor),
}

/// A chart's legend, drawn in the plotting area's upper right corner: a box with a mark
/// and a text per entry, laid out as plotters lays out its series labels.
#[derive(Debug, Default)]
pub(super) struct Legend {
    entries: Vec<(String, Mark)>,
}

/// Legend text size (pixels), box margin and the room for the mark, as plotters' defaults.
const LEGEND_FONT: f64 = 14.0;
const MARGIN: i32 = 10;
const MARK_ROOM: i32 = 30;

impl Legend {
    /// Adds an entry.
    pub(super) fn add(&mut self, text: &str, mark: Mark) {
        self.entries.push((text.to_owned(), mark));
    }

    /// Draws the legend on `area` (nothing when it has no entries).
    pub(super) fn draw<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, plotters::coord::Shift>,
        font: &str,
    ) -> Result<(), String> {
        if self.entries.is_empty() {
            return Ok(());
        }
        let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
        let line_height = LEGEND_FONT * 1.25;
        let tops: Vec<i32> = (0..self.entries.len()).map(|i| (i as f64 * line_height).round() as i32).collect();
        let (mut w, mut h) = (0, 0);
        for ((text, _), top) in self.entries.iter().zip(&tops) {
            let (dx, dy) = text_box(text, LEGEND_FONT, false);
            w = w.max(dx as i32);
            h = h.max(top + dy as i32);
        }
        w += MARK_ROOM + 2 * MARGIN;
        h += 2 * MARGIN;
        let (area_w, _) = area.dim_in_pixel();
        let (x, y) = (area_w as i32 - w - 5, 5);
        area.draw(&Rectangle::new([(x, y), (x + w, y + h)], WHITE.mix(0.9).filled())).map_err(err)?;
        area.draw(&Rectangle::new([(x, y), (x + w, y + h)], RGBColor(200, 200, 200))).map_err(err)?;
        let style = (font, LEGEND_FONT).into_font();
        // The texts, then the marks (plotters' order).
        for ((text, _), top) in self.entries.iter().zip(&tops) {
            let (tx, ty) = (x + MARK_ROOM + MARGIN, y + MARGIN + top);
            area.draw(&Text::new(text.as_str(), (tx, ty), style.clone())).map_err(err)?;
        }
        for ((text, mark), top) in self.entries.iter().zip(&tops) {
            let (_, dy) = text_box(text, LEGEND_FONT, false);
            let (mx, my) = (x + MARGIN, y + MARGIN + top + dy as i32 / 2);
            match *mark {
                Mark::Swatch(c) => area.draw(&Rectangle::new([(mx, my - 6), (mx + 20, my + 6)], c.filled())),
                Mark::Line(c) => {
                    area.draw(&PathElement::new(vec![(mx, my), (mx + 20, my)], ShapeStyle::from(&c).stroke_width(2)))
                }
                Mark::Dashed(c) => {
                    let s = ShapeStyle::from(&c).stroke_width(2);
                    area.draw(&PathElement::new(vec![(mx, my), (mx + 7, my)], s))
                        .and_then(|()| area.draw(&PathElement::new(vec![(mx + 12, my), (mx + 19, my)], s)))
                }
                Mark::Triangle(c) => area.draw(&TriangleMarker::new((mx + 10, my), 5, c.filled())),
            }
            .map_err(err)?;
        }
        Ok(())
    }
}

//! Rasterising social cards and favicons: the theme's SVG template, filled
//! in by Tera, drawn by resvg with the fonts the theme ships (never the
//! machine's), so the same input gives the same PNG bytes everywhere.
//! The only module that touches resvg, usvg, tiny-skia and skrifa.

use std::path::Path;
use std::sync::Arc;

use resvg::{tiny_skia, usvg};
use serde::Serialize;
use skrifa::MetadataProvider;

/// Card size: what Facebook, LinkedIn, Slack and X show for
/// `summary_large_image`.
pub const WIDTH: u32 = 1200;
/// See [`WIDTH`].
pub const HEIGHT: u32 = 630;

/// The theme's fonts when it ships none of its own (Inter, OFL 1.1).
const BUILTIN_FONTS: [&[u8]; 2] = [
    include_bytes!("../../themes/default/fonts/Inter-Bold.otf"),
    include_bytes!("../../themes/default/fonts/Inter-Regular.otf"),
];

/// The card template when the theme has no `templates/social_card.svg`.
pub const BUILTIN_TEMPLATE: &str = include_str!("../../themes/default/templates/social_card.svg");

/// Room for the title: the card width less the margins.
const TITLE_WIDTH: f32 = 1040.0;
/// Title sizes tried in turn until the title fits in [`MAX_LINES`].
const TITLE_SIZES: [f32; 4] = [76.0, 66.0, 58.0, 50.0];
const MAX_LINES: usize = 3;

/// Fonts loaded once per build and shared by every card.
pub struct Fonts {
    db: Arc<usvg::fontdb::Database>,
    /// The first font's bytes, for measuring titles.
    measure: Arc<Vec<u8>>,
    /// A hash of every font's bytes, part of each card's cache key.
    pub fingerprint: String,
    /// The family name templates should use.
    pub family: String,
}

impl Fonts {
    /// The `.otf`/`.ttf` files of `theme_dir/fonts/` (by name), or the
    /// built-in Inter when there are none.
    pub fn load(theme_dir: &Path) -> Fonts {
        let mut files: Vec<Vec<u8>> = crate::content::files_under(&theme_dir.join("fonts"))
            .into_iter()
            .filter(|(n, _)| {
                let n = n.to_ascii_lowercase();
                n.ends_with(".otf") || n.ends_with(".ttf")
            })
            .filter_map(|(_, p)| std::fs::read(p).ok())
            .collect();
        if files.is_empty() {
            files = BUILTIN_FONTS.iter().map(|b| b.to_vec()).collect();
        }
        let mut hasher = crate::digest::Hasher::new();
        let mut db = usvg::fontdb::Database::new();
        for f in &files {
            hasher.update(f);
            db.load_font_data(f.clone());
        }
        let family = db
            .faces()
            .next()
            .and_then(|f| f.families.first().map(|(n, _)| n.clone()))
            .unwrap_or_else(|| "Inter".into());
        Fonts {
            db: Arc::new(db),
            measure: Arc::new(files.swap_remove(0)),
            fingerprint: super::hex(&hasher.finish()),
            family,
        }
    }

    /// Width of `text` at `size` pixels, from the font's advances.
    fn width(&self, text: &str, size: f32) -> f32 {
        let Ok(font) = skrifa::FontRef::new(&self.measure) else {
            return text.chars().count() as f32 * size * 0.55;
        };
        let charmap = font.charmap();
        let metrics = font.glyph_metrics(
            skrifa::instance::Size::new(size),
            skrifa::instance::LocationRef::default(),
        );
        text.chars()
            .map(|c| {
                charmap
                    .map(c)
                    .and_then(|g| metrics.advance_width(g))
                    .unwrap_or(size * 0.55)
            })
            .sum()
    }

    /// Splits `title` into lines that fit the card: the largest size at
    /// which it takes at most three lines, else three lines and an ellipsis.
    pub fn wrap_title(&self, title: &str) -> (f32, Vec<String>) {
        for size in TITLE_SIZES {
            let lines = self.wrap(title, size);
            if lines.len() <= MAX_LINES {
                return (size, lines);
            }
        }
        let size = TITLE_SIZES[TITLE_SIZES.len() - 1];
        (size, self.wrap_at_most(title, size, MAX_LINES))
    }

    /// `text` in at most `max` lines of `size`, the last cut with an ellipsis.
    pub fn wrap_at_most(&self, text: &str, size: f32, max: usize) -> Vec<String> {
        let mut lines = self.wrap(text, size);
        if lines.len() <= max {
            return lines;
        }
        lines.truncate(max);
        let Some(last) = lines.last_mut() else {
            return lines;
        };
        while !last.is_empty() && self.width(&format!("{last}…"), size) > TITLE_WIDTH {
            last.pop();
        }
        *last = format!("{}…", last.trim_end());
        lines
    }

    fn wrap(&self, text: &str, size: f32) -> Vec<String> {
        let mut lines: Vec<String> = Vec::new();
        let mut line = String::new();
        for word in text.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if self.width(&candidate, size) <= TITLE_WIDTH || line.is_empty() {
                line = candidate;
            } else {
                lines.push(std::mem::take(&mut line));
                line = word.to_string();
            }
            // A single word wider than the card is cut where it overflows.
            while self.width(&line, size) > TITLE_WIDTH && line.chars().count() > 1 {
                let mut head = String::new();
                for c in line.chars() {
                    if self.width(&format!("{head}{c}"), size) > TITLE_WIDTH {
                        break;
                    }
                    head.push(c);
                }
                line = line[head.len()..].to_string();
                lines.push(head);
            }
        }
        if !line.is_empty() || lines.is_empty() {
            lines.push(line);
        }
        lines
    }
}

/// One line of the title with its baseline, for the template.
#[derive(Debug, Clone, Serialize)]
pub struct Line {
    /// The text.
    pub text: String,
    /// Baseline y in card pixels.
    pub y: f32,
}

/// Lays out the title (at `size`) below the section label, then as much
/// of the description (at [`DESCRIPTION_SIZE`]) as fits above the footer.
pub fn layout(fonts: &Fonts, title: &str, description: &str) -> (f32, Vec<Line>, Vec<Line>) {
    let (size, lines) = fonts.wrap_title(title);
    let line_height = (size * 1.15).round();
    let mut y = 180.0 + (size * 0.8).round();
    let mut title_lines = Vec::new();
    for text in lines {
        title_lines.push(Line { text, y });
        y += line_height;
    }
    // The footer rule is at 528: description baselines stay above 496.
    y += 70.0 - line_height;
    let room = ((496.0 - y) / DESCRIPTION_LINE + 1.0).max(0.0) as usize;
    let description_lines = if description.trim().is_empty() || room == 0 {
        Vec::new()
    } else {
        fonts
            .wrap_at_most(description, DESCRIPTION_SIZE, room.min(2))
            .into_iter()
            .enumerate()
            .map(|(i, text)| Line {
                text,
                y: y + DESCRIPTION_LINE * i as f32,
            })
            .collect()
    };
    (size, title_lines, description_lines)
}

/// Size of the description's text on cards.
pub const DESCRIPTION_SIZE: f32 = 34.0;
const DESCRIPTION_LINE: f32 = 46.0;

/// Draws `svg` at `width` x `height` pixels and encodes it as PNG.
/// `resources` is where relative `href`s (a logo) are looked up.
pub fn rasterise(
    svg: &str,
    fonts: &Fonts,
    resources: &Path,
    width: u32,
    height: u32,
) -> Result<Vec<u8>, String> {
    let tree = parse(svg, fonts, resources)?;
    let mut pixmap =
        tiny_skia::Pixmap::new(width, height).ok_or_else(|| "empty image size".to_string())?;
    let size = tree.size();
    let transform = tiny_skia::Transform::from_scale(
        width as f32 / size.width(),
        height as f32 / size.height(),
    );
    resvg::render(&tree, transform, &mut pixmap.as_mut());
    let rgba = pixmap.take_demultiplied();
    if rgba.chunks_exact(4).all(|p| p[3] == 255) {
        let rgb: Vec<u8> = rgba
            .chunks_exact(4)
            .flat_map(|p| [p[0], p[1], p[2]])
            .collect();
        crate::images::encode_png(&rgb, width, height, false)
    } else {
        crate::images::encode_png(&rgba, width, height, true)
    }
}

/// `svg` with its text turned into paths, so it draws the same in a
/// browser that lacks the font (a favicon).
pub fn outline_text(svg: &str, fonts: &Fonts, resources: &Path) -> Result<String, String> {
    let tree = parse(svg, fonts, resources)?;
    Ok(tree.to_string(&usvg::WriteOptions::default()))
}

fn parse(svg: &str, fonts: &Fonts, resources: &Path) -> Result<usvg::Tree, String> {
    let options = usvg::Options {
        resources_dir: Some(resources.to_path_buf()),
        font_family: fonts.family.clone(),
        fontdb: fonts.db.clone(),
        ..usvg::Options::default()
    };
    usvg::Tree::from_str(svg, &options).map_err(|e| e.to_string())
}

/// An `.ico` holding one PNG (allowed since Windows Vista; every browser
/// reads it), so `/favicon.ico` needs no second encoder.
pub fn ico_from_png(png: &[u8], width: u32, height: u32) -> Vec<u8> {
    let mut ico = Vec::with_capacity(22 + png.len());
    ico.extend_from_slice(&[0, 0, 1, 0, 1, 0]);
    // 0 means 256 in the one-byte size fields.
    ico.push(if width >= 256 { 0 } else { width as u8 });
    ico.push(if height >= 256 { 0 } else { height as u8 });
    ico.extend_from_slice(&[0, 0, 1, 0, 32, 0]);
    ico.extend_from_slice(&(png.len() as u32).to_le_bytes());
    ico.extend_from_slice(&22u32.to_le_bytes());
    ico.extend_from_slice(png);
    ico
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_wrap_shrink_and_truncate() {
        let fonts = Fonts::load(Path::new("/nonexistent"));
        assert_eq!(fonts.family, "Inter");
        let (size, lines) = fonts.wrap_title("Short");
        assert_eq!((size, lines.len()), (76.0, 1));
        let long = "word ".repeat(60);
        let (size, lines) = fonts.wrap_title(&long);
        assert_eq!((size, lines.len()), (50.0, 3));
        assert!(lines[2].ends_with('…'));
        for l in &lines {
            assert!(fonts.width(l, size) <= TITLE_WIDTH, "{l}");
        }
        let (_, lines) = fonts.wrap_title(&"x".repeat(80));
        assert!(lines.len() > 1, "{lines:?}");
    }

    #[test]
    fn ico_header_points_at_the_png() {
        let ico = ico_from_png(&[1, 2, 3], 32, 32);
        assert_eq!(&ico[..6], &[0, 0, 1, 0, 1, 0]);
        assert_eq!(ico[6], 32);
        assert_eq!(u32::from_le_bytes(ico[14..18].try_into().unwrap()), 3);
        assert_eq!(&ico[22..], &[1, 2, 3]);
    }
}

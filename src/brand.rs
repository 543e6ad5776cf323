//! `brand:`, `extra_css:` and `profile:` of `site.yaml`: checked against the
//! site's files and the theme's colours, and turned into `css/waymark-brand.css`
//! (accent colours and the self-hosted font), loaded after the theme's
//! stylesheet. Errors point at the line of `site.yaml` that needs fixing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::digest::sha256;

use crate::config::{CONFIG_FILE, Config};
use crate::content::Library;
use crate::diagnostics::Diagnostic;
use crate::yaml::{Spanned, position};

/// WCAG 2.2 AA contrast for normal text.
pub const MIN_CONTRAST: f64 = 4.5;

/// The default theme's light backgrounds (`--bg`, `--surface`,
/// `--surface-2` in site.css), which links and buttons sit on.
pub const LIGHT_BACKGROUNDS: [&str; 3] = ["#faf9f6", "#ffffff", "#f1efea"];
/// The same in dark mode.
pub const DARK_BACKGROUNDS: [&str; 3] = ["#121519", "#191e24", "#20262e"];

/// An sRGB colour.
type Rgb = [u8; 3];

/// `#rgb` or `#rrggbb` -> the colour.
pub fn parse_hex(s: &str) -> Option<Rgb> {
    let h = s.trim().strip_prefix('#')?;
    let digits: Vec<u8> = h
        .chars()
        .map(|c| c.to_digit(16).map(|d| d as u8))
        .collect::<Option<_>>()?;
    match digits[..] {
        [r, g, b] => Some([r * 17, g * 17, b * 17]),
        [r1, r2, g1, g2, b1, b2] => Some([r1 * 16 + r2, g1 * 16 + g2, b1 * 16 + b2]),
        _ => None,
    }
}

fn luminance(c: Rgb) -> f64 {
    let lin = |v: u8| {
        let v = f64::from(v) / 255.0;
        if v <= 0.04045 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2])
}

/// The WCAG contrast ratio of two colours (1 to 21).
pub fn contrast(a: Rgb, b: Rgb) -> f64 {
    let (x, y) = (luminance(a), luminance(b));
    let (hi, lo) = if x > y { (x, y) } else { (y, x) };
    (hi + 0.05) / (lo + 0.05)
}

fn hex(c: Rgb) -> String {
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

/// White or near-black, whichever reads better on `c` (button text).
fn on(c: Rgb) -> Rgb {
    let dark = [0x0b, 0x17, 0x23];
    if contrast(c, [255, 255, 255]) >= contrast(c, dark) {
        [255, 255, 255]
    } else {
        dark
    }
}

/// `c` moved `t` (0..1) towards `to`, for hover shades.
fn mix(c: Rgb, to: Rgb, t: f64) -> Rgb {
    let m = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * t).round() as u8;
    [m(c[0], to[0]), m(c[1], to[1]), m(c[2], to[2])]
}

/// Every problem with `brand:`, `extra_css:`, `profile:` and taxonomies'
/// `term_pages:`, each at its line of `site.yaml`.
pub fn check(root: &Path, config: &Config, lib: &Library) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let at = |v: &Spanned<String>, message: String| {
        let (line, col) = position(v);
        Diagnostic::at(CONFIG_FILE, &config.source, line, col, message)
    };
    let b = &config.brand;
    let files = [
        (
            "brand.logo",
            b.logo.as_ref(),
            &["svg", "png", "jpg", "jpeg", "webp", "avif"][..],
        ),
        (
            "brand.favicon",
            b.favicon.as_ref(),
            &["svg", "png", "ico"][..],
        ),
        ("brand.font", b.font.as_ref(), &["woff2"][..]),
    ];
    let mut wanted: Vec<(&str, &Spanned<String>, &[&str])> = files
        .iter()
        .filter_map(|(k, v, e)| v.map(|v| (*k, v, *e)))
        .collect();
    for css in &config.extra_css {
        wanted.push(("extra_css", css, &["css"]));
    }
    if let Some(photo) = config.profile.as_ref().and_then(|p| p.photo.as_ref()) {
        wanted.push((
            "profile.photo",
            photo,
            &["svg", "png", "jpg", "jpeg", "webp", "avif"],
        ));
    }
    for (key, v, exts) in wanted {
        let rel = v.value.trim().trim_start_matches('/');
        let ext = rel.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
        if v.value.contains("://") || v.value.starts_with("//") {
            out.push(
                at(v, format!("`{key}` must be a file of this site, not `{}`", v.value))
                    .with_hint("put the file under static/ and write its path, e.g. /images/logo.svg: pages make no requests to other hosts"),
            );
        } else if !ext.as_deref().is_some_and(|e| exts.contains(&e)) {
            out.push(at(v, format!("`{key}` must be a {} file", exts.join(", ")))
                .with_hint(if key == "brand.font" {
                    "convert the font to WOFF2 (e.g. with `woff2_compress`), put it under static/fonts/ and write /fonts/NAME.woff2"
                } else {
                    "use one of the listed formats"
                }));
        } else if !exists(root, config, lib, rel) {
            out.push(
                at(v, format!("`{key}`: no file `{}` in static/", v.value)).with_hint(format!(
                    "put it at static/{rel} (the path is the file's place under static/)"
                )),
            );
        }
    }
    for (key, v, backgrounds) in [
        ("brand.accent", b.accent.as_ref(), &LIGHT_BACKGROUNDS),
        ("brand.accent_dark", b.accent_dark(), &DARK_BACKGROUNDS),
    ] {
        let Some(v) = v else { continue };
        out.extend(check_colour(
            key,
            v,
            backgrounds,
            b.accent_dark.is_none(),
            &at,
        ));
    }
    out.extend(check_term_pages(config, lib, &at));
    out
}

/// Each taxonomy's `term_pages` must name a section.
fn check_term_pages(
    config: &Config,
    lib: &Library,
    at: &impl Fn(&Spanned<String>, String) -> Diagnostic,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for t in &config.taxonomies {
        let Some(rel) = t.def().and_then(|d| d.term_pages.as_ref()) else {
            continue;
        };
        let key = rel.value.trim_start_matches("@/");
        if !matches!(
            lib.by_rel.get(key),
            Some(crate::content::Target::Section(_))
        ) {
            let sections: Vec<&str> = lib.sections.iter().map(|s| s.rel.as_str()).collect();
            let hint = crate::diagnostics::did_you_mean(key, sections.iter().copied())
                .unwrap_or_else(|| format!("sections of this site: {}", sections.join(", ")));
            out.push(at(rel, format!("`term_pages`: no section `{}`", rel.value)).with_hint(hint));
        }
    }
    out
}

fn check_colour(
    key: &str,
    v: &Spanned<String>,
    backgrounds: &[&str; 3],
    dark_from_light: bool,
    at: &impl Fn(&Spanned<String>, String) -> Diagnostic,
) -> Option<Diagnostic> {
    let Some(c) = parse_hex(&v.value) else {
        return Some(
            at(v, format!("`{key}`: `{}` is not a colour", v.value)).with_hint(
                "write it as #rrggbb, e.g. \"#b00020\" (quoted: # starts a comment in YAML)",
            ),
        );
    };
    let (worst, bg) = backgrounds
        .iter()
        .filter_map(|b| parse_hex(b).map(|bc| (contrast(c, bc), *b)))
        .fold((f64::MAX, ""), |acc, x| if x.0 < acc.0 { x } else { acc });
    if worst >= MIN_CONTRAST {
        return None;
    }
    let mode = if backgrounds == &DARK_BACKGROUNDS {
        "dark"
    } else {
        "light"
    };
    let key_shown = if dark_from_light && mode == "dark" {
        "brand.accent"
    } else {
        key
    };
    let hint = if mode == "dark" {
        "links need 4.5:1 (WCAG AA); add a lighter `accent_dark:` for dark mode".to_string()
    } else {
        "links need 4.5:1 (WCAG AA); choose a darker shade".to_string()
    };
    Some(
        at(
            v,
            format!(
                "`{key_shown}` {} has a contrast of {worst:.2}:1 on the theme's {mode} background {bg}",
                hex(c)
            ),
        )
        .with_hint(hint),
    )
}

/// True when a site path names a file of the site: under the site's or the
/// theme's `static/`, or a file under `content/` that is copied as is.
fn exists(root: &Path, config: &Config, lib: &Library, rel: &str) -> bool {
    if rel.is_empty() || rel.split('/').any(|p| p == "..") {
        return false;
    }
    root.join("static").join(rel).is_file()
        || config.theme_dir(root).join("static").join(rel).is_file()
        || lib
            .loose_assets
            .iter()
            .chain(lib.pages.iter().flat_map(|p| p.assets.iter()))
            .any(|(_, site)| site.trim_start_matches('/') == rel)
}

/// True when the site sets an accent colour or a font, so the generated
/// stylesheet exists.
pub fn has_css(config: &Config) -> bool {
    let b = &config.brand;
    b.accent.is_some() || b.accent_dark.is_some() || b.font.is_some()
}

/// True when a WOFF2 file holds a variable font (an `fvar` table), which
/// covers every weight; a static font is declared at 400 so browsers
/// synthesise bold instead of showing headings in the regular face.
pub fn is_variable_woff2(bytes: &[u8]) -> bool {
    const FVAR: u8 = 47; // index of `fvar` in WOFF2's table of known tags
    let u16_at = |i: usize| {
        bytes
            .get(i..i + 2)
            .map(|b| u16::from_be_bytes([b[0], b[1]]))
    };
    if bytes.get(..4) != Some(b"wOF2") {
        return false;
    }
    let Some(tables) = u16_at(12) else {
        return false;
    };
    let mut i = 48;
    let base128 = |i: &mut usize| -> Option<()> {
        for _ in 0..5 {
            let b = *bytes.get(*i)?;
            *i += 1;
            if b & 0x80 == 0 {
                return Some(());
            }
        }
        None
    };
    for _ in 0..tables {
        let Some(&flags) = bytes.get(i) else {
            return false;
        };
        i += 1;
        let known = flags & 0x3f;
        if known == 0x3f {
            if bytes.get(i..i + 4) == Some(b"fvar") {
                return true;
            }
            i += 4;
        } else if known == FVAR {
            return true;
        }
        if base128(&mut i).is_none() {
            return false;
        }
        let version = flags >> 6;
        let transformed = if known == 10 || known == 11 {
            version == 0
        } else {
            version != 0
        };
        if transformed && base128(&mut i).is_none() {
            return false;
        }
    }
    false
}

/// The stylesheet of the brand's colours and font, or `None` when the site
/// sets neither. URLs are relative to `/css/`, where it is written.
/// `variable_font`: see [`is_variable_woff2`].
pub fn css(config: &Config, variable_font: bool) -> Option<String> {
    let b = &config.brand;
    let light = b.accent.as_ref().and_then(|v| parse_hex(&v.value));
    let dark = b.accent_dark().and_then(|v| parse_hex(&v.value));
    let font = b.font.as_ref().map(|f| f.value.trim_start_matches('/'));
    if !has_css(config) {
        return None;
    }
    let mut css = String::from("/* Generated by waymark from brand: in site.yaml. */\n");
    let vars = |c: Rgb, towards: Rgb| {
        format!(
            ":root{{--accent:{a};--link:{a};--accent-hover:{h};--link-hover:{h};--on-accent:{o}}}",
            a = hex(c),
            h = hex(mix(c, towards, 0.25)),
            o = hex(on(c))
        )
    };
    if let Some(c) = light {
        css.push_str(&format!("@media screen{{{}}}\n", vars(c, [0, 0, 0])));
    }
    if let Some(c) = dark {
        css.push_str(&format!(
            "@media screen and (prefers-color-scheme: dark){{{}}}\n",
            vars(c, [255, 255, 255])
        ));
    }
    if let Some(f) = font {
        let url = format!("../{f}").replace('"', "%22");
        let weight = if variable_font { "100 900" } else { "400" };
        css.push_str(&format!(
            "@font-face{{font-family:\"Brand\";src:url(\"{url}\") format(\"woff2\");font-weight:{weight};font-style:normal;font-display:swap}}\n:root{{--font:\"Brand\",system-ui,-apple-system,\"Segoe UI\",Roboto,\"Helvetica Neue\",\"Noto Sans\",\"Liberation Sans\",Arial,sans-serif}}\n"
        ));
    }
    Some(css)
}

/// The static name templates load the brand stylesheet by.
pub const CSS_NAME: &str = "css/waymark-brand.css";

/// Adds `css/waymark-brand.css` to the files to copy and to `url()`'s map, written
/// to a cache file named by its hash (the output stage copies files).
pub fn add_asset(
    config: &Config,
    assets: &mut Vec<crate::output::Asset>,
    map: &mut BTreeMap<String, String>,
) -> Result<(), Diagnostic> {
    let variable = config.brand.font.as_ref().is_some_and(|f| {
        let name = f.value.trim_start_matches('/');
        assets
            .iter()
            .find(|a| a.output.trim_start_matches('/') == name)
            .and_then(|a| std::fs::read(&a.source).ok())
            .is_some_and(|b| is_variable_woff2(&b))
    });
    let Some(css) = css(config, variable) else {
        return Ok(());
    };
    let hash: String = sha256(css.as_bytes())[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let file = cache_file(&format!("brand-{hash}.css"), css.as_bytes()).map_err(|e| {
        Diagnostic::error(
            CONFIG_FILE,
            format!("cannot write the brand stylesheet: {e}"),
        )
    })?;
    let output = crate::output::fingerprinted(CSS_NAME, css.as_bytes());
    map.insert(CSS_NAME.to_string(), output.clone());
    assets.retain(|a| a.output != output);
    assets.push(crate::output::Asset {
        source: file,
        output,
    });
    Ok(())
}

fn cache_file(name: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
    let dir = crate::theme::cache_root()?.join("generated");
    let path = dir.join(name);
    if std::fs::read(&path).is_ok_and(|b| b == bytes) {
        return Ok(path);
    }
    std::fs::create_dir_all(&dir)?;
    let tmp = dir.join(format!("{name}.tmp{}", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, &path)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contrast_matches_wcag() {
        let white = [255, 255, 255];
        assert!((contrast([0, 0, 0], white) - 21.0).abs() < 1e-9);
        assert!((contrast(parse_hex("#777").unwrap(), white) - 4.48).abs() < 0.01);
        assert_eq!(parse_hex("#b00020"), Some([0xb0, 0x00, 0x20]));
        assert_eq!(parse_hex("b00020"), None);
        assert_eq!(parse_hex("#b0002"), None);
    }

    #[test]
    fn variable_fonts_are_told_from_static_ones() {
        // A WOFF2 header (48 bytes) with two tables: `head` (known tag 1) and
        // then either `fvar` (known tag 47) or `name` (5).
        let font = |second: u8| {
            let mut b = b"wOF2".to_vec();
            b.resize(48, 0);
            b[13] = 2;
            b.extend([1, 0x36, second, 0x20]);
            b
        };
        assert!(is_variable_woff2(&font(47)));
        assert!(!is_variable_woff2(&font(5)));
        assert!(!is_variable_woff2(b"not a font"));
    }
}

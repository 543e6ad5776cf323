//! Social cards, head metadata and the favicon.
//!
//! Every output page gets a `social` template value (see docs/media.md):
//! its `og:image` (its own card, its section's card, or its front matter
//! `image`), the image's size and alt text, the site's icons and its JSON-LD.
//! Cards are 1200x630 PNGs drawn from the theme's `social_card.svg`; the
//! home page, sections, assessments, their outcome pages and pages that opt
//! in (`social_card: true` on the page or its section) get their own.
//!
//! Cards are keyed by a hash of their inputs (template, fonts, logo, accent,
//! site name, title, section, description) and kept in
//! `.waymark-cache/cards/`: an unchanged card is never drawn twice, and the
//! missing ones are drawn in parallel.

mod card;
mod jsonld;
mod plan;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::digest::sha256;
use rayon::prelude::*;

pub use card::{HEIGHT, WIDTH};
pub use plan::extra_has_own_card;

use crate::config::Config;
use crate::content::Library;
use crate::diagnostics::Diagnostic;
use crate::images::Images;
use crate::output::Asset;
use crate::render::engine::{TemplateError, TemplateSet, Vars};
use crate::render::{ExtraPage, Map, Templates, Value};

/// Where drawn cards and icons are kept between builds, under the site root.
pub const CACHE_DIR: &str = ".waymark-cache/cards";

/// The card template's name, in the theme's `templates/`.
pub const TEMPLATE: &str = "social_card.svg";

/// Bumped when drawing changes, so old cache files are not reused.
const CACHE_VERSION: &str = "card-v1";

/// The accent colour of cards and the generated favicon when the site sets none.
pub const DEFAULT_ACCENT: &str = "#1d5b8f";

/// Counters kept by `serve` across builds and read by `--verbose`, and
/// the `social` values of the last build: a page whose JSON-LD and image
/// are the same reuses its value instead of writing its script again (the
/// largest cost of a rebuild in `serve` before).
#[derive(Default)]
pub struct CardCache {
    drawn: AtomicUsize,
    values: std::sync::Mutex<plan::Memo>,
}

/// What the stage produced.
pub struct Output {
    /// Cards and icons to copy into the output.
    pub assets: Vec<Asset>,
    /// The `social` value of every output path.
    pub values: HashMap<String, Value>,
    /// Cards in this build.
    pub cards: usize,
    /// Cards drawn now (the rest came from the cache).
    pub drawn: usize,
}

/// Branding the cards and icons use.
pub struct Brand {
    /// CSS colour.
    pub accent: String,
    /// A logo file, drawn on cards.
    pub logo: Option<PathBuf>,
    /// Its site path, for JSON-LD.
    pub logo_path: Option<String>,
    /// A favicon file of the site (SVG or PNG) instead of the generated one.
    pub favicon: Option<(PathBuf, String)>,
}

impl Brand {
    /// Branding from `site.yaml`'s `brand:` (checked by `crate::brand`):
    /// its accent, else the theme's; its logo and favicon files, found
    /// through `files` (site path -> source file).
    pub fn from_config(config: &Config, files: &HashMap<String, PathBuf>) -> Brand {
        let b = &config.brand;
        let file = |s: &Option<crate::yaml::Spanned<String>>| {
            let site = s.as_ref()?.value.clone();
            let site = if site.starts_with('/') {
                site
            } else {
                format!("/{site}")
            };
            Some((files.get(&site)?.clone(), site))
        };
        let logo = file(&b.logo);
        Brand {
            accent: b
                .accent
                .as_ref()
                .map_or(DEFAULT_ACCENT.to_string(), |a| a.value.clone()),
            logo_path: logo.as_ref().map(|(_, s)| s.clone()),
            logo: logo.map(|(f, _)| f),
            favicon: file(&b.favicon),
        }
    }
}

/// Everything the stage reads.
pub struct Inputs<'a> {
    /// Site folder.
    pub root: &'a Path,
    /// `site.yaml`.
    pub config: &'a Config,
    /// Content.
    pub lib: &'a Library,
    /// Assessment and other non-Markdown pages.
    pub extras: &'a [ExtraPage],
    /// The theme's and the site's templates.
    pub templates: &'a Templates,
    /// Site path -> source file of every static and content file.
    pub files: &'a HashMap<String, PathBuf>,
    /// Image sizes (for front matter `image`).
    pub images: &'a Images,
}

/// Plans, draws (or reuses) every card and the favicon, and builds the
/// `social` value of every page; with `keep`, the values are kept in
/// `cache` for the next build (not for a build that ends).
pub fn build(input: &Inputs, cache: &CardCache, keep: bool) -> Result<Output, Vec<Diagnostic>> {
    let brand = Brand::from_config(input.config, input.files);
    let fonts = card::Fonts::load(&input.config.theme_dir(input.root));
    let plan = plan::plan(input)?;
    let (file, source) = match input.templates.files.get(TEMPLATE) {
        Some((f, s)) => (f.clone(), s.as_str()),
        None => (PathBuf::from(TEMPLATE), card::BUILTIN_TEMPLATE),
    };
    let tera = TemplateSet::new(&[".svg"], vec![(TEMPLATE.to_string(), source.to_string())])
        .map_err(|e| vec![template_error(&file, &e)])?;
    let drawer = Drawer {
        input,
        tera,
        file,
        source,
        logo_hash: logo_hash(&brand),
        brand: &brand,
        fonts: &fonts,
        cache_dir: crate::images::cache_dir(input.root, "cards"),
        cache,
    };
    let results: Vec<Result<Asset, Diagnostic>> =
        plan.cards.par_iter().map(|c| drawer.card(c)).collect();
    let mut assets = Vec::with_capacity(results.len() + 2);
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok(a) => assets.push(a),
            Err(d) => errors.push(d),
        }
    }
    let icons = match icons(input, &brand, &fonts, &drawer.cache_dir) {
        Ok((icons, mut files)) => {
            assets.append(&mut files);
            icons
        }
        Err(d) => {
            errors.push(d);
            Value::from(Vec::<Value>::new())
        }
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    let logo = brand.logo_path.as_deref();
    let values = if keep {
        let mut memo = cache.values.lock().expect("no panics holding the lock");
        plan::values(input, &plan, &icons, logo, Some(&mut memo))
    } else {
        plan::values(input, &plan, &icons, logo, None)
    };
    Ok(Output {
        cards: plan.cards.len(),
        drawn: cache.drawn.swap(0, Ordering::Relaxed),
        assets,
        values,
    })
}

/// The logo's path and the hash of its bytes, for the card cache key (the
/// template gets the path).
fn logo_hash(brand: &Brand) -> String {
    brand
        .logo
        .as_ref()
        .and_then(|l| {
            Some(format!(
                "{}:{}",
                l.display(),
                hex(&sha256(std::fs::read(l).ok()?))
            ))
        })
        .unwrap_or_default()
}

/// What drawing one card needs, shared by the parallel workers.
struct Drawer<'a> {
    input: &'a Inputs<'a>,
    tera: TemplateSet,
    /// The card template's file, for messages, and its source.
    file: PathBuf,
    source: &'a str,
    logo_hash: String,
    brand: &'a Brand,
    fonts: &'a card::Fonts,
    cache_dir: PathBuf,
    cache: &'a CardCache,
}

impl Drawer<'_> {
    /// The PNG of card `c`: from the cache, or drawn and cached.
    fn card(&self, c: &plan::Card) -> Result<Asset, Diagnostic> {
        let config = self.input.config;
        // Keyed by the card's inputs, so a warm build neither fills the
        // template nor lays out the title.
        let key = hex(&sha256(
            [
                CACHE_VERSION,
                self.source,
                &self.fonts.fingerprint,
                &self.logo_hash,
                &self.brand.accent,
                &config.title,
                &c.title,
                &c.section,
                &c.description,
            ]
            .join("\u{0}")
            .as_bytes(),
        ));
        let png = self.cache_dir.join(format!("{}.png", &key[..32]));
        if !png.is_file() {
            let svg = fill(&self.tera, c, config, self.brand, self.fonts)
                .map_err(|e| template_error(&self.file, &e))?;
            let bytes =
                card::rasterise(&svg, self.fonts, self.input.root, WIDTH, HEIGHT).map_err(|e| {
                    Diagnostic::error(
                        &self.file,
                        format!("cannot draw the card of {}: {e}", c.page),
                    )
                })?;
            crate::images::write_atomic(&png, &bytes)
                .map_err(|e| Diagnostic::error(&png, format!("cannot write the card: {e}")))?;
            self.cache.drawn.fetch_add(1, Ordering::Relaxed);
        }
        Ok(Asset {
            source: png,
            output: c.output.clone(),
        })
    }
}

/// The card template filled in for one card.
fn fill(
    tera: &TemplateSet,
    c: &plan::Card,
    config: &Config,
    brand: &Brand,
    fonts: &card::Fonts,
) -> Result<String, TemplateError> {
    let (size, title_lines, description_lines) = card::layout(fonts, &c.title, &c.description);
    let mut ctx = Vars::new();
    ctx.insert("title", &c.title);
    ctx.insert("title_lines", &title_lines);
    ctx.insert("title_size", &size);
    ctx.insert("description_lines", &description_lines);
    ctx.insert("description_size", &card::DESCRIPTION_SIZE);
    ctx.insert("section", &c.section);
    ctx.insert("description", &c.description);
    ctx.insert("site_name", &config.title);
    ctx.insert("accent", &brand.accent);
    ctx.insert(
        "logo",
        &brand
            .logo
            .as_ref()
            .map(|l| l.display().to_string())
            .unwrap_or_default(),
    );
    ctx.insert("font", &fonts.family);
    tera.render(TEMPLATE, &ctx)
}

fn template_error(file: &Path, e: &TemplateError) -> Diagnostic {
    Diagnostic::error(file, format!("social card template: {}", e.full))
        .with_hint("see docs/theming.md for the variables of social_card.svg")
}

/// The favicon files and the `social.icons` value. The site's own
/// `static/favicon.ico` wins; otherwise `/favicon.ico` (a 32x32 PNG in an
/// ICO) and `/favicon.svg` are drawn from the brand's favicon or a letter
/// on the accent colour.
fn icons(
    input: &Inputs,
    brand: &Brand,
    fonts: &card::Fonts,
    cache_dir: &Path,
) -> Result<(Value, Vec<Asset>), Diagnostic> {
    let letter = input
        .config
        .title
        .chars()
        .find(|c| c.is_alphanumeric())
        .unwrap_or('W')
        .to_uppercase()
        .to_string();
    let svg = match &brand.favicon {
        Some((file, _)) if file.extension().is_some_and(|e| e == "svg") => {
            std::fs::read_to_string(file)
                .map_err(|e| Diagnostic::error(file, format!("cannot read the favicon: {e}")))?
        }
        _ => format!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64"><rect width="64" height="64" rx="14" fill="{}"/><text x="32" y="45" text-anchor="middle" font-family="{}" font-weight="700" font-size="38" fill="#ffffff">{}</text></svg>"##,
            crate::output::xml_escape(&brand.accent),
            fonts.family,
            crate::output::xml_escape(&letter)
        ),
    };
    let key = hex(&sha256(
        format!("{CACHE_VERSION}\n{}\n{svg}", fonts.fingerprint).as_bytes(),
    ));
    let ico = cache_dir.join(format!("favicon-{}.ico", &key[..32]));
    let outlined = cache_dir.join(format!("favicon-{}.svg", &key[..32]));
    let fail = |e: String| Diagnostic::error(CACHE_DIR, format!("cannot draw the favicon: {e}"));
    if !ico.is_file() || !outlined.is_file() {
        let png = card::rasterise(&svg, fonts, input.root, 32, 32).map_err(fail)?;
        crate::images::write_atomic(&ico, &card::ico_from_png(&png, 32, 32))
            .map_err(|e| fail(e.to_string()))?;
        let text = card::outline_text(&svg, fonts, input.root).map_err(fail)?;
        crate::images::write_atomic(&outlined, text.as_bytes()).map_err(|e| fail(e.to_string()))?;
    }
    let mut assets = Vec::new();
    let mut links = Vec::new();
    let icon = |href: &str, kind: &str, sizes: &str| {
        let mut m = Map::new();
        m.insert("href".into(), href.into());
        m.insert("type".into(), kind.into());
        m.insert("sizes".into(), sizes.into());
        Value::from(m)
    };
    if !input.files.contains_key("/favicon.ico") {
        assets.push(Asset {
            source: ico,
            output: "/favicon.ico".into(),
        });
    }
    links.push(icon("/favicon.ico", "", "32x32"));
    match &brand.favicon {
        Some((file, site)) if file.extension().is_none_or(|e| e != "svg") => {
            links.push(icon(site, "image/png", ""));
        }
        _ => {
            if !input.files.contains_key("/favicon.svg") {
                assets.push(Asset {
                    source: outlined,
                    output: "/favicon.svg".into(),
                });
            }
            links.push(icon("/favicon.svg", "image/svg+xml", ""));
        }
    }
    Ok((Value::from(links), assets))
}

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

//! Reading one image's size and making its resized variants, with a cache
//! folder so an unchanged image is never decoded or encoded twice.
//!
//! The `image` crate (PNG and JPEG codecs only) decodes and encodes,
//! `fast_image_resize` resizes and `imagesize` reads sizes from headers; no
//! other module touches them.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use fast_image_resize::{self as fr, images::Image as FrImage};
use image::{DynamicImage, ImageEncoder};

/// Widths (CSS pixels) of the content column and of the same column on a
/// 2x screen: an image wider than the first gets variants of these widths.
pub const VARIANT_WIDTHS: [u32; 2] = [720, 1440];

/// Bumped when encoding settings change, so old cache files are not reused.
const CACHE_VERSION: &str = "v1";

/// JPEG quality of resized variants: visually lossless for photos at a
/// third of the size of quality 95.
const JPEG_QUALITY: u8 = 82;

/// The size of an image and the variants made from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Info {
    /// Intrinsic width in pixels (CSS pixels for SVG).
    pub width: u32,
    /// Intrinsic height.
    pub height: u32,
    /// Smaller copies, narrowest first (empty for SVG, GIF, WebP and
    /// images no wider than the column).
    pub variants: Vec<Variant>,
}

/// One resized copy, stored in the cache folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The file in the cache folder, copied into the output.
    pub file: PathBuf,
    /// File extension of the variant (the source's format is kept).
    pub ext: &'static str,
}

/// Formats we can resize (pure-Rust codecs; WebP output is left out because
/// the pure-Rust encoder is lossless only, larger than JPEG for photos).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Raster {
    Png,
    Jpeg,
}

/// Reads `bytes` (the content of `source`) and makes any missing variant in
/// `cache_dir`. `hash` is the hex content hash that names cache files.
/// Returns the info and how many variants were encoded now.
pub fn process(
    source: &Path,
    bytes: &[u8],
    hash: &str,
    cache_dir: &Path,
) -> Result<(Info, usize), String> {
    let ext = source
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if ext == "svg" {
        let (width, height) = svg_size(bytes)?;
        return Ok((
            Info {
                width,
                height,
                variants: Vec::new(),
            },
            0,
        ));
    }
    let size = imagesize::blob_size(bytes).map_err(|e| format!("not a readable image: {e}"))?;
    let (width, height) = (size.width as u32, size.height as u32);
    let raster = match imagesize::image_type(bytes) {
        Ok(imagesize::ImageType::Png) => Some(Raster::Png),
        Ok(imagesize::ImageType::Jpeg) => Some(Raster::Jpeg),
        _ => None,
    };
    let mut info = Info {
        width,
        height,
        variants: Vec::new(),
    };
    let Some(raster) = raster else {
        return Ok((info, 0));
    };
    let out_ext = match raster {
        Raster::Png => "png",
        Raster::Jpeg => "jpg",
    };
    let mut decoded: Option<DynamicImage> = None;
    let mut encoded = 0;
    for w in VARIANT_WIDTHS.into_iter().filter(|&w| w < width) {
        let h = ((u64::from(height) * u64::from(w) + u64::from(width) / 2) / u64::from(width))
            .max(1) as u32;
        let file = cache_dir.join(format!("{hash}-{CACHE_VERSION}-{w}.{out_ext}"));
        if !file.is_file() {
            if decoded.is_none() {
                decoded = Some(
                    image::load_from_memory(bytes)
                        .map_err(|e| format!("cannot decode the image: {e}"))?,
                );
            }
            let img = decoded.as_ref().expect("decoded above");
            let data = resize_encode(img, w, h, raster)?;
            write_atomic(&file, &data)
                .map_err(|e| format!("cannot write {}: {e}", file.display()))?;
            encoded += 1;
        }
        info.variants.push(Variant {
            width: w,
            height: h,
            file,
            ext: out_ext,
        });
    }
    Ok((info, encoded))
}

/// The size an SVG declares (width/height, else its viewBox), rounded.
fn svg_size(bytes: &[u8]) -> Result<(u32, u32), String> {
    let tree = resvg::usvg::Tree::from_data(bytes, &resvg::usvg::Options::default())
        .map_err(|e| format!("not a readable SVG: {e}"))?;
    let s = tree.size();
    Ok((
        (s.width().round() as u32).max(1),
        (s.height().round() as u32).max(1),
    ))
}

fn resize_encode(img: &DynamicImage, w: u32, h: u32, raster: Raster) -> Result<Vec<u8>, String> {
    let alpha = raster == Raster::Png && img.color().has_alpha();
    let (pixels, pixel_type, color) = if alpha {
        (
            img.to_rgba8().into_raw(),
            fr::PixelType::U8x4,
            image::ExtendedColorType::Rgba8,
        )
    } else {
        (
            img.to_rgb8().into_raw(),
            fr::PixelType::U8x3,
            image::ExtendedColorType::Rgb8,
        )
    };
    let src = FrImage::from_vec_u8(img.width(), img.height(), pixels, pixel_type)
        .map_err(|e| format!("cannot resize: {e}"))?;
    let mut dst = FrImage::new(w, h, pixel_type);
    let options =
        fr::ResizeOptions::new().resize_alg(fr::ResizeAlg::Convolution(fr::FilterType::Lanczos3));
    fr::Resizer::new()
        .resize(&src, &mut dst, &options)
        .map_err(|e| format!("cannot resize: {e}"))?;
    let mut out = Cursor::new(Vec::new());
    let result = match raster {
        Raster::Jpeg => image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY)
            .write_image(dst.buffer(), w, h, color),
        Raster::Png => {
            image::codecs::png::PngEncoder::new(&mut out).write_image(dst.buffer(), w, h, color)
        }
    };
    result.map_err(|e| format!("cannot encode: {e}"))?;
    Ok(out.into_inner())
}

/// Encodes 8-bit RGB (or RGBA with `alpha`) pixels as PNG with fast
/// compression: for drawn images (social cards, icons), where the default
/// compression was most of the cost of a card.
pub fn encode_png(pixels: &[u8], width: u32, height: u32, alpha: bool) -> Result<Vec<u8>, String> {
    let color = if alpha {
        image::ExtendedColorType::Rgba8
    } else {
        image::ExtendedColorType::Rgb8
    };
    let mut out = Cursor::new(Vec::new());
    image::codecs::png::PngEncoder::new_with_quality(
        &mut out,
        image::codecs::png::CompressionType::Fast,
        image::codecs::png::FilterType::Adaptive,
    )
    .write_image(pixels, width, height, color)
    .map_err(|e| format!("cannot encode: {e}"))?;
    Ok(out.into_inner())
}

/// Writes through a temporary file and a rename, so a crash or a parallel
/// build never leaves a half-written cache file under the final name.
pub fn write_atomic(file: &Path, data: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = file.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, data)?;
    std::fs::rename(&tmp, file)
}

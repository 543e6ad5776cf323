//! Pages held compressed in `serve`'s memory (lz4_flex, behind this module).
//!
//! A 10,000-page site is about 130 MB of HTML, most of it the same header,
//! navigation and footer on every page. Each page is compressed on its own
//! (so one page is unpacked per request, in microseconds) against a
//! dictionary shared by the pages of its template: the first such page
//! compressed. Against it the repeated markup costs a few bytes, and the
//! site's pages take about a quarter of the memory.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The longest dictionary lz4 uses (its window).
const DICTIONARY_BYTES: usize = 64 << 10;

/// Compresses pages against a dictionary per template, taken from the
/// first page of that template it is given. One per engine: pages packed
/// by the same packer compare without unpacking (see [`Packed::same`]).
#[derive(Debug, Default)]
pub struct Packer {
    dictionaries: Mutex<HashMap<String, Arc<[u8]>>>,
}

/// One compressed page.
#[derive(Clone, Debug)]
pub struct Packed {
    bytes: Arc<[u8]>,
    len: usize,
    dictionary: Arc<[u8]>,
}

impl Packer {
    /// Compresses `html`, rendered with `template`; from any thread.
    pub fn pack(&self, template: &str, html: &[u8]) -> Packed {
        let dictionary = {
            let mut all = self.dictionaries.lock().unwrap_or_else(|e| e.into_inner());
            match all.get(template) {
                Some(d) => d.clone(),
                None => {
                    let tail = &html[html.len().saturating_sub(DICTIONARY_BYTES)..];
                    let d: Arc<[u8]> = Arc::from(tail);
                    all.insert(template.to_string(), d.clone());
                    d
                }
            }
        };
        let bytes = lz4_flex::block::compress_with_dict(html, &dictionary);
        Packed {
            bytes: Arc::from(bytes),
            len: html.len(),
            dictionary,
        }
    }
}

impl Packed {
    /// The size of the page unpacked.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True for an empty page.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The size it takes in memory (for measurements).
    pub fn packed_len(&self) -> usize {
        self.bytes.len()
    }

    /// The page's bytes.
    pub fn unpack(&self) -> Vec<u8> {
        lz4_flex::block::decompress_with_dict(&self.bytes, self.len, &self.dictionary)
            .expect("bytes this module compressed unpack")
    }

    /// Whether two packed pages hold the same bytes: compared packed when
    /// they share a dictionary (compression is deterministic), else
    /// unpacked.
    pub fn same(&self, other: &Packed) -> bool {
        if Arc::ptr_eq(&self.bytes, &other.bytes) {
            return true;
        }
        if self.len != other.len {
            return false;
        }
        if Arc::ptr_eq(&self.dictionary, &other.dictionary) {
            return self.bytes == other.bytes;
        }
        self.unpack() == other.unpack()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(i: usize) -> String {
        let nav = "<nav><a href=\"/guides/\">Guides</a><a href=\"/cases/\">Cases</a></nav>";
        format!(
            "<!doctype html><html lang=\"en\"><head><title>Page {i}</title></head><body>{}<main><p>Text {}</p></main></body></html>",
            nav.repeat(20),
            "word ".repeat(i)
        )
    }

    #[test]
    fn pages_unpack_to_their_bytes_and_share_the_first_as_dictionary() {
        let packer = Packer::default();
        let pages: Vec<String> = (0..50).map(page).collect();
        let packed: Vec<Packed> = pages
            .iter()
            .map(|p| packer.pack("page.html", p.as_bytes()))
            .collect();
        for (p, k) in pages.iter().zip(&packed) {
            assert_eq!(k.unpack(), p.as_bytes());
            assert_eq!(k.len(), p.len());
        }
        // The markup the first page shares with the others costs little.
        let raw: usize = pages[1..].iter().map(String::len).sum();
        let kept: usize = packed[1..].iter().map(Packed::packed_len).sum();
        assert!(kept * 5 < raw, "{kept} of {raw} bytes");
        assert!(packer.pack("page.html", b"").unpack().is_empty());
    }

    #[test]
    fn same_compares_bytes_whatever_the_dictionary() {
        let (a, b) = (Packer::default(), Packer::default());
        a.pack("page.html", page(3).as_bytes());
        b.pack("page.html", page(40).as_bytes());
        let one = a.pack("page.html", page(7).as_bytes());
        assert!(one.same(&a.pack("page.html", page(7).as_bytes())));
        assert!(
            one.same(&b.pack("page.html", page(7).as_bytes())),
            "other dictionary"
        );
        assert!(!one.same(&a.pack("page.html", page(8).as_bytes())));
        assert!(!one.same(&b.pack("page.html", page(8).as_bytes())));
        let mut edited = page(7).into_bytes();
        edited[30] = b'X';
        assert!(
            !one.same(&a.pack("page.html", &edited)),
            "same length, other bytes"
        );
    }
}

//! The files a query loads for the results it shows: a metadata file per
//! group of documents, and the documents' texts (for excerpts) in a few
//! text files per group.
//!
//! A group's texts are cut into files of about [`super::Options::text_bytes`]
//! in document order (a longer document has a file to itself), so a result
//! costs its own text and a few neighbours', and a 10,000-page site has a
//! few thousand text files instead of one per page. The cuts depend only on
//! the group's own documents: an edit rewrites the files of its group and
//! no others.
//!
//! While `serve` follows edits, these text files are the only copy of the
//! documents' texts the index keeps ([`texts`] reads them back), shared
//! with the served files.

use std::sync::Arc;

use super::{Document, data_file, short_hash};

/// A group's files: its metadata file and its text files.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct GroupFiles {
    /// Site path and body of the metadata file.
    pub meta: (String, String),
    /// The text files, in document order.
    pub texts: Vec<TextFile>,
}

/// A text file of a group. Its body is `None` once moved out to be written
/// (see [`super::Prepared::take_texts`]).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct TextFile {
    pub name: String,
    pub bytes: usize,
    /// The position in the group of its first document.
    pub first: usize,
    pub body: Option<Arc<str>>,
}

/// One document's part of its group's files.
pub(super) struct Entry {
    /// Its metadata as JSON without the closing bracket: `["path","title",
    /// "section",kind,"description","tags"`.
    head: String,
    /// Its text entry, `["headings","text"]`.
    text: String,
}

/// The entry of `d` with body text `text` (`tags` and `headings` joined as
/// the index weighs them).
pub(super) fn entry(d: &Document, text: &str, tags: &str, headings: &str) -> Entry {
    let mut head = serde_json::to_string(&(
        &d.path,
        &d.title,
        d.section.as_deref().unwrap_or(""),
        d.kind.code(),
        &d.description,
        tags,
    ))
    .expect("strings serialise");
    head.pop();
    let text = serde_json::to_string(&(headings, text)).expect("strings serialise");
    Entry { head, text }
}

/// The files of a group of documents' entries: texts cut into files of
/// about `text_bytes`, then the metadata file, whose entries end with their
/// text file's hash and their position in it:
/// `[path, title, section, kind, description, tags, text hash, position]`.
pub(super) fn group(entries: &[Entry], text_bytes: usize) -> GroupFiles {
    let mut cuts = vec![0];
    let mut acc = 0;
    for (i, e) in entries.iter().enumerate() {
        if i > 0 && acc > 0 && acc + e.text.len() > text_bytes {
            cuts.push(i);
            acc = 0;
        }
        acc += e.text.len() + 1;
    }
    cuts.push(entries.len());
    let mut texts = Vec::with_capacity(cuts.len() - 1);
    let mut meta = String::from("[");
    for w in cuts.windows(2) {
        let part = &entries[w[0]..w[1]];
        let mut json =
            String::with_capacity(part.iter().map(|e| e.text.len() + 1).sum::<usize>() + 2);
        json.push('[');
        for (i, e) in part.iter().enumerate() {
            if i > 0 {
                json.push(',');
            }
            json.push_str(&e.text);
        }
        json.push(']');
        let hash = short_hash(json.as_bytes());
        for (i, e) in part.iter().enumerate() {
            if meta.len() > 1 {
                meta.push(',');
            }
            meta.push_str(&e.head);
            meta.push_str(&format!(",\"{hash}\",{i}]"));
        }
        let (name, body) = named_with('t', &hash, &json);
        texts.push(TextFile {
            name,
            bytes: body.len(),
            first: w[0],
            body: Some(Arc::from(body)),
        });
    }
    meta.push(']');
    GroupFiles {
        meta: super::named('m', &meta),
        texts,
    }
}

/// The body texts of the documents of a group, in order, read back from
/// its text files (which must still have their bodies).
pub(super) fn texts(files: &GroupFiles) -> Vec<String> {
    files.texts.iter().flat_map(read_texts).collect()
}

/// The body text of the `at`-th document of a group (see [`texts`]).
pub(super) fn text_at(files: &GroupFiles, at: usize) -> String {
    let file = files.texts.partition_point(|t| t.first <= at).max(1) - 1;
    let mut texts = read_texts(&files.texts[file]);
    std::mem::take(&mut texts[at - files.texts[file].first])
}

/// The texts of one text file: its entries are `[headings, text]`.
fn read_texts(file: &TextFile) -> Vec<String> {
    let body = file
        .body
        .as_deref()
        .expect("the index keeps its text files");
    let json = super::encode::data_json(body).expect("a data file the index wrote");
    let entries: Vec<(String, String)> =
        serde_json::from_str(json).expect("a data file the index wrote");
    entries.into_iter().map(|(_, text)| text).collect()
}

/// `(site path, body)` of a data file whose hash is known.
fn named_with(kind: char, hash: &str, json: &str) -> (String, String) {
    let key = format!("{kind}.{hash}");
    (format!("/{}{key}.js", super::DIR), data_file(&key, json))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::Kind;

    fn doc(i: usize, len: usize) -> Document {
        Document {
            path: format!("/p{i}/"),
            title: format!("Page {i}"),
            section: None,
            kind: Kind::Page,
            description: String::new(),
            headings: Vec::new(),
            tags: Vec::new(),
            text: "w".repeat(len),
        }
    }

    #[test]
    fn texts_are_cut_near_the_target_and_a_long_text_stands_alone() {
        let lens = [100, 300, 500, 5000, 100, 100, 700, 100];
        let entries: Vec<Entry> = lens
            .iter()
            .enumerate()
            .map(|(i, &n)| {
                let d = doc(i, n);
                entry(&d, &d.text, "", "")
            })
            .collect();
        let g = group(&entries, 1000);
        let sizes: Vec<usize> = g.texts.iter().map(|t| t.bytes).collect();
        // [100 300 500] [5000] [100 100 700] [100]: each under 1000 bytes of
        // JSON unless one text alone is longer.
        assert_eq!(g.texts.len(), 4, "{sizes:?}");
        assert!(sizes[1] > 5000 && sizes.iter().filter(|&&s| s > 1100).count() == 1);
        let meta: serde_json::Value =
            serde_json::from_str(crate::search::encode::data_json(&g.meta.1).unwrap()).unwrap();
        // Document 5 is the second of the third text file.
        let hash = g.texts[2].name.rsplit('/').next().unwrap()[2..14].to_string();
        assert_eq!(meta[5][6], hash.as_str());
        assert_eq!(meta[5][7], 1);
        assert_eq!(meta[5][0], "/p5/");
        let body = g.texts[2].body.as_ref().unwrap();
        let texts: serde_json::Value =
            serde_json::from_str(crate::search::encode::data_json(body).unwrap()).unwrap();
        assert_eq!(texts[1][1].as_str().unwrap().len(), 100);
        assert_eq!(texts.as_array().unwrap().len(), 3);
        // The texts read back, whole and one by one.
        let all = super::texts(&g);
        assert_eq!(all.len(), lens.len());
        for (i, &n) in lens.iter().enumerate() {
            assert_eq!(all[i], "w".repeat(n));
            assert_eq!(text_at(&g, i), all[i]);
        }
    }
}

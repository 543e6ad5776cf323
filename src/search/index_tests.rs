//! Tests of the index format, with a tiny reader of it.

use super::*;
use crate::search::Kind;
use std::collections::BTreeMap;

fn doc(i: usize, words: usize) -> Document {
    Document {
        path: format!("/p{i}/"),
        title: format!("Page {i}"),
        section: Some(if i.is_multiple_of(2) { "Even" } else { "Odd" }.into()),
        kind: Kind::Page,
        description: String::new(),
        headings: vec!["One".into(), "Two".into()],
        tags: vec!["AI".into()],
        text: (0..words)
            .map(|w| format!("word{w}"))
            .collect::<Vec<_>>()
            .join(" "),
    }
}

fn json_of(files: &[File], path: &str) -> serde_json::Value {
    let body = &files
        .iter()
        .find(|(p, _)| p == path)
        .unwrap_or_else(|| panic!("no {path}"))
        .1;
    serde_json::from_str(encode::data_json(body).expect("a data file")).unwrap()
}

fn manifest(files: &[File]) -> serde_json::Value {
    let m = files[0].1.split_once("WaymarkSearchIndex=").unwrap().1;
    serde_json::from_str(m.trim_end().trim_end_matches(';')).unwrap()
}

/// The documents whose postings hold `term`, with their impacts: the
/// reader a browser implements, reading only the manifest and one shard.
fn lookup(files: &[File], term: &str) -> Vec<(u32, u32)> {
    let m = manifest(files);
    let post = m["post"].as_array().unwrap();
    let i = post
        .iter()
        .rposition(|e| e[0].as_str().unwrap() <= term)
        .unwrap_or(0);
    let shard = json_of(
        files,
        &format!("/{DIR}p.{}.js", post[i][1].as_str().unwrap()),
    );
    let terms = shard["t"].as_array().unwrap();
    let Some(at) = terms.iter().position(|t| t == term) else {
        return Vec::new();
    };
    let nums = encode::numbers(shard["p"][at].as_str().unwrap());
    let mut doc = -1i64;
    nums.chunks(2)
        .map(|c| {
            doc += i64::from(c[0]) + 1;
            (doc as u32, c[1])
        })
        .collect()
}

/// The documents whose postings hold `term`.
fn docs_with(files: &[File], term: &str) -> Vec<u32> {
    lookup(files, term).iter().map(|p| p.0).collect()
}

#[test]
fn every_word_is_found_through_one_postings_shard() {
    let docs: Vec<Document> = (0..300).map(|i| doc(i, 50 + i * 7)).collect();
    let opts = Options {
        post_bytes: 2048,
        vocab_bytes: 512,
        group: 16,
        text_bytes: 4096,
    };
    let mut index = Index::build(&docs, &ClientPaths::default(), false, &opts);
    let files = index.files();
    let stats = index.stats(&files);
    assert!(stats.shards.1 > 20 && stats.shards.0 > 10, "{stats:?}");
    assert_eq!(stats.shards.2, 300usize.div_ceil(16));
    // The last word of the longest page, in the only page that has it.
    let last = format!("word{}", 50 + 299 * 7 - 1);
    assert_eq!(docs_with(&files, &last), [299]);
    // A word of every page: 300 postings; a title word ranks above body words.
    assert_eq!(lookup(&files, "word0").len(), 300);
    let title = lookup(&files, "page")[0].1;
    let body = lookup(&files, "word0")[0].1;
    assert!(title > 4 * body, "title {title} vs body {body}");
    // The document's group and text file.
    let m = manifest(&files);
    let group = json_of(
        &files,
        &format!("/{DIR}m.{}.js", m["meta"][299 / 16].as_str().unwrap()),
    );
    let meta = &group[299 % 16];
    assert_eq!(meta[0], "/p299/");
    assert_eq!(
        (&meta[2], &meta[3], &meta[5]),
        (&"Odd".into(), &0.into(), &"AI".into())
    );
    let texts = json_of(&files, &format!("/{DIR}t.{}.js", meta[6].as_str().unwrap()));
    let text = &texts[meta[7].as_u64().unwrap() as usize];
    assert!(text[1].as_str().unwrap().ends_with(&last));
    assert_eq!(text[0], "One\nTwo");
    // The vocabulary shards hold every term once, in order.
    let mut vocab = Vec::new();
    for v in m["vocab"].as_array().unwrap() {
        let words = json_of(&files, &format!("/{DIR}v.{}.js", v[1].as_str().unwrap()));
        vocab.extend(words.as_str().unwrap().split(' ').map(str::to_string));
    }
    assert_eq!(vocab.len(), stats.terms);
    assert!(vocab.windows(2).all(|w| w[0] < w[1]));
    assert!(
        stats.query_bytes[0] > 0 && stats.query_bytes[0] < stats.index_bytes / 4,
        "{stats:?}"
    );
}

#[test]
fn updates_touch_few_files_and_equal_a_fresh_build() {
    let docs: Vec<Document> = (0..200).map(|i| doc(i, 40 + i * 3)).collect();
    let opts = Options {
        post_bytes: 2048,
        vocab_bytes: 512,
        group: 16,
        text_bytes: 4096,
    };
    let mut index = Index::build(&docs, &ClientPaths::default(), true, &opts);
    index.keep_documents(docs.clone());
    let before = index.files();
    let mut edited = docs.clone();
    edited[150].text.push_str(" zyzzyva word3");
    edited[150].title = "Renamed".into();
    let changes = index.update(edited.clone()).expect("same documents");
    let mut fresh = Index::build(&edited, &ClientPaths::default(), true, &opts);
    let after = fresh.files();
    let mut applied: BTreeMap<String, Arc<str>> = before.into_iter().collect();
    for p in &changes.remove {
        assert!(applied.remove(p).is_some(), "{p}");
    }
    applied.extend(changes.write.iter().cloned());
    let after_map: BTreeMap<String, Arc<str>> = after.iter().cloned().collect();
    assert_eq!(applied, after_map, "an update equals a fresh build");
    assert!(
        changes.write.len() < 12,
        "{} files written",
        changes.write.len()
    );
    assert_eq!(index.files(), after);
    assert_eq!(
        lookup(&after, "zyzzyva"),
        [(150, lookup(&after, "zyzzyva")[0].1)]
    );
    // Later updates reuse the unchanged shards and still equal a fresh
    // build: another page, then the first edit undone.
    let mut applied: BTreeMap<String, Arc<str>> = after.into_iter().collect();
    let mut second = edited.clone();
    second[20].text = "entirely new words here: quixotic zebra".into();
    for next in [second.clone(), docs.clone()] {
        let changes = index.update(next.clone()).expect("same documents");
        for p in &changes.remove {
            assert!(applied.remove(p).is_some(), "{p}");
        }
        applied.extend(changes.write.iter().cloned());
        let mut fresh = Index::build(&next, &ClientPaths::default(), true, &opts);
        let fresh = fresh.files();
        let fresh: BTreeMap<String, Arc<str>> = fresh.into_iter().collect();
        assert_eq!(applied, fresh, "a later update equals a fresh build");
    }
    // Adding a document needs a new build.
    let mut more = edited;
    more.push(doc(999, 3));
    assert!(index.update(more).is_none());
}

#[test]
fn impacts_weigh_fields() {
    let len = [2, 10, 10, 1, 400];
    assert!(impact(&[1, 0, 0, 0, 0], &len) > impact(&[0, 1, 0, 0, 0], &len));
    assert!(impact(&[0, 1, 0, 0, 0], &len) > impact(&[0, 0, 0, 0, 6], &len));
    assert!(impact(&[0, 0, 0, 0, 2], &len) > impact(&[0, 0, 0, 0, 1], &len));
}

#[test]
fn postings_patched_in_place_equal_postings_encoded_again() {
    // Documents 0..60 in steps, each with an impact; then documents set,
    // changed and removed at the start, middle and end, and next to each
    // other, compared with encoding the changed list whole.
    let encode = |p: &[(u32, u16)]| {
        let mut s = String::new();
        let mut prev: i64 = -1;
        for &(d, imp) in p {
            encode::push_number(&mut s, (i64::from(d) - prev - 1) as u32);
            encode::push_number(&mut s, u32::from(imp));
            prev = i64::from(d);
        }
        s
    };
    let mut list: Vec<(u32, u16)> = (0..60)
        .step_by(3)
        .map(|d| (d, (d * 37 % 4000) as u16 + 1))
        .collect();
    let mut enc = encode(&list);
    let edits: [(u32, Option<u16>); 14] = [
        (0, None),
        (0, Some(7)),
        (1, Some(4095)),
        (2, Some(40)),
        (30, Some(1)),
        (30, None),
        (31, None),
        (57, None),
        (100_000, Some(12)),
        (54, None),
        (1, None),
        (3, Some(33)),
        (4, Some(1)),
        (100_000, None),
    ];
    for (doc, imp) in edits {
        patch_postings(&mut enc, doc, imp);
        list.retain(|p| p.0 != doc);
        if let Some(imp) = imp {
            let at = list.partition_point(|p| p.0 < doc);
            list.insert(at, (doc, imp));
        }
        assert_eq!(enc, encode(&list), "after setting {doc} to {imp:?}");
        assert_eq!(decode_postings(&enc), list);
    }
    // Removing every posting leaves nothing.
    for (doc, _) in list.clone() {
        patch_postings(&mut enc, doc, None);
    }
    assert!(enc.is_empty());
}

#[test]
fn an_index_made_group_by_group_equals_one_made_in_parallel_and_follows_edits() {
    let docs: Vec<Document> = (0..100).map(|i| doc(i, 30 + i * 5)).collect();
    let opts = Options {
        post_bytes: 2048,
        vocab_bytes: 512,
        group: 16,
        text_bytes: 2048,
    };
    let b = Builder::new(&opts);
    let prepared = docs
        .chunks(b.group_size())
        .map(|g| b.prepare_group(g))
        .collect();
    let mut one_by_one = b.finish(prepared, &ClientPaths::default(), false);
    let mut parallel = Index::build(&docs, &ClientPaths::default(), false, &opts);
    let files = one_by_one.files();
    assert_eq!(files, parallel.files());
    assert_eq!(one_by_one.stats(&files), parallel.stats(&files));
    // Edits (a word added, a term gone from every document but one, a
    // document emptied) patch the encoding and equal a fresh build.
    one_by_one.keep_documents(docs.clone());
    let mut edited = docs.clone();
    edited[42].text.push_str(" zyzzyva");
    edited[7].text = String::new();
    edited[99].text = "word0 word1".into();
    one_by_one.update(edited.clone()).expect("same documents");
    let mut fresh = Index::build(&edited, &ClientPaths::default(), false, &opts);
    assert_eq!(one_by_one.files(), fresh.files());
}

#[test]
fn words_beyond_ascii_are_indexed_in_lower_case() {
    // A build once panicked on the first word outside ASCII.
    let mut docs: Vec<Document> = (0..20).map(|i| doc(i, 10)).collect();
    docs[3].title = "Café in Zürich".into();
    docs[7].text.push_str(" Straße ΟΔΥΣΣΕΥΣ naïve");
    docs[9].tags = vec!["Ærø".into()];
    docs[11].title = "İstanbul’da bir gün".into();
    docs[11].text.push_str(" ＪＲ山手線 𠮷野家");
    let opts = Options::default();
    let mut index = Index::build(&docs, &ClientPaths::default(), false, &opts);
    let files = index.files();
    let found = |term: &str| docs_with(&files, term);
    assert_eq!(found("café"), [3]);
    assert_eq!(found("zürich"), [3]);
    assert_eq!(found("straße"), [7]);
    assert_eq!(
        found("οδυσσευς"),
        [7],
        "a final sigma lowers as at a word's end"
    );
    assert_eq!(found("naïve"), [7]);
    assert_eq!(found("ærø"), [9]);
    assert_eq!(
        found("istanbul"),
        [11],
        "`İ` lowers to `i` and a combining dot, which is dropped"
    );
    assert!(found("stanbul").is_empty() && found("i̇stanbul").is_empty());
    assert_eq!(found("ｊｒ山手線"), [11]);
    assert_eq!(found("𠮷野家"), [11]);
    // Terms are in code point order (the client's `compare`): a term
    // beyond U+FFFF after a fullwidth one, which JavaScript's `<` puts the
    // other way round.
    let at = |t: &str| index.terms.iter().position(|x| &**x == t).unwrap();
    assert!(at("ｊｒ山手線") < at("𠮷野家"));
    assert!(index.terms.windows(2).all(|w| w[0] < w[1]));
    // A build counts terms by id, an update by term (`impacts`): after an
    // edit with more such words, both give the same files.
    let mut edited = docs.clone();
    edited[5].text.push_str(" Ünïcödé");
    edited[13].text.push_str(" İZMİR 𠀀𠀁 ｚｚ");
    index.keep_documents(docs);
    index.update(edited.clone()).expect("same documents");
    let fresh = Index::build(&edited, &ClientPaths::default(), false, &opts).files();
    assert_eq!(index.files(), fresh);
    assert_eq!(docs_with(&fresh, "ünïcödé"), [5]);
    assert_eq!(docs_with(&fresh, "izmir"), [13]);
}

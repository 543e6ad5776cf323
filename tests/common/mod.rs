//! Helpers shared by the integration tests: copy a fixture site into a
//! temporary folder ([`TestSite`]), run the real `waymark` binary on it,
//! read the output.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

mod index_reader;
mod test_site;
#[allow(unused_imports)] // not every test file uses it
pub use index_reader::{Reader, doc, paths, query};
#[allow(unused_imports)] // not every test file uses it
pub use test_site::TestSite;

/// The older name of [`TestSite`], kept so tests written against it (with
/// `Fixture::new`, `path` and `build_ok`) read as before.
pub type Fixture = TestSite;

pub fn waymark(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_waymark"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run waymark")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn copy_dir(src: &Path, dst: &Path) {
    for entry in walkdir::WalkDir::new(src) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(src).unwrap();
        let to = dst.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::copy(entry.path(), &to).unwrap();
        }
    }
}

/// Every file under `dir`: relative path -> bytes (without the
/// `.waymark-output` marker, which only a build on disk has).
pub fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.file_name() != ".waymark-output")
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

pub fn read(dir: &Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The values of `href`, `src` and `action` attributes in `html`.
pub fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in [" href=\"", " src=\"", " action=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            if let Some(end) = rest.find('"') {
                out.push(rest[..end].to_string());
                rest = &rest[end..];
            }
        }
    }
    out
}

/// The `id` attributes in `html`.
pub fn ids(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(" id=\"") {
        rest = &rest[i + 5..];
        if let Some(end) = rest.find('"') {
            out.push(rest[..end].to_string());
        }
    }
    out
}

/// Resolves a relative link from the HTML file `from` (path relative to the
/// site folder) the way a browser does, and maps it to the file a server
/// gives (`dir/` -> `dir/index.html` when `server_index` is true).
/// Returns (file, fragment), or None for links that leave the site.
pub fn resolve(from: &str, link: &str, server_index: bool) -> Option<(String, Option<String>)> {
    if link.contains("://")
        || link.starts_with("mailto:")
        || link.starts_with("//")
        || link.starts_with("data:")
    {
        return None;
    }
    let (path, frag) = match link.split_once('#') {
        Some((p, f)) => (p, Some(f.to_string())),
        None => (link, None),
    };
    let path = path.split('?').next().unwrap_or("");
    let mut segs: Vec<&str> = from.split('/').collect();
    segs.pop(); // the file name
    if path.starts_with('/') {
        panic!("{from}: link `{link}` is root-absolute; it would break under a sub-path");
    }
    if path.is_empty() {
        return Some((from.to_string(), frag));
    }
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                assert!(
                    segs.pop().is_some(),
                    "{from}: link `{link}` climbs above the site root"
                );
            }
            p => segs.push(p),
        }
    }
    let mut file = segs.join("/");
    if path.ends_with('/')
        || path == "."
        || path.ends_with("/.")
        || path == ".."
        || path.ends_with("..")
    {
        assert!(
            server_index,
            "{from}: link `{link}` needs a server to find index.html"
        );
        file = if file.is_empty() {
            "index.html".into()
        } else {
            format!("{file}/index.html")
        };
    }
    Some((file, frag))
}

/// Asserts every internal link and anchor of every HTML file in `dir` resolves.
pub fn assert_links_resolve(dir: &Path, server_index: bool) -> usize {
    let tree = read_tree(dir);
    let mut checked = 0;
    for (name, bytes) in tree
        .iter()
        .filter(|(n, _)| n.ends_with(".html") && n.as_str() != "404.html")
    {
        let html = String::from_utf8_lossy(bytes);
        for link in links(&html) {
            let Some((file, frag)) = resolve(name, &link, server_index) else {
                continue;
            };
            let target = tree
                .get(&file)
                .unwrap_or_else(|| panic!("{name}: link `{link}` -> missing `{file}`"));
            if let Some(f) = frag.filter(|f| !f.is_empty()) {
                let t = String::from_utf8_lossy(target);
                assert!(
                    ids(&t).contains(&f),
                    "{name}: link `{link}`: `{file}` has no id `{f}`"
                );
            }
            checked += 1;
        }
    }
    checked
}

/// A clean `build` of `root` with `opts`, as bytes by path: what `serve`
/// is held to.
pub fn clean_build(root: &Path, opts: &waymark::site::BuildOptions) -> BTreeMap<String, Vec<u8>> {
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("public");
    let site = waymark::site::Site::load(root, opts).expect("clean build loads");
    site.write(&target).expect("clean build writes");
    read_tree(&target)
}

/// The bytes `serve` holds, by path.
pub fn served_bytes(files: &waymark::serve::Files) -> BTreeMap<String, Vec<u8>> {
    files
        .iter()
        .map(|(k, v)| (k.clone(), v.read().expect("read").to_vec()))
        .collect()
}

/// The same paths with the same bytes; `step` names the moment in messages.
pub fn assert_same_files(
    served: &BTreeMap<String, Vec<u8>>,
    clean: &BTreeMap<String, Vec<u8>>,
    step: &str,
) {
    let served_keys: Vec<&String> = served.keys().collect();
    let clean_keys: Vec<&String> = clean.keys().collect();
    assert_eq!(
        served_keys, clean_keys,
        "{step}: serve and build: same files"
    );
    for (k, v) in clean {
        assert!(
            served[k] == *v,
            "{step}: {k} differs from a clean build:\n--- served\n{}\n--- clean\n{}",
            String::from_utf8_lossy(&served[k]),
            String::from_utf8_lossy(v)
        );
    }
}

/// Every file `serve` holds equals a clean build of `root` with `opts`.
pub fn assert_serves_clean_build(
    files: &waymark::serve::Files,
    root: &Path,
    opts: &waymark::site::BuildOptions,
) {
    assert_same_files(&served_bytes(files), &clean_build(root, opts), "now");
}

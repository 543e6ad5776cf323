//! Images, social cards, head metadata and the favicon, on a small site
//! that uses the default theme.

mod common;

use std::path::Path;

use common::*;

/// A site on the repository's default theme with a bundle page holding a
/// wide photo, a page showing a small static image, and a dated article.
fn site() -> TestSite {
    let f = TestSite::empty().with_default_theme();
    f.write(
        "site.yaml",
        "title: Media Site\nbase_url: https://example.org/sub/\ndescription: Images and cards.\nauthor: Ada Author\ncontact: { email: hi@example.org }\nsearch: false\ntaxonomies: [tags]\n",
    );
    f.write(
        "content/assessments/quiz.yaml",
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/basic/content/assessments/quiz.yaml"),
        )
        .unwrap()
        .replace("@/guides/alpha.md#when-to-use", "@/guides/plain.md")
        .replace("@/guides/beta.md", "@/guides/own.md"),
    );
    f.write("content/_index.md", "---\ntitle: Home\n---\nWelcome.\n");
    f.write(
        "content/guides/_index.md",
        "---\ntitle: Guides\ndescription: How to do things.\n---\n",
    );
    f.write(
        "content/guides/photo/index.md",
        "---\ntitle: A photo essay\ndate: 2026-03-01\nupdated: 2026-04-02\ndescription: Pictures </script> & words\ntags: [photos]\n---\nFirst ![A wide photo](wide.jpg)\n\nThen ![A small icon](/img/small.png)\n\nAnd <img src=\"wide.jpg\" alt=\"again\">\n",
    );
    f.write(
        "content/guides/plain.md",
        "---\ntitle: Plain page\n---\nNo pictures here.\n",
    );
    f.write(
        "content/guides/own.md",
        "---\ntitle: My own card\nsocial_card: true\n---\nText.\n",
    );
    f.write(
        "content/guides/cover.md",
        "---\ntitle: With a cover\nimage: /img/small.png\n---\nText.\n",
    );
    write_image(&f.path("content/guides/photo/wide.jpg"), 2000, 1000);
    write_image(&f.path("static/img/small.png"), 120, 60);
    f
}

/// A deterministic gradient, saved in the format of the file's extension.
fn write_image(path: &Path, w: u32, h: u32) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([
            (x * 255 / w) as u8,
            (y * 255 / h) as u8,
            ((x + y) % 256) as u8,
        ])
    });
    img.save(path).unwrap();
}

fn html(out: &Path, rel: &str) -> String {
    std::fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn verbose_build(f: &Fixture) -> String {
    let out = f.path("public");
    let o = f.run(&["build", "--verbose", "--output", out.to_str().unwrap()]);
    assert!(o.status.success(), "build failed:\n{}", stderr(&o));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn img_tags(page: &str) -> Vec<&str> {
    page.match_indices("<img ")
        .map(|(i, _)| &page[i..i + page[i..].find('>').unwrap() + 1])
        .collect()
}

#[test]
fn a_missing_image_is_an_error_at_its_line_and_column() {
    let f = site();
    f.write(
        "content/guides/plain.md",
        "---\ntitle: Plain page\n---\nIntro.\n\nSee ![the map](map.png) here.\n",
    );
    let o = f.run(&["build"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("plain.md:6:5"), "{err}");
    assert!(err.contains("image `map.png` does not exist"), "{err}");
    assert!(err.contains("static/") && err.contains("bundle"), "{err}");
    assert!(!f.path("public").exists(), "a failed build writes nothing");
}

#[test]
fn images_get_their_size_lazy_loading_and_srcset() {
    let f = site();
    let out = f.build_ok(&[]);
    let page = html(&out, "guides/photo/index.html");
    let imgs = img_tags(&page);
    assert_eq!(imgs.len(), 3, "{imgs:?}");
    // The first image of the page is likely on the first screen.
    assert!(
        imgs[0].contains(r#"width="2000" height="1000""#),
        "{}",
        imgs[0]
    );
    assert!(!imgs[0].contains("loading="), "{}", imgs[0]);
    assert!(
        imgs[0].contains(r#"srcset="wide.720w.jpg 720w, wide.1440w.jpg 1440w, wide.jpg 2000w""#),
        "{}",
        imgs[0]
    );
    assert!(imgs[0].contains(r#"sizes=""#));
    // Small images get no variants; later images load lazily.
    assert!(
        imgs[1].contains(r#"width="120" height="60""#),
        "{}",
        imgs[1]
    );
    assert!(imgs[1].contains(r#"loading="lazy""#) && !imgs[1].contains("srcset"));
    assert!(imgs[2].contains(r#"loading="lazy""#) && imgs[2].contains("srcset="));
    for (file, w, h) in [("wide.720w.jpg", 720, 360), ("wide.1440w.jpg", 1440, 720)] {
        let dims = image::image_dimensions(out.join("guides/photo").join(file)).unwrap();
        assert_eq!(dims, (w, h), "{file}");
    }
}

#[test]
fn a_second_build_reuses_every_variant_and_card() {
    let f = site();
    let first = verbose_build(&f);
    assert!(first.contains("2 variants encoded"), "{first}");
    let drawn = |s: &str| {
        let l = s.lines().find(|l| l.contains("social cards:")).unwrap();
        l.trim().rsplit(", ").next().unwrap().to_string()
    };
    assert_ne!(drawn(&first), "0 drawn", "{first}");
    let cache = f.path(".waymark-cache");
    let stamps = |d: &Path| {
        read_tree(d)
            .into_keys()
            .map(|k| {
                let m = std::fs::metadata(d.join(&k)).unwrap().modified().unwrap();
                (k, m)
            })
            .collect::<Vec<_>>()
    };
    let before = stamps(&cache);
    assert!(before.len() >= 4, "{before:?}");
    let public = read_tree(&f.path("public"));
    let second = verbose_build(&f);
    assert!(second.contains("0 variants encoded"), "{second}");
    assert_eq!(drawn(&second), "0 drawn", "{second}");
    assert_eq!(stamps(&cache), before, "no cache file was written again");
    assert!(
        public == read_tree(&f.path("public")),
        "same output from the cache"
    );
}

#[test]
fn cards_are_1200_by_630_and_the_same_bytes_from_a_cold_cache() {
    let (a, b) = (site(), site());
    let (out_a, out_b) = (a.build_ok(&[]), b.build_ok(&[]));
    let cards = read_tree(&out_a.join("social-cards"));
    for name in [
        "home.png",
        "guides.png",
        "guides/own.png",
        "assessments.png",
    ]
    .iter()
    .filter(|n| !n.starts_with("assessments"))
    {
        let bytes = cards
            .get(*name)
            .unwrap_or_else(|| panic!("no {name}: {:?}", cards.keys()));
        let img = image::load_from_memory(bytes).unwrap();
        assert_eq!((img.width(), img.height()), (1200, 630), "{name}");
    }
    assert!(
        !cards.contains_key("guides/plain.png"),
        "plain pages use their section's card"
    );
    assert!(
        cards == read_tree(&out_b.join("social-cards")),
        "two cold builds draw identical cards"
    );
}

#[test]
fn every_page_has_og_image_icons_and_valid_json_ld() {
    let f = site();
    let out = f.build_ok(&[]);
    let pages: Vec<String> = read_tree(&out)
        .into_keys()
        .filter(|k| k.ends_with(".html") && k != "404.html")
        .collect();
    assert!(pages.len() >= 8, "{pages:?}");
    for rel in &pages {
        let page = html(&out, rel);
        assert!(
            page.contains(r#"<meta property="og:image" content="https://example.org/sub/"#),
            "{rel}"
        );
        assert!(
            page.contains(r#"<meta name="twitter:card" content="summary_large_image">"#),
            "{rel}"
        );
        assert!(
            page.contains(r#"<meta property="og:image:alt" content=""#),
            "{rel}"
        );
        assert!(page.contains(r#"<link rel="icon" href=""#), "{rel}");
        let types = json_ld_types(&page);
        if rel == "index.html" {
            assert_eq!(types, ["Organization"], "{rel}");
        } else {
            assert!(
                types.contains(&"BreadcrumbList".to_string()),
                "{rel}: {types:?}"
            );
        }
    }
    assert!(html(&out, "404.html").contains(r#"<link rel="icon""#));
    let plain = html(&out, "guides/plain/index.html");
    assert!(plain.contains(r#"content="https://example.org/sub/social-cards/guides.png""#));
    let own = html(&out, "guides/own/index.html");
    assert!(own.contains(r#"content="https://example.org/sub/social-cards/guides/own.png""#));
    let cover = html(&out, "guides/cover/index.html");
    assert!(
        cover.contains(
            r#"<meta property="og:image" content="https://example.org/sub/img/small.png">"#
        ),
        "{cover}"
    );
    assert!(cover.contains(r#"<meta property="og:image:width" content="120">"#));

    let photo = html(&out, "guides/photo/index.html");
    let doc = json_ld(&photo);
    let graph = doc["@graph"].as_array().unwrap();
    let article = graph.iter().find(|n| n["@type"] == "Article").unwrap();
    assert_eq!(article["headline"], "A photo essay");
    assert_eq!(article["description"], "Pictures </script> & words");
    assert_eq!(article["datePublished"], "2026-03-01");
    assert_eq!(article["dateModified"], "2026-04-02");
    assert_eq!(article["author"]["name"], "Ada Author");
    let crumbs = graph
        .iter()
        .find(|n| n["@type"] == "BreadcrumbList")
        .unwrap();
    let names: Vec<&str> = crumbs["itemListElement"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Home", "Guides", "A photo essay"]);
    assert_eq!(
        crumbs["itemListElement"][1]["item"],
        "https://example.org/sub/guides/"
    );
    let home = json_ld(&html(&out, "index.html"));
    assert_eq!(home["@graph"][0]["name"], "Media Site");
    assert_eq!(home["@graph"][0]["email"], "hi@example.org");
}

#[test]
fn favicon_ico_and_svg_are_written_unless_the_site_has_its_own() {
    let f = site();
    let out = f.build_ok(&[]);
    let ico = std::fs::read(out.join("favicon.ico")).unwrap();
    assert_eq!(&ico[..4], &[0, 0, 1, 0], "an ICO file");
    assert_eq!(&ico[22..26], b"\x89PNG");
    let svg = std::fs::read_to_string(out.join("favicon.svg")).unwrap();
    assert!(
        svg.starts_with("<svg") && !svg.contains("<text"),
        "text drawn as paths: {svg}"
    );
    std::fs::write(f.path("static/favicon.ico"), b"mine").unwrap();
    let out = f.build_ok(&[]);
    assert_eq!(std::fs::read(out.join("favicon.ico")).unwrap(), b"mine");
}

fn json_ld(page: &str) -> serde_json::Value {
    let start = page
        .find(r#"<script type="application/ld+json">"#)
        .expect("a JSON-LD script")
        + r#"<script type="application/ld+json">"#.len();
    let end = start + page[start..].find("</script>").unwrap();
    serde_json::from_str(&page[start..end]).expect("valid JSON")
}

fn json_ld_types(page: &str) -> Vec<String> {
    json_ld(page)["@graph"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["@type"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn brand_colour_and_logo_reach_cards_favicon_and_json_ld() {
    let f = site();
    let out = f.build_ok(&[]);
    let read = |rel: &str| std::fs::read(f.path("public").join(rel)).unwrap();
    let (plain_card, plain_icon) = (read("social-cards/home.png"), read("favicon.ico"));
    assert!(
        json_ld(&html(&out, "index.html"))["@graph"][0]
            .get("logo")
            .is_none()
    );
    f.write(
        "static/images/logo.svg",
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64"><rect width="64" height="64" fill="#b00020"/></svg>"##,
    );
    let yaml = std::fs::read_to_string(f.path("site.yaml")).unwrap();
    f.write(
        "site.yaml",
        &format!("{yaml}brand:\n  logo: /images/logo.svg\n  accent: \"#b00020\"\n  accent_dark: \"#ff8a80\"\n"),
    );
    let out = f.build_ok(&[]);
    let card = read("social-cards/home.png");
    assert_ne!(card, plain_card, "the card changes with the brand");
    assert_ne!(
        read("favicon.ico"),
        plain_icon,
        "the favicon takes the accent"
    );
    // The logo is drawn at the bottom left of the card.
    let img = image::load_from_memory(&card).unwrap().to_rgb8();
    assert_eq!(img.get_pixel(108, 576).0, [0xb0, 0x00, 0x20]);
    // The accent bar along the top.
    assert_eq!(img.get_pixel(600, 4).0, [0xb0, 0x00, 0x20]);
    let org = &json_ld(&html(&out, "index.html"))["@graph"][0];
    assert_eq!(org["logo"], "https://example.org/sub/images/logo.svg");
}

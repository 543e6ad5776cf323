//! The built-in default theme as a new author meets it: `init` sites that
//! add their own `playbooks/`, branding in site.yaml, shortcodes, overrides,
//! `waymark new`, and the hints of broken links.

mod common;

use std::path::Path;

use common::{TestSite, read, stderr, waymark};

fn all_html(dir: &Path) -> String {
    common::read_tree(dir)
        .into_iter()
        .filter(|(k, _)| k.ends_with(".html"))
        .map(|(k, v)| format!("== {k}\n{}", String::from_utf8_lossy(&v)))
        .collect()
}

/// The advisory site's words that no other site wrote.
const DEMO: [&str; 10] = [
    "Go NOW!",
    "Predictable Planning",
    "Discovery Planning",
    "Resilient Strategy",
    "which-playbook",
    "case-studies",
    "Case studies",
    "four playbooks",
    "Compare the four",
    "Playbook:",
];

#[test]
fn an_init_site_with_its_own_playbooks_shows_only_what_it_wrote() {
    let s = TestSite::init();
    assert!(!s.root().join("themes").exists(), "init writes no theme");
    s.write(
        "content/playbooks/_index.md",
        "---\ntitle: Our playbooks\ndescription: How we run projects.\n---\n\nThe ways we work.\n",
    );
    s.write(
        "content/playbooks/go-now.md",
        "---\ntitle: Move fast\ndescription: When speed matters.\nplaybooks: [go-now]\n---\n\nSome text.\n",
    );
    s.edit(
        "site.yaml",
        "taxonomies: [tags]",
        "taxonomies: [tags, { name: playbooks, path: /by-playbook/ }]",
    );
    let out = s.build();
    let html = all_html(&out);
    for word in DEMO {
        assert!(
            !html.contains(word),
            "the site shows `{word}` it never wrote"
        );
    }
    assert!(read(&out, "playbooks/index.html").contains("Move fast"));
    let term = read(&out, "by-playbook/go-now/index.html");
    assert!(term.contains("go now"), "{term}");
    // The only findings may be the starter's placeholder contact details,
    // which every new site is told to replace; nothing from the theme.
    let o = s.run(&["check", "--format", "json"]);
    assert!(o.status.success(), "check:\n{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["errors"], 0, "{report}");
    for d in report["diagnostics"].as_array().unwrap() {
        assert_eq!(d["kind"], "placeholder-contact", "{d}");
        assert_eq!(d["file"], "site.yaml", "{d}");
    }
}

#[test]
fn a_playbooks_taxonomy_without_a_playbooks_section_builds() {
    let s = TestSite::init();
    s.edit(
        "site.yaml",
        "taxonomies: [tags]",
        "taxonomies: [tags, playbooks]",
    );
    s.edit(
        "content/guides/first-guide.md",
        "tags: [getting-started]",
        "tags: [getting-started]\nplaybooks: [go-now]",
    );
    let out = s.build();
    let html = all_html(&out);
    for word in DEMO {
        assert!(
            !html.contains(word),
            "the site shows `{word}` it never wrote"
        );
    }
    assert!(read(&out, "playbooks/index.html").contains("<h1 class=\"page-title\">Playbooks</h1>"));
    assert!(s.run(&["check"]).status.success());
}

#[test]
fn data_drives_the_matrix_terms_and_home() {
    let s = TestSite::init();
    s.write(
        "content/ways/_index.md",
        "---\ntitle: Ways\nextra:\n  page_kicker: Way\n  featured_assessment: quick-check\n  matrix:\n    title: Two by two\n    x: { title: Speed, start: Slow, end: Quick }\n    y: { title: Certainty, start: Low, end: High }\n---\n",
    );
    s.write(
        "content/ways/alpha.md",
        "---\ntitle: Alpha Way\ndescription: A.\nways: [alpha]\nextra:\n  quadrant: top-left\n  quadrant_note: Do it now\n  related: { taxonomy: ways, term: alpha, title: Stories }\n---\n\nText.\n",
    );
    s.edit(
        "site.yaml",
        "taxonomies: [tags]",
        "taxonomies:\n  - tags\n  - { name: ways, path: /stories/, title: Stories by way, label: Way, term_pages: \"@/ways/_index.md\", cards: true }",
    );
    s.edit(
        "content/_index.md",
        "description: A new site built with Waymark, ready for your own introduction.",
        "description: A new site.\nextra:\n  tagline: Find your way\n  featured_assessment: quick-check\n  hero_section: ways/_index.md",
    );
    let out = s.build();
    let home = read(&out, "index.html");
    assert!(home.contains("<h1 id=\"hero-title\" class=\"hero__title\">Find your way</h1>"));
    assert!(
        home.contains("class=\"button\" href=\"assessments/quick-check/\""),
        "{home}"
    );
    assert!(home.contains("<title id=\"home-map-title\">Two by two</title>"));
    assert!(home.contains("quadrant--top-left"));
    let section = read(&out, "ways/index.html");
    assert!(
        section.contains("Do it now") && section.contains("High · Slow"),
        "{section}"
    );
    assert!(section.contains("Not sure where you stand?"));
    let page = read(&out, "ways/alpha/index.html");
    assert!(page.contains("<p class=\"kicker\">Way</p>"));
    assert!(page.contains("aria-current=\"page\"") && page.contains("Stories"));
    let term = read(&out, "stories/alpha/index.html");
    assert!(
        term.contains("Alpha Way") && term.contains("Stories by way"),
        "{term}"
    );
    assert!(s.run(&["check"]).status.success());
}

#[test]
fn branding_from_site_yaml() {
    let s = TestSite::init();
    s.write(
        "static/images/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    s.write("static/fonts/brand.woff2", "wOF2");
    s.write("static/css/brand.css", "body { letter-spacing: 0.01em; }");
    s.edit(
        "site.yaml",
        "search: true",
        "search: true\nbrand:\n  logo: /images/logo.svg\n  accent: \"#8a1538\"\n  accent_dark: \"#ff9fb8\"\n  font: /fonts/brand.woff2\nextra_css: [/css/brand.css]\nprofile:\n  name: Ada Example\n  role: Advisor\n  bio: Helps teams decide.",
    );
    let out = s.build();
    let home = read(&out, "index.html");
    assert!(
        home.contains("class=\"site-title__logo\" src=\"images/logo.svg\""),
        "{home}"
    );
    assert!(home.contains("<link rel=\"preload\" href=\"fonts/brand.woff2\" as=\"font\" type=\"font/woff2\" crossorigin>"));
    assert!(home.contains("Ada Example") && home.contains("Helps teams decide."));
    assert!(!read(&out, "guides/first-guide/index.html").contains("Ada Example"));
    let css: Vec<String> = common::read_tree(&out.join("css"))
        .into_iter()
        .filter(|(k, _)| k.starts_with("brand.") || k.starts_with("waymark-brand."))
        .map(|(_, v)| String::from_utf8(v).unwrap())
        .collect();
    let generated = css
        .iter()
        .find(|c| c.contains("--accent:#8a1538"))
        .expect("brand css");
    assert!(generated.contains("--accent:#ff9fb8"));
    assert!(
        generated.contains("url(\"../fonts/brand.woff2\")")
            && generated.contains("font-display:swap")
    );
    assert!(
        css.iter().any(|c| c.contains("letter-spacing")),
        "extra_css copied"
    );
    let site_css = home.find("href=\"css/site.").unwrap();
    let generated_at = home.find("href=\"css/waymark-brand.").unwrap();
    let extra = home.find("href=\"css/brand.").expect("extra_css is linked");
    assert!(
        site_css < generated_at && generated_at < extra,
        "theme, then brand colours, then extra CSS"
    );
    // A site template adds to <head> through `head_extra`.
    s.write(
        "templates/index.html",
        "{% extends \"base.html\" %}{% block head_extra %}<meta name=\"x-test\" content=\"1\">{% endblock head_extra %}{% block main %}Hi{% endblock main %}",
    );
    let home = read(&s.build(), "index.html");
    let head = &home[..home.find("</head>").unwrap()];
    assert!(
        head.contains("<meta name=\"x-test\" content=\"1\">"),
        "{head}"
    );
}

#[test]
fn branding_mistakes_are_errors_at_site_yaml_lines() {
    let s = TestSite::init();
    s.edit(
        "site.yaml",
        "search: true",
        "search: true\nbrand:\n  logo: /images/missing.svg\n  accent: \"#ffdd00\"\n  font: /fonts/x.ttf\n  colour: red",
    );
    let err = s.build_err();
    assert!(err.contains("unknown key `colour`"), "{err}");
    s.edit("site.yaml", "  colour: red", "");
    let err = s.build_err();
    assert!(
        err.contains("site.yaml:24:9") && err.contains("no file `/images/missing.svg`"),
        "{err}"
    );
    assert!(
        err.contains("site.yaml:25:11") && err.contains("contrast of"),
        "{err}"
    );
    assert!(
        err.contains("accent_dark") || err.contains("darker"),
        "{err}"
    );
    assert!(
        err.contains("site.yaml:26:9") && err.contains("woff2"),
        "{err}"
    );
}

#[test]
fn a_site_file_replacing_a_theme_asset_is_reported() {
    let s = TestSite::init();
    s.write("static/css/site.css", "a { color: red; }");
    s.write("templates/partials/footer.html", "<footer>Mine</footer>");
    let o = s.run(&["build", "--verbose"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("templates/partials/footer.html replaces the theme's template"),
        "{out}"
    );
    assert!(
        out.contains("static/css/site.css replaces the theme's file"),
        "{out}"
    );
    assert!(s.page("index.html").contains("<footer>Mine</footer>"));
    let o = s.run(&["check"]);
    let all = format!("{}{}", String::from_utf8_lossy(&o.stdout), stderr(&o));
    assert!(
        all.contains("static/css/site.css") && all.contains("extra_css"),
        "{all}"
    );
}

#[test]
fn shortcodes_in_pages() {
    let s = TestSite::init();
    s.write("content/guides/map.png", "not really a png");
    s.write(
        "templates/shortcodes/quote.html",
        "<blockquote class=\"q\">{{ body | safe }}<p>{{ who }}</p></blockquote>",
    );
    s.write(
        "content/guides/sc.md",
        "---\ntitle: Shortcodes\ndescription: All of them.\n---\n\n{% in_brief() %}\n- First point\n{% end %}\n\n{% callout(kind=\"tip\") %}A *tip*.{% end %}\n\n{% quote(who=\"Ada\") %}Be brief.{% end %}\n\n`{{ figure(src=\"x\") }}`\n",
    );
    let out = s.build();
    let page = read(&out, "guides/sc/index.html");
    assert!(page.contains("<aside class=\"in-brief\">") && page.contains("<li>First point</li>"));
    assert!(
        page.contains("<aside class=\"callout callout--tip\">") && page.contains("<em>tip</em>")
    );
    assert!(
        page.contains("<blockquote class=\"q\"><p>Be brief.</p>\n<p>Ada</p></blockquote>"),
        "{page}"
    );
    assert!(page.contains("<code>{{ figure(src=\"x\") }}</code>"));

    // A figure without alt builds (alt="") and `check` warns, as for `![](x)`.
    s.write(
        "content/guides/fig.md",
        "---\ntitle: Fig\ndescription: A figure.\n---\n\n{{ figure(src=\"/images/x.svg\", caption=\"A caption\") }}\n",
    );
    s.write(
        "static/images/x.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    let out = s.build();
    assert!(read(&out, "guides/fig/index.html").contains("alt=\"\""));
    let o = s.run(&["check"]);
    let all = format!("{}{}", String::from_utf8_lossy(&o.stdout), stderr(&o));
    assert!(
        all.contains("image without alt text") && all.contains("fig.md:6:1"),
        "{all}"
    );

    s.write(
        "content/guides/bad.md",
        "---\ntitle: Bad\n---\n\nText.\n\n{{ quot(who=\"x\") }}\n\n{% quote() %}x{% end %}\n",
    );
    let err = s.build_err();
    assert!(
        err.contains("unknown shortcode `quot`") && err.contains("bad.md:7:1"),
        "{err}"
    );
    assert!(err.contains("did you mean `quote`?"), "{err}");
    assert!(
        err.contains("shortcode `quote` needs the argument `who`") && err.contains("bad.md:9:1"),
        "{err}"
    );
}

#[test]
fn new_pages_and_assessments() {
    let o = waymark(&["new", "--help"]);
    assert!(o.status.success() && String::from_utf8_lossy(&o.stdout).contains("--assessment"));
    let s = TestSite::init();
    let o = s.run(&["new", "guides/pricing-basics.md"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = s.source("content/guides/pricing-basics.md");
    assert!(
        text.contains("title: \"Pricing basics\"") && text.contains("date: 20"),
        "{text}"
    );
    let o = s.run(&["new", "guides/pricing-basics.md"]);
    assert_eq!(o.status.code(), Some(2), "refuses to overwrite");
    assert!(stderr(&o).contains("already exists"));
    let o = s.run(&["new", "--assessment", "team-fit"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = s.run(&["new", "--assessment", "team-fit"]);
    assert_eq!(o.status.code(), Some(2));
    let o = s.run(&["new", "notes/first-note"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = s.build();
    assert!(out.join("assessments/team-fit/index.html").is_file());
    assert!(out.join("guides/pricing-basics/index.html").is_file());
    assert!(read(&out, "notes/first-note/index.html").contains("First note"));
    let o = s.run(&["check"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn links_to_assessments_and_hints_from_the_site() {
    let s = TestSite::init();
    s.edit(
        "content/guides/first-guide.md",
        "## Front matter",
        "[Take it](@/assessments/quick-check.yaml).\n\n## Front matter",
    );
    let out = s.build();
    assert!(
        read(&out, "guides/first-guide/index.html")
            .contains("href=\"../../assessments/quick-check/\"")
    );
    s.edit(
        "content/guides/first-guide.md",
        "[Take it](@/assessments/quick-check.yaml).",
        "[Take it](@/guides/frist-guide.md) and [x](@/nowhere.md)",
    );
    let err = s.build_err();
    assert!(
        err.contains("did you mean `@/guides/first-guide.md`?"),
        "{err}"
    );
    assert!(
        err.contains("e.g. `@/guides/first-guide.md`") && !err.contains("playbooks"),
        "{err}"
    );
    // The caret sits under the URL: column of `@/`, not of `[`.
    let line = s
        .source("content/guides/first-guide.md")
        .lines()
        .position(|l| l.contains("frist"))
        .unwrap()
        + 1;
    assert!(err.contains(&format!("first-guide.md:{line}:11")), "{err}");
}

#[test]
fn init_says_how_to_preview_and_counts_read_as_english() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("s");
    let o = waymark(&["init", root.to_str().unwrap()]);
    let out = String::from_utf8_lossy(&o.stdout);
    let next = out.lines().find(|l| l.starts_with("Next: ")).unwrap();
    assert!(
        next.ends_with(&format!("serve --root {}", root.display())),
        "{next}"
    );
    let program = next
        .trim_start_matches("Next: ")
        .split(" serve")
        .next()
        .unwrap();
    assert!(
        program == "waymark" || Path::new(program).is_file(),
        "{next}"
    );
    let o = waymark(&["build", "--root", root.to_str().unwrap()]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains(", 1 assessment, "), "{out}");
}

#[test]
fn a_summary_card_and_a_term_note_come_from_page_data() {
    let s = TestSite::init();
    s.edit(
        "site.yaml",
        "taxonomies: [tags]",
        "taxonomies:\n  - tags\n  - { name: ways, label: Way, cards: true }",
    );
    s.write(
        "content/guides/offer.md",
        "---\ntitle: Offer\ndescription: O.\nextra:\n  summary:\n    action: true\n    items:\n      - { label: Length, value: One hour }\n---\n\nFirst paragraph.\n",
    );
    s.write(
        "content/guides/warning.md",
        "---\ntitle: Warning\ndescription: W.\nways: [alpha]\nextra:\n  term_note: The way it needed\n---\n\nText.\n",
    );
    s.write(
        "content/guides/user.md",
        "---\ntitle: User\ndescription: U.\nways: [alpha]\n---\n\nText.\n",
    );
    let out = s.build();
    let offer = read(&out, "guides/offer/index.html");
    let card = offer.find("summary-card").expect("no summary card");
    let text = offer.find("First paragraph.").unwrap();
    assert!(card < text, "the card comes before the text:\n{offer}");
    assert!(offer.contains("At a glance</h2>"), "{offer}");
    assert!(
        offer.contains("<dt>Length</dt>\n    <dd>One hour</dd>"),
        "{offer}"
    );
    assert!(
        offer[card..text].contains("href=\"https://example.org/book\">Get in touch</a>"),
        "{offer}"
    );
    assert!(!read(&out, "guides/user/index.html").contains("summary-card"));

    let term = read(&out, "ways/alpha/index.html");
    assert!(
        term.contains(
            "<span class=\"card__tag\">The way it needed: <span class=\"term\">alpha</span>"
        ),
        "{term}"
    );
    assert!(term.contains("<span class=\"card__tag\">Way: "), "{term}");
    let page = read(&out, "guides/warning/index.html");
    assert!(
        page.contains("<span class=\"chips-group__label\">The way it needed</span>"),
        "{page}"
    );
}

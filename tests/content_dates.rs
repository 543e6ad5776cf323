//! Front-matter dates are typed once, when a page loads: lists sort by the
//! moment a date names (not by its text), templates get the day as written,
//! feeds, sitemaps and JSON-LD get RFC 3339, and a bad date is an error at
//! its file:line:col.

mod common;

use common::TestSite;

/// A site with a `notes` section sorted by date and four notes: two plain
/// days, a date-time whose UTC instant falls on the next day, and none.
fn notes() -> TestSite {
    let site = TestSite::init();
    site.write(
        "content/notes/_index.md",
        "---\ntitle: Notes\ndescription: N.\nsort_by: date\n---\n",
    );
    for (slug, date) in [
        ("first", "date: 2026-03-01\n"),
        ("late-evening", "date: 2026-03-01T23:00:00-05:00\n"),
        ("second", "date: 2026-03-02\n"),
        ("undated", ""),
    ] {
        site.write(
            &format!("content/notes/{slug}.md"),
            &format!(
                "---\ntitle: Note {slug}\ndescription: D.\n{date}tags: [notes]\n---\n\nText.\n"
            ),
        );
    }
    site
}

/// The titles of `titles` in the order they first appear in `html`.
fn order<'a>(html: &str, titles: &[&'a str]) -> Vec<&'a str> {
    let mut found: Vec<(usize, &str)> = titles
        .iter()
        .map(|t| (html.find(t).unwrap_or_else(|| panic!("no {t}")), *t))
        .collect();
    found.sort();
    found.into_iter().map(|(_, t)| t).collect()
}

#[test]
fn lists_sort_by_the_moment_a_date_names() {
    let site = notes();
    site.build();
    // 23:00 at -05:00 on 1 March is 04:00 UTC on 2 March: newer than the
    // plain day 2 March (midnight UTC). Sorting the text would put it second.
    let newest_first = [
        "Note late-evening",
        "Note second",
        "Note first",
        "Note undated",
    ];
    let section = site.page("notes/index.html");
    assert_eq!(order(&section, &newest_first), newest_first, "{section}");
    let term = site.page("tags/notes/index.html");
    assert_eq!(order(&term, &newest_first), newest_first, "{term}");
}

#[test]
fn each_output_gets_the_form_it_needs() {
    let site = notes();
    site.build();
    // Templates: the day as written, not moved to UTC.
    let page = site.page("notes/late-evening/index.html");
    assert!(
        page.contains("<time class=\"dt-published\" datetime=\"2026-03-01\">1 March 2026</time>"),
        "{page}"
    );
    // JSON-LD, the feed and the sitemap: RFC 3339, the instant in UTC.
    assert!(
        page.contains("\"datePublished\":\"2026-03-02T04:00:00Z\""),
        "{page}"
    );
    let feed = site.page("feed.xml");
    assert!(
        feed.contains("<published>2026-03-02T04:00:00Z</published>"),
        "{feed}"
    );
    let sitemap = site.page("sitemap.xml");
    assert!(
        sitemap.contains("<lastmod>2026-03-02T04:00:00Z</lastmod>"),
        "{sitemap}"
    );
}

#[test]
fn a_bad_date_is_an_error_at_its_value() {
    let site = notes();
    site.edit("content/notes/second.md", "2026-03-02", "2026-02-30");
    site.edit(
        "content/notes/first.md",
        "date: 2026-03-01",
        "date: 2026-03-01\nupdated: soon",
    );
    let err = site.build_err();
    assert!(
        err.contains("content/notes/second.md:4:7")
            && err.contains("`date` is not a date: `2026-02-30`"),
        "{err}"
    );
    assert!(
        err.contains("content/notes/first.md:5:10") && err.contains("`updated` is not a date"),
        "{err}"
    );
    assert!(err.contains("write dates as YYYY-MM-DD"), "{err}");
}

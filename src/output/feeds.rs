//! Machine-read files: `sitemap.xml`, the Atom `feed.xml`, `robots.txt`,
//! and the redirect pages of `aliases`. These use absolute URLs, as the web
//! requires; everything else links relatively.

use std::fmt::Write;

/// One URL in the sitemap.
pub struct SitemapEntry {
    /// Absolute URL.
    pub permalink: String,
    /// `YYYY-MM-DD`, when known.
    pub lastmod: Option<String>,
}

/// One entry of the Atom feed.
pub struct FeedEntry {
    /// Title.
    pub title: String,
    /// Absolute URL.
    pub permalink: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// `YYYY-MM-DD`.
    pub updated: Option<String>,
    /// HTML summary, absolute links.
    pub summary: String,
}

/// Escapes text for XML (and HTML attributes), dropping the characters
/// XML 1.0 does not allow (control characters but tab and line breaks,
/// U+FFFE, U+FFFF), which would make a feed ill-formed.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            c if (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
                || matches!(c, '\u{fffe}' | '\u{ffff}') => {}
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// `sitemap.xml` listing every page, sorted by URL for stable output.
pub fn sitemap(mut entries: Vec<SitemapEntry>) -> String {
    entries.sort_by(|a, b| a.permalink.cmp(&b.permalink));
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for e in entries {
        let _ = write!(
            out,
            "  <url>\n    <loc>{}</loc>\n",
            xml_escape(&e.permalink)
        );
        if let Some(d) = e.lastmod {
            let _ = writeln!(out, "    <lastmod>{d}</lastmod>");
        }
        out.push_str("  </url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

/// Atom feed of the newest dated pages. `updated` is the newest date, never
/// the build time, so output stays byte-identical.
pub fn atom_feed(
    title: &str,
    base_url: &str,
    author: Option<&str>,
    mut entries: Vec<FeedEntry>,
) -> String {
    entries.sort_by(|a, b| {
        b.date
            .cmp(&a.date)
            .then_with(|| a.permalink.cmp(&b.permalink))
    });
    entries.truncate(20);
    let updated = entries
        .iter()
        .map(|e| e.updated.clone().unwrap_or_else(|| e.date.clone()))
        .max()
        .unwrap_or_else(|| "1970-01-01".into());
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n",
    );
    let _ = writeln!(out, "  <title>{}</title>", xml_escape(title));
    let _ = writeln!(out, "  <link href=\"{}\"/>", xml_escape(base_url));
    let _ = writeln!(
        out,
        "  <link rel=\"self\" href=\"{}feed.xml\"/>",
        xml_escape(base_url)
    );
    let _ = writeln!(out, "  <id>{}</id>", xml_escape(base_url));
    let _ = writeln!(out, "  <updated>{}</updated>", atom_time(&updated));
    if let Some(a) = author {
        let _ = writeln!(out, "  <author><name>{}</name></author>", xml_escape(a));
    }
    for e in entries {
        out.push_str("  <entry>\n");
        let _ = writeln!(out, "    <title>{}</title>", xml_escape(&e.title));
        let _ = writeln!(out, "    <link href=\"{}\"/>", xml_escape(&e.permalink));
        let _ = writeln!(out, "    <id>{}</id>", xml_escape(&e.permalink));
        let _ = writeln!(out, "    <published>{}</published>", atom_time(&e.date));
        let _ = writeln!(
            out,
            "    <updated>{}</updated>",
            atom_time(e.updated.as_deref().unwrap_or(&e.date))
        );
        let _ = writeln!(
            out,
            "    <summary type=\"html\">{}</summary>",
            xml_escape(&e.summary)
        );
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

fn atom_time(date: &str) -> String {
    if date.len() == 10 {
        format!("{date}T00:00:00Z")
    } else {
        date.to_string()
    }
}

/// `robots.txt` allowing everything and naming the sitemap.
pub fn robots_txt(base_url: &str) -> String {
    format!("User-agent: *\nAllow: /\n\nSitemap: {base_url}sitemap.xml\n")
}

/// A redirect page for an old URL: meta refresh, canonical, and a visible link.
pub fn alias_page(relative_target: &str, permalink: &str, language: &str) -> String {
    let t = xml_escape(relative_target);
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<title>Redirecting…</title>\n<link rel=\"canonical\" href=\"{p}\">\n<meta name=\"robots\" content=\"noindex\">\n<meta http-equiv=\"refresh\" content=\"0; url={t}\">\n</head>\n<body>\n<main><p>This page has moved to <a href=\"{t}\">{p}</a>.</p></main>\n</body>\n</html>\n",
        lang = xml_escape(language),
        p = xml_escape(permalink),
    )
}

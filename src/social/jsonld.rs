//! Structured data (schema.org JSON-LD) for search engines: `Article` on
//! dated pages, `BreadcrumbList` below the home page, `Organization` on the
//! home page. Written as one `@graph`, escaped so that no text can close
//! the `<script>` element it sits in.

use serde_json::{Value, json};

use crate::config::Config;

/// One step of a breadcrumb trail: its name and site path.
pub type Crumb = (String, String);

/// What a page tells about itself.
pub struct Article<'a> {
    /// Headline.
    pub title: &'a str,
    /// Description, if any.
    pub description: Option<&'a str>,
    /// `date`, as written (ISO 8601).
    pub date: &'a str,
    /// `updated`, else `date`.
    pub modified: &'a str,
    /// Site path of the page.
    pub path: &'a str,
    /// Absolute URL of its image.
    pub image: Option<&'a str>,
}

/// The `Organization` of the home page, from `site.yaml`.
pub fn organization(config: &Config, logo: Option<&str>) -> Value {
    let mut org = json!({
        "@type": "Organization",
        "name": config.title,
        "url": config.base_url(),
    });
    if let Some(d) = &config.description {
        org["description"] = json!(d);
    }
    if let Some(e) = &config.contact.email {
        org["email"] = json!(e);
    }
    if let Some(l) = logo {
        org["logo"] = json!(l);
    }
    org
}

/// A `BreadcrumbList` from the home page down to the page itself.
pub fn breadcrumbs(config: &Config, trail: &[Crumb]) -> Value {
    let items: Vec<Value> = trail
        .iter()
        .enumerate()
        .map(|(i, (name, path))| {
            json!({
                "@type": "ListItem",
                "position": i + 1,
                "name": name,
                "item": config.permalink(path),
            })
        })
        .collect();
    json!({ "@type": "BreadcrumbList", "itemListElement": items })
}

/// An `Article` for a dated page.
pub fn article(config: &Config, a: &Article) -> Value {
    let url = config.permalink(a.path);
    let author = config.author.as_deref().unwrap_or(&config.title);
    let author_type = if author == config.title {
        "Organization"
    } else {
        "Person"
    };
    let mut v = json!({
        "@type": "Article",
        "headline": a.title,
        "datePublished": a.date,
        "dateModified": a.modified,
        "author": { "@type": author_type, "name": author },
        "publisher": { "@type": "Organization", "name": config.title, "url": config.base_url() },
        "url": url,
        "mainEntityOfPage": url,
    });
    if let Some(d) = a.description {
        v["description"] = json!(d);
    }
    if let Some(i) = a.image {
        v["image"] = json!(i);
    }
    v
}

/// The `<script type="application/ld+json">` body for `nodes`, or None.
/// `<`, `>`, `&` and the JavaScript line separators are written as `\u`
/// escapes: still the same JSON, but `</script>` can never appear.
pub fn script(nodes: Vec<Value>) -> Option<String> {
    if nodes.is_empty() {
        return None;
    }
    let doc = json!({ "@context": "https://schema.org", "@graph": nodes });
    // One escaper for every JSON we put in a <script> (assessment data too).
    Some(crate::assessment::json_for_script(&doc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_text_cannot_close_the_element_and_stays_json() {
        let s = script(vec![
            json!({"@type": "Thing", "name": "</script><b>&\u{2028}"}),
        ])
        .unwrap();
        assert!(
            !s.contains('<') && !s.contains('>') && !s.contains('&'),
            "{s}"
        );
        let back: Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back["@graph"][0]["name"], "</script><b>&\u{2028}");
        assert_eq!(back["@context"], "https://schema.org");
        assert!(script(Vec::new()).is_none());
    }
}

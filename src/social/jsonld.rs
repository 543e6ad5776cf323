//! Structured data (schema.org JSON-LD) for search engines: `Article` on
//! dated pages, `BreadcrumbList` below the home page, `Organization` on the
//! home page. Written as one `@graph`, escaped so that no text can close
//! the `<script>` element it sits in.
//!
//! The nodes are typed and serialised directly (every page of a build has
//! them, and building `serde_json` maps first took twice as long); fields
//! are declared in name order, the order the JSON has always had.

use serde::Serialize;

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

/// One node of the graph.
#[derive(Serialize)]
#[serde(untagged)]
pub enum Node {
    /// The site's owner, on the home page.
    Organization(Organization),
    /// Where a page sits.
    Breadcrumbs(BreadcrumbList),
    /// A dated page.
    Article(Box<ArticleNode>),
}

/// schema.org `Organization`.
#[derive(Serialize)]
pub struct Organization {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    logo: Option<String>,
    name: String,
    url: String,
}

/// schema.org `BreadcrumbList`.
#[derive(Serialize)]
pub struct BreadcrumbList {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "itemListElement")]
    items: Vec<ListItem>,
}

#[derive(Serialize)]
struct ListItem {
    #[serde(rename = "@type")]
    kind: &'static str,
    item: String,
    name: String,
    position: usize,
}

/// schema.org `Article`.
#[derive(Serialize)]
pub struct ArticleNode {
    #[serde(rename = "@type")]
    kind: &'static str,
    author: Named,
    #[serde(rename = "dateModified")]
    date_modified: String,
    #[serde(rename = "datePublished")]
    date_published: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    headline: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<String>,
    #[serde(rename = "mainEntityOfPage")]
    main_entity_of_page: String,
    publisher: Organization,
    url: String,
}

/// An author: a `Person` or `Organization` by name.
#[derive(Serialize)]
struct Named {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: String,
}

/// The `Organization` of the home page, from `site.yaml`.
pub fn organization(config: &Config, logo: Option<&str>) -> Node {
    Node::Organization(Organization {
        kind: "Organization",
        description: config.description.clone(),
        email: config.contact.email.clone(),
        logo: logo.map(str::to_string),
        name: config.title.clone(),
        url: config.base_url().to_string(),
    })
}

/// A `BreadcrumbList` from the home page down to the page itself.
pub fn breadcrumbs(config: &Config, trail: &[Crumb]) -> Node {
    let items = trail
        .iter()
        .enumerate()
        .map(|(i, (name, path))| ListItem {
            kind: "ListItem",
            item: config.permalink(path),
            name: name.clone(),
            position: i + 1,
        })
        .collect();
    Node::Breadcrumbs(BreadcrumbList {
        kind: "BreadcrumbList",
        items,
    })
}

/// An `Article` for a dated page.
pub fn article(config: &Config, a: &Article) -> Node {
    let url = config.permalink(a.path);
    let author = config.author.as_deref().unwrap_or(&config.title);
    let author_type = if author == config.title {
        "Organization"
    } else {
        "Person"
    };
    Node::Article(Box::new(ArticleNode {
        kind: "Article",
        author: Named {
            kind: author_type,
            name: author.to_string(),
        },
        date_modified: a.modified.to_string(),
        date_published: a.date.to_string(),
        description: a.description.map(str::to_string),
        headline: a.title.to_string(),
        image: a.image.map(str::to_string),
        main_entity_of_page: url.clone(),
        publisher: Organization {
            kind: "Organization",
            description: None,
            email: None,
            logo: None,
            name: config.title.clone(),
            url: config.base_url().to_string(),
        },
        url,
    }))
}

/// The document: `@context`, then `@graph`.
#[derive(Serialize)]
struct Graph<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@graph")]
    graph: &'a [Node],
}

/// The `<script type="application/ld+json">` body for `nodes`, or None.
/// `<`, `>`, `&` and the JavaScript line separators are written as `\u`
/// escapes: still the same JSON, but `</script>` can never appear.
pub fn script(nodes: &[Node]) -> Option<String> {
    if nodes.is_empty() {
        return None;
    }
    let doc = Graph {
        context: "https://schema.org",
        graph: nodes,
    };
    // One escaper for every JSON we put in a <script> (assessment data too).
    Some(crate::assessment::json_for_script(&doc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn config() -> Config {
        let dir = tempfile::tempdir().unwrap();
        let yaml = "title: Site\nbase_url: https://x.org/\nauthor: Ann\n";
        std::fs::write(dir.path().join("site.yaml"), yaml).unwrap();
        Config::load(dir.path()).unwrap()
    }

    #[test]
    fn script_text_cannot_close_the_element_and_stays_json() {
        let trail = [
            ("Home".to_string(), "/".to_string()),
            ("</script><b>&\u{2028}".to_string(), "/a/".to_string()),
        ];
        let config = config();
        let s = script(&[breadcrumbs(&config, &trail)]).unwrap();
        assert!(
            !s.contains('<') && !s.contains('>') && !s.contains('&'),
            "{s}"
        );
        let back: Value = serde_json::from_str(&s).unwrap();
        let item = &back["@graph"][0]["itemListElement"][1];
        assert_eq!(item["name"], "</script><b>&\u{2028}");
        assert_eq!(item["position"], 2);
        assert_eq!(back["@context"], "https://schema.org");
        assert!(script(&[]).is_none());
    }

    #[test]
    fn keys_are_written_in_name_order() {
        let config = config();
        let a = Article {
            title: "T",
            description: Some("D"),
            date: "2026-01-02",
            modified: "2026-01-03",
            path: "/t/",
            image: Some("https://x/i.png"),
        };
        let s = script(&[
            organization(&config, Some("https://x/l.png")),
            article(&config, &a),
        ])
        .unwrap();
        // serde_json's maps are ordered by key: the JSON-LD before nodes were typed.
        let back: Value = serde_json::from_str(&s).unwrap();
        assert_eq!(
            s,
            back.to_string()
                .replace('<', "\\u003c")
                .replace('>', "\\u003e")
                .replace('&', "\\u0026")
        );
        assert_eq!(back["@graph"][1]["dateModified"], "2026-01-03");
        assert_eq!(back["@graph"][1]["image"], "https://x/i.png");
        assert_eq!(back["@graph"][0]["logo"], "https://x/l.png");
    }
}

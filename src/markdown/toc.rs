//! Flat headings -> a nested table of contents.

use serde::Serialize;

use super::Heading;

/// One heading with the headings nested under it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TocEntry {
    /// 1..6.
    pub level: u8,
    /// Anchor id.
    pub id: String,
    /// Plain text.
    pub title: String,
    /// Deeper headings until the next one of this level or higher.
    pub children: Vec<TocEntry>,
}

/// Nests headings by level; a jump of several levels nests one step only.
pub fn build(headings: &[Heading]) -> Vec<TocEntry> {
    let mut root: Vec<TocEntry> = Vec::new();
    for h in headings {
        let entry = TocEntry {
            level: h.level,
            id: h.id.clone(),
            title: h.title.clone(),
            children: Vec::new(),
        };
        insert(&mut root, entry);
    }
    root
}

fn insert(list: &mut Vec<TocEntry>, entry: TocEntry) {
    match list.last_mut() {
        Some(last) if last.level < entry.level => insert(&mut last.children, entry),
        _ => list.push(entry),
    }
}

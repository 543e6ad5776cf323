//! `serve`'s fast path for the most common save: the text of a page
//! changed and nothing else. The loaded site is changed in place (the
//! page's source, its Markdown output and its values) instead of being
//! loaded again, so the save costs what the page holds, not what the site
//! holds. Whatever could reach beyond the page sends the save down the
//! full path instead, which is always right (see [`Site::retext`]).

use std::path::PathBuf;
use std::sync::Arc;

use crate::content::Target;
use crate::markdown::Rendered;
use crate::render::{FieldMask, SiteValues};

use super::Site;

/// What [`Site::retext`] changed, to put back with [`Site::undo_retext`].
pub struct Retexted {
    /// Each page's source and Markdown output before.
    undo: Vec<(usize, Arc<str>, Arc<Rendered>)>,
    values: Arc<SiteValues>,
}

impl Site {
    /// The page of each of `files` (absolute paths of saved files), when
    /// every one is a page of this site, each once.
    pub fn pages_of(&self, files: &[PathBuf]) -> Option<Vec<usize>> {
        let content = self.root.join("content");
        let mut pages = Vec::new();
        for file in files {
            let rel = file
                .strip_prefix(&content)
                .ok()?
                .to_str()?
                .replace('\\', "/");
            let Some(&Target::Page(i)) = self.lib.by_rel.get(&rel) else {
                return None;
            };
            if !pages.contains(&i) {
                pages.push(i);
            }
        }
        Some(pages)
    }

    /// Reads pages `pages` again and applies their new text in place when
    /// the save changed only the text, with effects that stay on the page:
    /// - the front matter is the same byte for byte (so are the page's
    ///   path, place in lists, taxonomies and social values);
    /// - its Markdown has no problem, and has the same headings (anchors
    ///   other pages may link to) and embedded assessments, and no image
    ///   before or after (image variants are files of the site);
    /// - its card is the same in `mask`, the fields lists may show.
    ///
    /// Otherwise nothing is changed and None is returned: the full rebuild
    /// runs, and reports any problem as a build would.
    pub fn retext(&mut self, pages: &[usize], mask: FieldMask) -> Option<Retexted> {
        let mut edits = Vec::with_capacity(pages.len());
        for &i in pages {
            let page = &self.lib.pages[i];
            let path = self.root.join(&page.file);
            let source: Arc<str> = crate::content::read_text(&path, &page.file).ok()?.into();
            let start = page.body_start;
            if source.get(..start)? != &page.source[..start] {
                return None;
            }
            let summary = page.front.summary.as_ref();
            let rendered = crate::markdown::stage::render_alone(
                &source,
                start,
                summary,
                &self.shortcodes,
                &self.lib,
            )?;
            let old = &page.rendered;
            if rendered.anchors != old.anchors
                || rendered.assessments != old.assessments
                || rendered.has_images
                || old.has_images
            {
                return None;
            }
            edits.push((i, source, Arc::new(rendered)));
        }
        let mut done = Retexted {
            undo: Vec::with_capacity(edits.len()),
            values: self.renderer.shared_values(),
        };
        for (i, source, rendered) in edits {
            let doc = &mut self.lib.pages[i].doc;
            let old_source = std::mem::replace(&mut doc.source, source);
            let old_rendered = std::mem::replace(&mut doc.rendered, rendered.clone());
            done.undo.push((i, old_source, old_rendered));
            let links_hold =
                crate::markdown::stage::broken_anchors_in(&self.lib, &self.lib.pages[i]).is_empty();
            if !links_hold || !self.renderer.values_mut().retext_page(i, &rendered, mask) {
                self.undo_retext(done);
                return None;
            }
        }
        Some(done)
    }

    /// Puts back what [`Site::retext`] changed.
    pub fn undo_retext(&mut self, done: Retexted) {
        for (i, source, rendered) in done.undo.into_iter().rev() {
            let doc = &mut self.lib.pages[i].doc;
            doc.source = source;
            doc.rendered = rendered;
        }
        self.renderer.restore_values(done.values);
    }
}

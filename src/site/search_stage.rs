//! The search index of a loaded site: built whole for `build` and `check`
//! (documents tokenised while the pages render), or followed edit by edit
//! for `serve`. [`super::outputs::emit`] calls these; the index itself is
//! in [`crate::search`].

use std::sync::Arc;

use super::Site;
use crate::search;

impl Site {
    /// Makes and tokenises every search document (in parallel), when
    /// `search` is on, writing the index's text files with `put` at once.
    #[allow(clippy::type_complexity)]
    pub(super) fn search_prepare(
        &self,
        put: &(dyn Fn(&str, &str) -> std::io::Result<()> + Sync),
    ) -> Option<std::io::Result<(search::index::Builder, Vec<search::index::Prepared>)>> {
        self.search.as_ref()?;
        let sources = search::Sources::new(&self.config, &self.lib, &self.extras);
        let builder = search::index::Builder::new(&search::Options::default());
        let docs = builder.prepare_all(sources.len(), &|i| sources.document(i), put);
        Some(docs.map(|docs| (builder, docs)))
    }

    /// Merges the prepared documents into the index files, with the
    /// built-in client files, and their statistics (without the size of
    /// the HTML, which the caller knows once every page is written).
    pub(super) fn search_finish(
        &self,
        builder: search::index::Builder,
        docs: Vec<search::index::Prepared>,
    ) -> (Vec<search::index::File>, search::Stats) {
        let setup = self.search.as_ref().expect("prepared only with search on");
        let mut index = builder.finish(docs, &setup.paths, self.config.portable);
        let mut files = index.files();
        let stats = index.stats(&files);
        self.add_client_files(&mut files);
        (files, stats)
    }

    /// Adds the built-in search client files the theme lacks.
    fn add_client_files(&self, files: &mut Vec<search::index::File>) {
        if let Some(setup) = &self.search {
            let builtin = setup.builtin.iter();
            files.extend(builtin.map(|(path, body)| (path.clone(), Arc::from(*body))));
        }
    }

    /// For `serve`: the search files after an edit. With the index of the
    /// previous build (`kept`), only the files the changed documents touch
    /// (see [`search::Index::update`]); else, or when documents were added
    /// or removed, every file. Returns the index to keep for next time.
    pub(super) fn search_refresh(
        &self,
        html_bytes: usize,
        kept: Option<search::Index>,
    ) -> (Option<search::Index>, search::Refresh) {
        let mut refresh = search::Refresh::default();
        if self.search.is_none() {
            return (None, refresh);
        }
        if let Some(mut index) = kept {
            let sources = search::Sources::new(&self.config, &self.lib, &self.extras);
            if let Some(changes) = index.refresh(&sources) {
                index.set_html_bytes(html_bytes);
                refresh.write = changes.write;
                refresh.remove = changes.remove;
                self.add_client_files(&mut refresh.write);
                return (Some(index), refresh);
            }
        }
        if crate::diagnostics::tracing() {
            eprintln!("search: the whole index is built again");
        }
        let mut index = self.search_index(html_bytes).expect("search is on");
        refresh.everything = true;
        refresh.write = index.files();
        self.add_client_files(&mut refresh.write);
        (Some(index), refresh)
    }

    /// The search index of this site, kept with its documents so that
    /// [`search::Index::update`] can follow edits (for `serve`), when
    /// `search` is on. `html_bytes` is the size of all HTML written.
    fn search_index(&self, html_bytes: usize) -> Option<search::Index> {
        let setup = self.search.as_ref()?;
        let mut texts = search::text::TextCache::default();
        let docs =
            search::Sources::new(&self.config, &self.lib, &self.extras).all_cached(&mut texts);
        let mut index = search::Index::build(
            &docs,
            &setup.paths,
            self.config.portable,
            &search::Options::default(),
        );
        index.keep_documents(docs);
        index.texts = texts;
        index.set_html_bytes(html_bytes);
        Some(index)
    }
}

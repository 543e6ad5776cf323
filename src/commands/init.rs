//! `waymark init DIR`: writes the starter site and the default theme, both
//! embedded in the binary so an installed `waymark` needs no repository.

use std::path::Path;

use include_dir::{Dir, include_dir};

use super::{Failure, Output};
use crate::cli::InitArgs;

static STARTER: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/starter");
static THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// Creates the site.
pub fn run(args: &InitArgs, out: Output) -> Result<(), Failure> {
    let dir = &args.dir;
    if dir.exists()
        && dir
            .read_dir()
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        return Err(Failure::Usage(format!(
            "{} exists and is not empty; choose a new folder",
            dir.display()
        )));
    }
    let io = |e: std::io::Error| Failure::Usage(format!("cannot write {}: {e}", dir.display()));
    write_dir(&STARTER, dir).map_err(io)?;
    write_dir(&THEME, &dir.join("themes/default")).map_err(io)?;
    out.status(&format!(
        "Created a new site in {}.\nNext: cd {} && waymark serve",
        dir.display(),
        dir.display()
    ));
    Ok(())
}

fn write_dir(src: &Dir, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for file in src.files() {
        let path = to.join(file.path());
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, file.contents())?;
    }
    for sub in src.dirs() {
        write_dir(sub, to)?;
    }
    Ok(())
}

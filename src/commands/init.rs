//! `waymark init DIR`: writes the starter site, embedded in the binary so an
//! installed `waymark` needs no repository. No theme is written: the site
//! uses the default theme built into waymark, so upgrades reach it.

use std::path::Path;

use include_dir::{Dir, include_dir};

use super::{Failure, Output};
use crate::cli::InitArgs;

static STARTER: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/starter");

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
    out.status(&format!(
        "Created a new site in {}.\nNext: {}",
        dir.display(),
        next_step(dir)
    ));
    Ok(())
}

/// The command to preview the new site, written the way this binary was
/// started: `waymark serve --root DIR` when `waymark` is on the PATH, else
/// the full path of this binary (e.g. `target/debug/waymark` under
/// `cargo run`), so the line works when pasted as is.
fn next_step(dir: &Path) -> String {
    let quoted = |p: &Path| {
        let s = p.display().to_string();
        if s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+:".contains(c))
        {
            s
        } else {
            format!("'{}'", s.replace('\'', "'\\''"))
        }
    };
    let exe = std::env::current_exe().ok();
    let on_path = exe.as_ref().is_some_and(|exe| {
        std::env::var_os("PATH").is_some_and(|paths| {
            std::env::split_paths(&paths).any(|d| {
                d.join("waymark")
                    .canonicalize()
                    .is_ok_and(|found| exe.canonicalize().is_ok_and(|e| e == found))
            })
        })
    });
    let program = match exe {
        Some(exe) if !on_path => quoted(&exe),
        _ => "waymark".to_string(),
    };
    format!("{program} serve --root {}", quoted(dir))
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

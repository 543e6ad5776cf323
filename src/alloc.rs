//! The memory allocator, behind one module: mimalloc instead of the system
//! allocator. A build makes millions of small strings on every core; with
//! glibc's per-thread arenas (which grow by 16,000 `mprotect` calls at
//! 10,000 pages) a 10,000-page build spends about a tenth more CPU time
//! (measured in docs/performance.md).
//!
//! Two settings keep its memory near glibc's: no transparent huge pages
//! (the `no_thp` feature in Cargo.toml; a 2 MiB page is resident as soon as
//! one byte of it is touched), and freed memory returned to the system
//! after 10 ms instead of mimalloc 3's default of a second ([`configure`]).

/// Every binary and test of the crate allocates through mimalloc.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc.h (the same number in mimalloc 2
/// and 3; the Rust bindings name only the options of mimalloc 2).
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Called first thing in `main`: returns freed memory to the system after
/// 10 ms, so pages freed by one stage stop counting once the next stage
/// runs (a 10,000-page build peaks at 234 MiB instead of 251).
pub fn configure() {
    // SAFETY: setting an option is a plain store mimalloc allows at any
    // time; the value is a delay in milliseconds.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, 10) };
}

/// Returns the allocator's free memory to the system now instead of after
/// the purge delay: for measuring how much memory is in use (the serve
/// benchmark) rather than held for reuse.
pub fn release_free_memory() {
    // SAFETY: a collection only frees memory mimalloc holds unused.
    unsafe { libmimalloc_sys::mi_collect(true) };
}

//! SHA-256 for cache keys and file fingerprints. The one module that names
//! the hash crate, so it can be swapped without touching its users.

use sha2::Digest;

/// A SHA-256 fed piece by piece (a key over several inputs).
#[derive(Default)]
pub struct Hasher(sha2::Sha256);

impl Hasher {
    /// An empty hash.
    pub fn new() -> Hasher {
        Hasher::default()
    }

    /// Feeds `bytes`.
    pub fn update(&mut self, bytes: impl AsRef<[u8]>) {
        self.0.update(bytes.as_ref());
    }

    /// The digest of everything fed.
    pub fn finish(self) -> [u8; 32] {
        self.0.finalize().into()
    }
}

/// The SHA-256 of `bytes`.
pub fn sha256(bytes: impl AsRef<[u8]>) -> [u8; 32] {
    sha2::Sha256::digest(bytes.as_ref()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_hash_like_the_whole() {
        let mut h = Hasher::new();
        h.update("ab");
        h.update(b"c");
        assert_eq!(h.finish(), sha256("abc"));
        assert_eq!(sha256("abc")[..4], [0xba, 0x78, 0x16, 0xbf]);
    }
}

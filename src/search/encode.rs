//! Small encodings of the index files: numbers as self-delimiting digits in
//! a JavaScript string, a fast content hash for file names, content-defined
//! shard boundaries, and the script wrapper every data file has.

/// Digits ending a number (values 0-31).
const LAST: &[u8; 32] = b"0123456789abcdefghijklmnopqrstuv";
/// Digits continuing a number (values 0-31, more digits follow).
const MORE: &[u8; 32] = b"wxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";

/// Appends `n` in base 32, most significant digit first, the last digit from
/// [`LAST`] and the others from [`MORE`]: numbers need no separator, and
/// none of the characters needs escaping in a JSON string.
pub fn push_number(out: &mut String, n: u32) {
    let len = number_len(n);
    let mut digits = [0u8; 7];
    let mut v = n;
    for i in (0..len).rev() {
        let table = if i + 1 == len { LAST } else { MORE };
        digits[i] = table[(v & 31) as usize];
        v >>= 5;
    }
    out.push_str(std::str::from_utf8(&digits[..len]).expect("the digits are ASCII"));
}

/// Reads the number [`push_number`] wrote at byte `*at` of `s`, moving
/// `*at` past it (`None` at the end).
pub fn read_number(s: &[u8], at: &mut usize) -> Option<u32> {
    let mut v = 0u32;
    while let Some(&b) = s.get(*at) {
        *at += 1;
        let Some((d, last)) = digit(b) else { continue };
        v = v.wrapping_mul(32) + u32::from(d);
        if last {
            return Some(v);
        }
    }
    None
}

/// A digit's value, and whether it ends its number.
fn digit(b: u8) -> Option<(u8, bool)> {
    Some(match b {
        b'0'..=b'9' => (b - b'0', true),
        b'a'..=b'v' => (b - b'a' + 10, true),
        b'w'..=b'z' => (b - b'w', false),
        b'A'..=b'Z' => (b - b'A' + 4, false),
        b'-' => (30, false),
        b'_' => (31, false),
        _ => return None,
    })
}

/// How many digits [`push_number`] writes for `n`.
pub fn number_len(n: u32) -> usize {
    (32 - n.leading_zeros()).max(1).div_ceil(5) as usize
}

/// Reads numbers written by [`push_number`] (the tests' reader of the
/// format, and updates of an index that kept only its encoding).
pub fn numbers(s: &str) -> Vec<u32> {
    let mut out = Vec::with_capacity(s.len() / 2);
    let mut v = 0u32;
    for b in s.bytes() {
        let Some((d, last)) = digit(b) else { continue };
        v = v.wrapping_mul(32) + u32::from(d);
        if last {
            out.push(v);
            v = 0;
        }
    }
    out
}

/// A fast 64-bit hash of bytes, the same on every machine (file names must
/// not depend on the CPU, as ahash's do).
pub fn hash64(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h: u64 = (bytes.len() as u64) ^ 0x2545_F491_4F6C_DD1D;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let v = u64::from_le_bytes(c.try_into().expect("8 bytes"));
        h = (h ^ v).wrapping_mul(K);
        h ^= h >> 29;
    }
    let rem = chunks.remainder();
    let mut last = [0u8; 8];
    last[..rem.len()].copy_from_slice(rem);
    h = (h ^ u64::from_le_bytes(last)).wrapping_mul(K);
    h ^= h >> 32;
    h = h.wrapping_mul(K);
    h ^ (h >> 29)
}

/// 12 hex digits of [`hash64`], for file names.
pub fn short_hash(bytes: &[u8]) -> String {
    format!("{:012x}", hash64(bytes) >> 16)
}

/// Where shards start, over items of (key, size): content-defined, so that
/// a change to one item moves at most the boundaries next to it. A boundary
/// falls before an item with probability size/target once a shard holds a
/// quarter of `target`, and always when it would pass four times `target`.
pub fn partition(items: impl Iterator<Item = (u64, usize)>, target: usize) -> Vec<usize> {
    let target = target.max(1);
    let mut starts = vec![0];
    let mut acc = 0usize;
    for (i, (key, size)) in items.enumerate() {
        if i > 0
            && acc >= target / 4
            && (acc + size > target * 4 || (key % target as u64) < size as u64)
        {
            starts.push(i);
            acc = 0;
        }
        acc += size;
    }
    starts
}

/// The global the data files add to (defined by the manifest).
pub const DATA: &str = "WaymarkSearchData";

/// A data file: `WaymarkSearchData["KEY"]=JSON;`.
pub fn data_file(key: &str, json: &str) -> String {
    let mut out = String::with_capacity(json.len() + key.len() + 24);
    out.push_str(DATA);
    out.push_str("[\"");
    out.push_str(key);
    out.push_str("\"]=");
    out.push_str(json);
    out.push_str(";\n");
    out
}

/// The JSON of a data file written by [`data_file`] (for the index reading
/// back its text files, and the tests' reader).
pub fn data_json(body: &str) -> Option<&str> {
    let rest = body.strip_prefix(DATA)?;
    let eq = rest.find("]=")?;
    rest[eq + 2..].trim_end().strip_suffix(';')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_trip() {
        let values = [0, 1, 31, 32, 33, 1023, 1024, 65_535, 1_000_000, u32::MAX];
        let mut s = String::new();
        for v in values {
            push_number(&mut s, v);
        }
        assert_eq!(numbers(&s), values);
        let lens: usize = values.iter().map(|&v| number_len(v)).sum();
        assert_eq!(lens, s.len());
        let mut one = String::new();
        push_number(&mut one, 31);
        assert_eq!(one, "v");
        push_number(&mut one, 32);
        assert_eq!(one, "vx0", "32 is 1 then 0");
        let (mut at, mut read) = (0, Vec::new());
        while let Some(n) = read_number(s.as_bytes(), &mut at) {
            read.push(n);
        }
        assert_eq!(read, values);
    }

    #[test]
    fn boundaries_resynchronise_after_a_change() {
        let items: Vec<(u64, usize)> = (0..5000u64)
            .map(|i| (hash64(&i.to_le_bytes()), 100 + (i % 50) as usize))
            .collect();
        let a = partition(items.iter().copied(), 8192);
        let mut changed = items.clone();
        changed[1000].1 += 3000;
        let b = partition(changed.iter().copied(), 8192);
        let same_after = a.iter().filter(|s| **s > 1200 && b.contains(s)).count();
        let after = a.iter().filter(|s| **s > 1200).count();
        assert!(after > 10 && same_after == after, "{after} {same_after}");
        assert!(a.len() > 40 && a.len() < 80, "{}", a.len());
    }
}

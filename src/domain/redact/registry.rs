//! The needle index: each secret in its plain forms, indexed by its first bytes so that a text
//! of any size is searched in a few passes whatever the number of secrets.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// How many bytes of a needle index it.
const KEY: usize = 8;

/// The forms to look for.
#[derive(Default)]
pub(super) struct Registry {
    /// Needles of [`KEY`] bytes or more, by their first [`KEY`] bytes.
    long: HashMap<u64, Vec<Box<[u8]>>, BuildHasherDefault<KeyHasher>>,
    /// The first two bytes of the long needles, one bit each: most positions of a text are
    /// passed over with one bit test. Built at the first scrub after a change, so registering
    /// (every mint registers its token) costs no 8 KiB table when nothing is ever scrubbed.
    starts: std::cell::OnceCell<Vec<u64>>,
    /// Shorter needles: short secrets the user chose, and their exact base64 spellings.
    short: Vec<Box<[u8]>>,
}

/// The bit of [`Registry::starts`] for a needle or text position.
fn start_bit(bytes: &[u8]) -> (usize, u64) {
    let n = usize::from(u16::from_le_bytes([bytes[0], bytes[1]]));
    (n / 64, 1 << (n % 64))
}

impl Registry {
    fn add(&mut self, needle: &[u8]) {
        if needle.is_empty() {
            return;
        }
        if needle.len() < KEY {
            if !self.short.iter().any(|n| **n == *needle) {
                self.short.push(needle.into());
            }
            return;
        }
        self.starts = std::cell::OnceCell::new();
        let bucket = self.long.entry(key_of(needle)).or_default();
        if !bucket.iter().any(|n| **n == *needle) {
            bucket.push(needle.into());
        }
    }

    /// Forgets `needle` (one form [`Registry::add`] remembered).
    fn remove(&mut self, needle: &[u8]) {
        if needle.len() < KEY {
            self.short.retain(|n| **n != *needle);
            return;
        }
        let key = key_of(needle);
        if let Some(bucket) = self.long.get_mut(&key) {
            bucket.retain(|n| **n != *needle);
            if bucket.is_empty() {
                self.long.remove(&key);
            }
            self.starts = std::cell::OnceCell::new();
        }
    }

    /// Every match of a needle in `view`, as ranges of `view`. Needles shorter than
    /// `shortest` are not looked for (the base64 views are mostly noise).
    pub(super) fn find(&self, view: &[u8], shortest: usize, out: &mut Vec<(usize, usize)>) {
        if view.len() >= KEY && !self.long.is_empty() {
            let starts = self.starts.get_or_init(|| {
                let mut starts = vec![0; 1 << 10];
                for needle in self.long.values().flatten() {
                    let (word, bit) = start_bit(needle);
                    starts[word] |= bit;
                }
                starts
            });
            for i in 0..=view.len() - KEY {
                let (word, bit) = start_bit(&view[i..]);
                if starts[word] & bit == 0 {
                    continue;
                }
                if let Some(bucket) = self.long.get(&key_of(&view[i..])) {
                    for needle in bucket {
                        if view[i..].starts_with(needle) {
                            out.push((i, i + needle.len()));
                        }
                    }
                }
            }
        }
        for needle in self.short.iter().filter(|n| n.len() >= shortest) {
            let mut from = 0;
            while let Some(at) = find_bytes(&view[from..], needle) {
                out.push((from + at, from + at + needle.len()));
                from += at + 1;
            }
        }
    }
}

fn key_of(bytes: &[u8]) -> u64 {
    let mut key = [0u8; KEY];
    key.copy_from_slice(&bytes[..KEY]);
    u64::from_le_bytes(key)
}

fn find_bytes(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The index keys are 8 bytes of text: a multiply-fold is enough (and far cheaper than SipHash,
/// which would be paid for every position of every view).
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(self.0 ^ u64::from(b));
        }
    }
    fn write_u64(&mut self, n: u64) {
        let h = (n ^ self.0).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 = h ^ (h >> 29);
    }
}

/// The forms of one secret that are looked for in the decoded views of a text.
pub(super) fn add_forms(registry: &mut Registry, secret: &str, shortest: usize) {
    for form in forms(secret, shortest) {
        registry.add(&form);
    }
}

/// Forgets every form [`add_forms`] remembered for `secret`.
pub(super) fn remove_forms(registry: &mut Registry, secret: &str, shortest: usize) {
    for form in forms(secret, shortest) {
        registry.remove(&form);
    }
}

/// The spellings of `secret` that are remembered.
fn forms(secret: &str, shortest: usize) -> Vec<Vec<u8>> {
    // Base64 padding is often dropped: look for the secret without it too (a prefix of
    // itself; where the padding is there, the whole secret matches as well).
    let mut forms = vec![secret.as_bytes().to_vec()];
    let trimmed = secret.trim_end_matches('=');
    let plain = if trimmed.len() >= shortest.max(1) {
        trimmed
    } else {
        secret
    };
    forms.push(plain.as_bytes().to_vec());
    if secret.contains(' ') {
        forms.push(secret.replace(' ', "+").as_bytes().to_vec());
    }
    // Form encoding writes a space as `+` (and a `+` as `%2B`, which the views decode).
    if plain.contains(' ') {
        forms.push(plain.replace(' ', "+").as_bytes().to_vec());
    }
    // A JWT's payload and signature, printed alone. Its header (`{"alg":…}`) is in every
    // token and is no secret.
    let segments: Vec<&str> = secret.split('.').collect();
    if segments.len() >= 3 && secret.starts_with("eyJ") {
        for segment in &segments[1..] {
            if segment.len() >= 8 {
                forms.push(segment.as_bytes().to_vec());
            }
        }
    }
    // The base64 views skip needles under 3 bytes (noise would match them): spell those out.
    if plain.len() < 3 {
        use base64::Engine;
        let std = base64::engine::general_purpose::STANDARD;
        let url = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let bearer = format!("Bearer {plain}");
        for form in [
            std.encode(plain),
            url.encode(plain),
            std.encode(&bearer),
            url.encode(&bearer),
        ] {
            forms.push(form.as_bytes().to_vec());
        }
    }
    forms
}

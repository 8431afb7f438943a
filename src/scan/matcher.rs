//! Finding candidates in a buffer of bytes and validating them.
//!
//! The hot loop skips eight bytes at a time to the next ASCII digit or `@` (most bytes of
//! most files are neither), then parses what is there by hand:
//!
//! - a **digit chain**: maximal runs of digits ("groups") joined by single spaces or
//!   hyphens, e.g. `2024-03-10 13812345678` or `6222 0212 3456 7890 128`. Groups are tried
//!   left to right as grouped layouts (`138 1234 5678`, `110105 19491231 002X`, cards in
//!   fours, `+86`/`0086` prefixes), then each group on its own. A grouped layout must
//!   stand alone: the separators just outside it must differ from the one inside, so
//!   `1234 5678 9012 3456 7890` is not read as a card plus a stray group.
//! - an **e-mail address** around an `@`.
//!
//! Word boundaries are ASCII: a digit run touching a letter, digit, `_` or `@`, or a
//! decimal point followed by a digit (`3.13812345678`, `13812345678.5`), is part of a
//! longer token (hash, UUID, version, float, e-mail) and never a finding. Non-ASCII
//! characters are boundaries, so `手机13812345678` is found.

use chrono::NaiveDate;

use super::mask::Secret;
use super::validate;
use super::{Kind, KindSet};

/// A validated match: byte range in the buffer, kind and normalised value.
pub(crate) struct Hit {
    pub start: usize,
    pub end: usize,
    pub kind: Kind,
    pub value: Secret,
}

/// What the matcher may assume about the edges of the buffer it is given.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Edges {
    /// The byte before `buf[0]` is a boundary (start of file or of a line). When false,
    /// a token touching `buf[0]` may have started earlier and is not trusted.
    pub start_is_boundary: bool,
    /// `buf` ends where the data ends (end of file or after a newline). When false, a
    /// token touching the end may continue and is not trusted.
    pub end_is_boundary: bool,
}

/// One run of digits inside a chain.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Group {
    start: usize,
    /// End of the digits (exclusive).
    digits_end: usize,
    /// A trailing `X`/`x` (the check character of an ID number) follows the digits.
    x: bool,
    /// The separator after this group (`b' '` or `b'-'`), 0 for the last group.
    sep: u8,
}

impl Group {
    fn len(&self) -> usize {
        self.digits_end - self.start
    }
    fn end(&self) -> usize {
        self.digits_end + usize::from(self.x)
    }
}

/// Scratch space reused across calls so the hot path does not allocate.
#[derive(Default)]
pub(crate) struct Scratch {
    groups: Vec<Group>,
}

/// Finds and validates personal data of the enabled kinds.
#[derive(Debug, Clone)]
pub(crate) struct Matcher {
    kinds: KindSet,
    today: NaiveDate,
    /// SWAR masks selecting which trigger bytes the skip loop stops at.
    digit_mask: u64,
    at_mask: u64,
}

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// High bit set in each byte of `w` that is an ASCII digit. Exact: the additions cannot
/// carry across bytes because the high bits are cleared first.
#[inline(always)]
fn swar_digits(w: u64) -> u64 {
    let x = w & !HI;
    let ge_0 = x.wrapping_add(0x50 * LO); // high bit set iff byte >= 0x30
    let gt_9 = x.wrapping_add(0x46 * LO); // high bit set iff byte >= 0x3a
    ge_0 & !gt_9 & !w & HI
}

/// High bit set in each byte of `w` equal to `@`.
#[inline(always)]
fn swar_at(w: u64) -> u64 {
    let y = w ^ (LO * u64::from(b'@'));
    let t = (y & !HI).wrapping_add(!HI);
    !(t | y) & HI
}

/// The number of ASCII digits at the start of `buf[pos..]`.
#[inline]
fn digit_run(buf: &[u8], pos: usize) -> usize {
    let rest = buf.get(pos..).unwrap_or_default();
    rest.iter()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(rest.len())
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The normalised digits of `groups` (and an upper-case `X` for a trailing check
/// character), at most 24 bytes; `None` if longer.
fn collect_digits(buf: &[u8], groups: &[Group]) -> Option<([u8; 24], usize)> {
    let mut out = [0u8; 24];
    let mut n = 0;
    for g in groups {
        for &b in buf.get(g.start..g.digits_end)? {
            *out.get_mut(n)? = b;
            n += 1;
        }
        if g.x {
            *out.get_mut(n)? = b'X';
            n += 1;
        }
    }
    Some((out, n))
}

fn secret(bytes: &[u8]) -> Secret {
    Secret::new(String::from_utf8_lossy(bytes).into_owned())
}

impl Matcher {
    pub(crate) fn new(kinds: KindSet, today: NaiveDate) -> Matcher {
        let numbers = kinds.contains(Kind::CnId)
            || kinds.contains(Kind::CnMobile)
            || kinds.contains(Kind::BankCard);
        Matcher {
            kinds,
            today,
            digit_mask: if numbers { HI } else { 0 },
            at_mask: if kinds.contains(Kind::Email) { HI } else { 0 },
        }
    }

    /// Position of the next digit or `@` (as enabled) in `buf[from..]`.
    #[inline]
    fn next_trigger(&self, buf: &[u8], from: usize) -> Option<usize> {
        let mut i = from;
        while let Some(chunk) = buf.get(i..).and_then(|s| s.first_chunk::<16>()) {
            let (a, b) = chunk.split_at(8);
            let wa = u64::from_le_bytes(a.try_into().unwrap_or([0; 8]));
            let wb = u64::from_le_bytes(b.try_into().unwrap_or([0; 8]));
            let ma = (swar_digits(wa) & self.digit_mask) | (swar_at(wa) & self.at_mask);
            let mb = (swar_digits(wb) & self.digit_mask) | (swar_at(wb) & self.at_mask);
            if ma != 0 {
                return Some(i + (ma.trailing_zeros() / 8) as usize);
            }
            if mb != 0 {
                return Some(i + 8 + (mb.trailing_zeros() / 8) as usize);
            }
            i += 16;
        }
        let digits = self.digit_mask != 0;
        let at = self.at_mask != 0;
        buf.get(i..)?
            .iter()
            .position(|&b| (digits && b.is_ascii_digit()) || (at && b == b'@'))
            .map(|p| i + p)
    }

    /// Calls `on_hit` for every match whose trigger byte lies in `buf[from..]`, in order of
    /// discovery (which is increasing `start` except where two matches overlap).
    pub(crate) fn scan(
        &self,
        buf: &[u8],
        from: usize,
        edges: Edges,
        scratch: &mut Scratch,
        on_hit: &mut dyn FnMut(Hit),
    ) {
        let mut i = from;
        while let Some(p) = self.next_trigger(buf, i) {
            if buf.get(p) == Some(&b'@') {
                match self.email_at(buf, p, edges) {
                    Some(hit) => {
                        i = hit.end;
                        on_hit(hit);
                    }
                    None => i = p + 1,
                }
            } else {
                i = self.chain_at(buf, p, edges, scratch, on_hit);
            }
        }
    }

    /// Whether a chain starting at `p` has a clean left edge; also reports a `+` just
    /// before it (a country-code prefix).
    fn left_edge(buf: &[u8], p: usize, edges: Edges) -> (bool, bool) {
        let Some(prev) = p.checked_sub(1).and_then(|i| buf.get(i)) else {
            return (edges.start_is_boundary, false);
        };
        match *prev {
            b if is_word(b) || b == b'@' => (false, false),
            b'.' => {
                // A decimal point after a digit: the fraction or a version component.
                let before = p.checked_sub(2).and_then(|i| buf.get(i));
                let ok = match before {
                    Some(b) => !b.is_ascii_digit(),
                    None => edges.start_is_boundary,
                };
                (ok, false)
            }
            b'+' => (true, true),
            _ => (true, false),
        }
    }

    /// Whether the byte at `e` (just after a chain) is a clean right edge.
    fn right_edge(buf: &[u8], e: usize, edges: Edges) -> bool {
        let Some(&next) = buf.get(e) else {
            return edges.end_is_boundary;
        };
        match next {
            b if is_word(b) || b == b'@' => false,
            b'.' => match buf.get(e + 1) {
                Some(b) => !b.is_ascii_digit(),
                None => edges.end_is_boundary,
            },
            _ => true,
        }
    }

    /// Parses the digit chain starting at `p`, reports what it contains and returns the
    /// position just after it.
    fn chain_at(
        &self,
        buf: &[u8],
        p: usize,
        edges: Edges,
        scratch: &mut Scratch,
        on_hit: &mut dyn FnMut(Hit),
    ) -> usize {
        // Most digit runs (times, counters, ids) are short and alone: find the end of the
        // chain and its digit count first, and only record groups when it could hold a
        // candidate. The shortest candidate (a mobile number) has 11 digits.
        let mut pos = p;
        let mut total = 0usize;
        loop {
            let run = digit_run(buf, pos);
            total += run;
            pos += run;
            match buf.get(pos) {
                Some(b'X' | b'x') => {
                    pos += 1;
                    break;
                }
                Some(b' ' | b'-') if buf.get(pos + 1).is_some_and(u8::is_ascii_digit) => pos += 1,
                _ => break,
            }
        }
        if total < 11 {
            return pos;
        }
        let groups = &mut scratch.groups;
        groups.clear();
        let mut pos = p;
        loop {
            let start = pos;
            let digits_end = pos + digit_run(buf, pos);
            pos = digits_end;
            let x = matches!(buf.get(pos), Some(b'X' | b'x'));
            if x {
                pos += 1;
            }
            let mut group = Group {
                start,
                digits_end,
                x,
                sep: 0,
            };
            let sep = buf.get(pos).copied();
            let joins = !x
                && matches!(sep, Some(b' ' | b'-'))
                && buf.get(pos + 1).is_some_and(u8::is_ascii_digit);
            if joins {
                group.sep = sep.unwrap_or(0);
                groups.push(group);
                pos += 1;
            } else {
                groups.push(group);
                break;
            }
        }
        let (left_ok, plus) = Self::left_edge(buf, p, edges);
        let right_ok = Self::right_edge(buf, pos, edges);
        let chain = Chain {
            buf,
            groups,
            left_ok,
            plus,
            right_ok,
        };
        self.evaluate(&chain, on_hit);
        pos
    }

    fn evaluate(&self, chain: &Chain<'_>, on_hit: &mut dyn FnMut(Hit)) {
        let mut i = 0;
        while i < chain.groups.len() {
            match self.match_at(chain, i) {
                Some((consumed, hit)) => {
                    on_hit(hit);
                    i += consumed;
                }
                None => i += 1,
            }
        }
    }

    /// The first layout that matches and validates at group `i`, with the number of
    /// groups it consumes.
    fn match_at(&self, c: &Chain<'_>, i: usize) -> Option<(usize, Hit)> {
        let g = c.groups.get(i..)?;
        let first = g.first()?;
        let has_prefix = i == 0 && c.left_ok && !first.x && {
            let digits = c.buf.get(first.start..first.digits_end)?;
            digits == b"86" || digits == b"0086"
        };
        if has_prefix && self.kinds.contains(Kind::CnMobile) {
            let start = if c.plus {
                first.start.saturating_sub(1)
            } else {
                first.start
            };
            // +86 13812345678 / +86-138-1234-5678 (the separator after the prefix may
            // differ from the one inside the number).
            for layout in [&[11][..], &[3, 4, 4]] {
                if let Some(hit) = self.try_layout(c, i + 1, layout, Kind::CnMobile, true) {
                    return Some((1 + layout.len(), Hit { start, ..hit }));
                }
            }
        }
        if self.kinds.contains(Kind::CnId)
            && let Some(hit) = self.try_layout(c, i, &[6, 8, 4], Kind::CnId, false)
        {
            return Some((3, hit));
        }
        if self.kinds.contains(Kind::CnMobile)
            && let Some(hit) = self.try_layout(c, i, &[3, 4, 4], Kind::CnMobile, false)
        {
            return Some((3, hit));
        }
        if self.kinds.contains(Kind::BankCard) {
            for layout in CARD_LAYOUTS {
                if let Some(hit) = self.try_layout(c, i, layout, Kind::BankCard, false) {
                    return Some((layout.len(), hit));
                }
            }
        }
        self.single(c, i).map(|hit| (1, hit))
    }

    /// Tries `groups[i..]` against a grouped layout (group lengths; for cards the last
    /// group may be shorter, marked by a 0 entry meaning "1 to 4 digits"). All
    /// separators inside must be equal and differ from those just outside, except the one
    /// after a country-code prefix (`after_prefix`), which may be either.
    fn try_layout(
        &self,
        c: &Chain<'_>,
        i: usize,
        layout: &[usize],
        kind: Kind,
        after_prefix: bool,
    ) -> Option<Hit> {
        let n = layout.len();
        let groups = c.groups.get(i..i + n)?;
        if n == 1 {
            let g = groups.first()?;
            if g.x || g.len() != layout[0] || !c.right_ok_after(i) {
                return None;
            }
            let value = c.buf.get(g.start..g.digits_end)?;
            return self.validate(kind, value).then(|| Hit {
                start: g.start,
                end: g.end(),
                kind,
                value: secret(value),
            });
        }
        let sep = groups.first()?.sep;
        for (k, (g, &want)) in groups.iter().zip(layout).enumerate() {
            let last = k + 1 == n;
            let len_ok = if want == 0 {
                (1..=4).contains(&g.len())
            } else if last && kind == Kind::CnId && g.x {
                g.len() == want - 1
            } else {
                g.len() == want
            };
            if !len_ok || (g.x && !(last && kind == Kind::CnId)) || (!last && g.sep != sep) {
                return None;
            }
        }
        let before_differs =
            after_prefix || i == 0 || c.groups.get(i - 1).is_some_and(|g| g.sep != sep);
        let after_differs = groups.last().is_some_and(|g| g.sep != sep);
        if !before_differs || !after_differs || !c.left_ok_at(i) || !c.right_ok_after(i + n - 1) {
            return None;
        }
        let (digits, len) = collect_digits(c.buf, groups)?;
        let value = digits.get(..len)?;
        if kind == Kind::BankCard && !(13..=19).contains(&len) {
            return None;
        }
        self.validate(kind, value).then(|| Hit {
            start: groups.first().map_or(0, |g| g.start),
            end: groups.last().map_or(0, Group::end),
            kind,
            value: secret(value),
        })
    }

    /// Group `i` on its own, contiguous.
    fn single(&self, c: &Chain<'_>, i: usize) -> Option<Hit> {
        let g = c.groups.get(i)?;
        if !c.left_ok_at(i) || !c.right_ok_after(i) {
            return None;
        }
        let digits = c.buf.get(g.start..g.digits_end)?;
        let hit = |kind, start, value: &[u8]| Hit {
            start,
            end: g.end(),
            kind,
            value: secret(value),
        };
        if g.x {
            let with_x = c.buf.get(g.start..g.digits_end + 1)?;
            let mut id = [0u8; 18];
            if with_x.len() != 18 || !self.kinds.contains(Kind::CnId) {
                return None;
            }
            id.copy_from_slice(with_x);
            id[17] = b'X';
            return validate::cn_id(&id, self.today).then(|| hit(Kind::CnId, g.start, &id));
        }
        let len = digits.len();
        if len == 18 && self.validate(Kind::CnId, digits) {
            return Some(hit(Kind::CnId, g.start, digits));
        }
        if len == 11 && self.validate(Kind::CnMobile, digits) {
            return Some(hit(Kind::CnMobile, g.start, digits));
        }
        // 8613812345678 / +8613812345678 / 008613812345678
        for prefix in [&b"86"[..], b"0086"] {
            if len == 11 + prefix.len()
                && digits.starts_with(prefix)
                && let Some(national) = digits.get(prefix.len()..)
                && self.validate(Kind::CnMobile, national)
            {
                let start = if i == 0 && c.plus {
                    g.start.saturating_sub(1)
                } else {
                    g.start
                };
                return Some(hit(Kind::CnMobile, start, national));
            }
        }
        if (13..=19).contains(&len) && self.validate(Kind::BankCard, digits) {
            return Some(hit(Kind::BankCard, g.start, digits));
        }
        None
    }

    fn validate(&self, kind: Kind, value: &[u8]) -> bool {
        self.kinds.contains(kind)
            && match kind {
                Kind::CnId => validate::cn_id(value, self.today),
                Kind::CnMobile => validate::cn_mobile(value),
                Kind::BankCard => validate::bank_card(value),
                Kind::Email => validate::email(value),
            }
    }

    /// The e-mail address around the `@` at `at`, if it is one.
    fn email_at(&self, buf: &[u8], at: usize, edges: Edges) -> Option<Hit> {
        // Local part: walk left, but no further than the longest valid local part (+1 to
        // notice an over-long one).
        let mut start = at;
        while start > 0
            && at - start <= 64
            && buf
                .get(start - 1)
                .is_some_and(|&b| validate::is_local_char(b))
        {
            start -= 1;
        }
        if at - start > 64 || (start == 0 && !edges.start_is_boundary) {
            return None;
        }
        // Leading dots are punctuation (`...zhang@qq.com`), not part of the address.
        while start < at && buf.get(start) == Some(&b'.') {
            start += 1;
        }
        if start == at {
            return None;
        }
        // `scheme://user@host` is URL user information, not a mailbox.
        if start >= 3 && buf.get(start - 3..start) == Some(b"://") {
            return None;
        }
        // Domain: labels joined by single dots; a final dot is sentence punctuation.
        let mut end = at + 1;
        loop {
            let label_start = end;
            while end - at <= 254 && buf.get(end).is_some_and(|&b| validate::is_domain_char(b)) {
                end += 1;
            }
            if end == label_start {
                return None;
            }
            let dot = buf.get(end) == Some(&b'.');
            match buf.get(end + 1) {
                Some(&b) if dot && validate::is_domain_char(b) => end += 1,
                None if dot && !edges.end_is_boundary => return None,
                _ => break,
            }
        }
        match buf.get(end) {
            None if !edges.end_is_boundary => return None,
            Some(b'_' | b'@') => return None,
            // `user@host:path` is an scp/SSH target (`git@github.com:org/repo.git`).
            Some(b':')
                if buf.get(end + 1).is_some_and(|&b| {
                    b.is_ascii_alphanumeric() || matches!(b, b'/' | b'~' | b'.' | b'_' | b'-')
                }) =>
            {
                return None;
            }
            _ => {}
        }
        let address = buf.get(start..end)?;
        if !self.validate(Kind::Email, address) {
            return None;
        }
        let value = String::from_utf8_lossy(address).to_ascii_lowercase();
        Some(Hit {
            start,
            end,
            kind: Kind::Email,
            value: Secret::new(value),
        })
    }
}

/// Grouped card layouts, longest first; 0 means a final group of 1 to 4 digits.
const CARD_LAYOUTS: &[&[usize]] = &[&[4, 4, 4, 4, 0], &[4, 4, 4, 0], &[4, 6, 5], &[4, 6, 4]];

/// A parsed digit chain and its edges.
struct Chain<'a> {
    buf: &'a [u8],
    groups: &'a [Group],
    left_ok: bool,
    plus: bool,
    right_ok: bool,
}

impl Chain<'_> {
    /// Whether group `i` starts cleanly: inside the chain a separator precedes it.
    fn left_ok_at(&self, i: usize) -> bool {
        i > 0 || self.left_ok
    }
    /// Whether group `i` ends cleanly: inside the chain a separator follows it.
    fn right_ok_after(&self, i: usize) -> bool {
        i + 1 < self.groups.len() || self.right_ok
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher() -> Matcher {
        Matcher::new(
            KindSet::all(),
            NaiveDate::from_ymd_opt(2026, 3, 10).expect("date"),
        )
    }

    /// (kind, matched text) for each match in `text`, as a whole file.
    fn find(text: &str) -> Vec<(Kind, String)> {
        let mut out = Vec::new();
        let edges = Edges {
            start_is_boundary: true,
            end_is_boundary: true,
        };
        matcher().scan(
            text.as_bytes(),
            0,
            edges,
            &mut Scratch::default(),
            &mut |h: Hit| out.push((h.kind, text[h.start..h.end].to_owned())),
        );
        out
    }

    fn kinds(text: &str) -> Vec<Kind> {
        find(text).into_iter().map(|(k, _)| k).collect()
    }

    /// An ID number with its check character computed from the weights table here.
    fn id(first17: &str) -> String {
        let w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        let sum: u32 = first17
            .bytes()
            .zip(w)
            .map(|(b, w)| u32::from(b - b'0') * w)
            .sum();
        format!("{first17}{}", &"10X98765432"[(sum % 11) as usize..][..1])
    }

    /// A card number with its Luhn digit computed here.
    fn card(body: &str) -> String {
        let sum: u32 = body
            .chars()
            .rev()
            .enumerate()
            .map(|(i, c)| {
                let d = c.to_digit(10).expect("digit");
                if i % 2 == 0 {
                    if d * 2 > 9 { d * 2 - 9 } else { d * 2 }
                } else {
                    d
                }
            })
            .sum();
        format!("{body}{}", (10 - sum % 10) % 10)
    }

    #[test]
    fn swar_masks_are_exact() {
        for b in 0..=255u8 {
            let w = u64::from_le_bytes([b, b'a', b, 0xff, b, 0x80, b, b]);
            let digits = swar_digits(w);
            let at = swar_at(w);
            for (k, &byte) in w.to_le_bytes().iter().enumerate() {
                let bit = 0x80u64 << (8 * k);
                assert_eq!(digits & bit != 0, byte.is_ascii_digit(), "byte {byte:#x}");
                assert_eq!(at & bit != 0, byte == b'@', "byte {byte:#x}");
            }
        }
    }

    #[test]
    fn ids_plain_grouped_and_in_chinese_text() {
        assert_eq!(
            find("id: 11010519491231002X."),
            vec![(Kind::CnId, "11010519491231002X".into())]
        );
        assert_eq!(kinds("身份证号11010519491231002x，"), vec![Kind::CnId]);
        assert_eq!(
            find("110105 19491231 002X"),
            vec![(Kind::CnId, "110105 19491231 002X".into())]
        );
        assert_eq!(kinds("110105-19491231-002X"), vec![Kind::CnId]);
        assert!(kinds("110105 19491231-002X").is_empty(), "mixed separators");
        assert!(kinds("110105194912310021").is_empty(), "bad check digit");
        let valid = id("44030619900307123");
        assert_eq!(kinds(&format!("\"{valid}\"")), vec![Kind::CnId]);
    }

    #[test]
    fn ids_inside_longer_tokens_are_not_found() {
        assert!(kinds("911010519491231002X").is_empty());
        assert!(kinds("11010519491231002X1").is_empty());
        assert!(kinds("a11010519491231002X").is_empty());
        assert!(kinds("11010519491231002Xa").is_empty());
        assert!(
            kinds("11010519491231002X@qq.com").len() == 1,
            "the e-mail only"
        );
        assert!(kinds("0.11010519491231002X").is_empty());
    }

    #[test]
    fn mobiles_with_prefixes_and_separators() {
        for text in [
            "13812345678",
            "tel:13812345678",
            "电话：13812345678。",
            "138 1234 5678",
            "138-1234-5678",
            "+86 13812345678",
            "+86-138-1234-5678",
            "+86 138-1234-5678",
            "+8613812345678",
            "8613812345678",
            "0086 138 1234 5678",
            "(13812345678)",
            "13812345678,13912345678",
        ] {
            assert!(
                kinds(text).first() == Some(&Kind::CnMobile),
                "{text}: {:?}",
                find(text)
            );
        }
        assert_eq!(
            find("call +86 138 1234 5678 now"),
            vec![(Kind::CnMobile, "+86 138 1234 5678".into())]
        );
        assert_eq!(find("13812345678 13912345678").len(), 2);
        assert_eq!(find("2024-03-10 13812345678").len(), 1);
    }

    #[test]
    fn mobile_decoys() {
        for text in [
            "12812345678",
            "1381234567",
            "138123456789",
            "13812345678901",
            "order 2024031013812345678",
            "x13812345678",
            "13812345678_v2",
            "3.13812345678",
            "13812345678.5",
            "138-1234 5678",
            "138 1234 5678 9",
            "1 138 1234 5678",
            "v1.2.13812345678",
        ] {
            assert!(kinds(text).is_empty(), "{text}: {:?}", find(text));
        }
    }

    #[test]
    fn cards_plain_and_grouped() {
        let unionpay = card("622202123456789012");
        assert_eq!(unionpay.len(), 19);
        let grouped = format!(
            "{} {} {} {} {}",
            &unionpay[0..4],
            &unionpay[4..8],
            &unionpay[8..12],
            &unionpay[12..16],
            &unionpay[16..]
        );
        assert_eq!(kinds(&unionpay), vec![Kind::BankCard]);
        assert_eq!(find(&grouped), vec![(Kind::BankCard, grouped.clone())]);
        assert_eq!(kinds(&grouped.replace(' ', "-")), vec![Kind::BankCard]);
        assert_eq!(kinds("4111 1111 1111 1111"), vec![Kind::BankCard]);
        assert_eq!(kinds("3782 822463 10005"), vec![Kind::BankCard]);
        assert_eq!(kinds("卡号4111111111111111"), vec![Kind::BankCard]);
        assert!(kinds("4111 1111 1111 1111 1111").is_empty(), "too long");
        assert!(kinds("4111 1111-1111 1111").is_empty(), "mixed separators");
        assert!(kinds("4111111111111112").is_empty(), "Luhn");
        assert!(kinds("0000000000000000").is_empty(), "no issuer");
        assert!(kinds("0000 0000 0000 0000").is_empty());
        assert!(
            kinds("41111111111111111").is_empty(),
            "17 digits is no Visa"
        );
    }

    #[test]
    fn structured_decoys() {
        for text in [
            "550e8400-e29b-41d4-a716-446655440000",
            "d41d8cd98f00b204e9800998ecf8427e",
            "da39a3ee5e6b4b0d3255bfef95601890afd80709",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "1741574400000",
            "ts=1741574400123",
            "2024031012345678901234",
            "192.168.100.200",
            "version 13.812.345.678",
            "1.13812345678.0",
            "0x13812345678",
            "2026-03-10T09:00:00.123+08:00",
            "4111111111111111.00",
        ] {
            assert!(kinds(text).is_empty(), "{text}: {:?}", find(text));
        }
    }

    #[test]
    fn emails() {
        assert_eq!(
            find("mail zhang.san@qq.com."),
            vec![(Kind::Email, "zhang.san@qq.com".into())]
        );
        assert_eq!(
            find("<li.si+news@mail.163.com>"),
            vec![(Kind::Email, "li.si+news@mail.163.com".into())]
        );
        assert_eq!(
            find("邮箱:wangwu@sina.cn，谢谢"),
            vec![(Kind::Email, "wangwu@sina.cn".into())]
        );
        assert_eq!(
            find("13812345678@139.com"),
            vec![(Kind::Email, "13812345678@139.com".into())]
        );
        assert_eq!(
            find("...zhang@qq.com"),
            vec![(Kind::Email, "zhang@qq.com".into())]
        );
        assert_eq!(kinds("mailto:zhang@qq.com"), vec![Kind::Email]);
        assert_eq!(kinds("zhang@qq.com: hi"), vec![Kind::Email]);
    }

    #[test]
    fn email_decoys() {
        for text in [
            "background: url(icon@2x.png)",
            "\"lodash@4.17.21\"",
            "user@localhost",
            "git@github.com:org/repo.git",
            "https://user@gitlab.com/x",
            "ssh://git@host.com/repo",
            "@media screen",
            "user@example.com",
            "me@sub.example.org",
            "x@y",
            "zhang@qq.com_old",
        ] {
            assert!(kinds(text).is_empty(), "{text}: {:?}", find(text));
        }
    }

    #[test]
    fn kinds_can_be_disabled() {
        let only_email = Matcher::new(
            KindSet::from_kinds(&[Kind::Email]),
            NaiveDate::from_ymd_opt(2026, 3, 10).expect("date"),
        );
        let mut n = 0;
        only_email.scan(
            b"13812345678 zhang@qq.com 11010519491231002X",
            0,
            Edges {
                start_is_boundary: true,
                end_is_boundary: true,
            },
            &mut Scratch::default(),
            &mut |h: Hit| {
                assert_eq!(h.kind, Kind::Email);
                n += 1;
            },
        );
        assert_eq!(n, 1);
    }

    #[test]
    fn untrusted_edges_suppress_partial_tokens() {
        let m = matcher();
        let mut n = 0;
        let edges = Edges {
            start_is_boundary: false,
            end_is_boundary: false,
        };
        m.scan(
            b"13812345678 x 13912345678",
            0,
            edges,
            &mut Scratch::default(),
            &mut |_| n += 1,
        );
        assert_eq!(n, 0, "both numbers touch an untrusted edge");
    }

    #[test]
    fn arbitrary_bytes_do_not_panic() {
        let m = matcher();
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let alphabet = b"0123456789 -+@.xX_a\n\xe4\xb8";
        for _ in 0..2000 {
            let mut buf = Vec::new();
            for _ in 0..64 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                buf.push(alphabet[(seed % alphabet.len() as u64) as usize]);
            }
            for start_is_boundary in [true, false] {
                let edges = Edges {
                    start_is_boundary,
                    end_is_boundary: !start_is_boundary,
                };
                m.scan(&buf, 0, edges, &mut Scratch::default(), &mut |h| {
                    assert!(h.start < h.end && h.end <= buf.len());
                });
            }
        }
    }
}

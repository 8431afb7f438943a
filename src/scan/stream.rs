//! Scanning one file as a stream with a fixed-size buffer, so memory does not grow with
//! the size of the file or the length of its lines.
//!
//! The buffer is processed in rounds. A round normally ends at the last newline in the
//! buffer: nothing a match can span crosses a newline, so the rest of the line simply
//! moves to the front and more is read. A line longer than the buffer is cut instead
//! [`OVERLAP`] bytes before the end: matches *starting* before the cut are reported (the
//! overlap holds their right context and any e-mail domain), the following round
//! re-reads the overlap plus [`CONTEXT`] bytes of left context, and a match is never
//! reported twice because reporting resumes at the cut and after the end of the last
//! reported match.
//!
//! Lines are counted with `memchr` only up to where they are needed; columns are byte
//! offsets (1-based) and, for SARIF, UTF-16 code units.

use std::io::{self, Read};

use memchr::memmem;

use super::mask::{fingerprint, mask};
use super::matcher::{Edges, Hit, Matcher, Scratch};
use super::{Kind, KindSet};

/// Bytes read per round.
const BUFFER: usize = 128 * 1024;
/// Bytes kept after a cut in a long line: more than the longest match (an e-mail address
/// of 254 bytes plus its left and right context) and an allow marker with its kind list.
const OVERLAP: usize = 1024;
/// Bytes of left context carried into the round after a cut in a long line: more than
/// the longest local part an e-mail scan walks back over (65) plus `://`.
const CONTEXT: usize = 128;
/// How much of the start of a file is checked for a NUL byte (as git and ripgrep do).
const BINARY_PROBE: usize = 8 * 1024;

/// The comment marker that silences findings on its line.
pub(crate) const ALLOW_MARKER: &[u8] = b"privaudit:allow";

/// A finding inside one file, masked.
#[derive(Debug, Clone)]
pub(crate) struct FileHit {
    pub line: u64,
    pub column: u64,
    pub column_utf16: u64,
    pub kind: Kind,
    pub masked: String,
    pub fingerprint: String,
}

/// What scanning one file found.
#[derive(Debug)]
pub(crate) enum FileOutcome {
    /// A NUL byte in the first 8 KiB: not text, not scanned.
    Binary,
    Text {
        bytes: u64,
        hits: Vec<FileHit>,
    },
}

/// Where the line containing the cursor starts.
#[derive(Debug, Clone, Copy)]
enum LineStart {
    /// At this index in the buffer.
    InBuffer(usize),
    /// Before the buffer: at absolute offset `abs`, with `utf16` code units between it
    /// and the start of the buffer.
    Before { abs: u64, utf16: u64 },
}

/// Line bookkeeping: the line number at `pos` and where that line starts. Newlines are
/// counted lazily, only up to positions that are asked about.
#[derive(Debug, Clone, Copy)]
struct LineCursor {
    pos: usize,
    line: u64,
    start: LineStart,
    /// A buffer position on the current line and its UTF-16 units from the line start,
    /// so several matches on one long line do not each recount from the line start.
    utf16_memo: Option<(usize, u64)>,
}

impl LineCursor {
    /// Moves forward to `pos` (never backwards), counting the newlines passed.
    fn advance(&mut self, buf: &[u8], pos: usize) {
        if pos <= self.pos {
            return;
        }
        let Some(span) = buf.get(self.pos..pos) else {
            return;
        };
        let newlines = memchr::memchr_iter(b'\n', span).count() as u64;
        if newlines > 0 {
            self.line += newlines;
            if let Some(last) = memchr::memrchr(b'\n', span) {
                self.start = LineStart::InBuffer(self.pos + last + 1);
            }
            self.utf16_memo = None;
        }
        self.pos = pos;
    }

    /// 1-based (line, byte column, UTF-16 column) of `pos`, moving the cursor there.
    fn locate(&mut self, buf: &[u8], base: u64, pos: usize) -> (u64, u64, u64) {
        self.advance(buf, pos);
        let (line_abs, utf16_before, from) = match self.start {
            LineStart::InBuffer(i) => (base + i as u64, 0, i),
            LineStart::Before { abs, utf16 } => (abs, utf16, 0),
        };
        let abs = base + pos as u64;
        let (from, counted) = match self.utf16_memo {
            Some((memo_pos, units)) if memo_pos <= pos => (memo_pos, units),
            _ => (from, utf16_before),
        };
        let utf16 = counted + utf16_units(buf.get(from..pos).unwrap_or_default());
        self.utf16_memo = Some((pos, utf16));
        (self.line, abs - line_abs + 1, utf16 + 1)
    }

    /// The cursor for the next round, after the first `shift` bytes of the buffer (which
    /// starts at absolute offset `base`) are dropped.
    fn rebase(mut self, buf: &[u8], base: u64, shift: usize) -> LineCursor {
        self.advance(buf, shift);
        let start = match self.start {
            LineStart::InBuffer(i) if i >= shift => LineStart::InBuffer(i - shift),
            LineStart::InBuffer(i) => LineStart::Before {
                abs: base + i as u64,
                utf16: utf16_units(buf.get(i..shift).unwrap_or_default()),
            },
            LineStart::Before { abs, utf16 } => LineStart::Before {
                abs,
                utf16: utf16 + utf16_units(buf.get(..shift).unwrap_or_default()),
            },
        };
        LineCursor {
            pos: self.pos.saturating_sub(shift),
            line: self.line,
            start,
            utf16_memo: None,
        }
    }
}

/// UTF-16 code units in `bytes` read as UTF-8: one per character, two for characters
/// outside the Basic Multilingual Plane (4-byte sequences). Invalid bytes count as one.
fn utf16_units(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0xbf => 0,
            0xf0..=0xff => 2,
            _ => 1,
        })
        .sum()
}

/// The kinds an allow marker at `at` silences: those listed after it
/// (`privaudit:allow cn_id,email`), or all kinds when nothing recognisable follows.
fn allowed_kinds(buf: &[u8], at: usize) -> KindSet {
    let mut i = at + ALLOW_MARKER.len();
    while i - at < ALLOW_MARKER.len() + 16 && matches!(buf.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    let start = i;
    while i - start < 128
        && buf
            .get(i)
            .is_some_and(|&b| b.is_ascii_lowercase() || b == b'_' || b == b',')
    {
        i += 1;
    }
    let mut set = KindSet::none();
    for name in buf.get(start..i).unwrap_or_default().split(|&b| b == b',') {
        if let Some(kind) = std::str::from_utf8(name)
            .ok()
            .and_then(|n| n.parse::<Kind>().ok())
        {
            set.insert(kind);
        }
    }
    if set.is_empty() { KindSet::all() } else { set }
}

/// Per-thread scanning state: the buffer and scratch space, reused from file to file.
pub(crate) struct Stream {
    buf: Vec<u8>,
    scratch: Scratch,
    finder: memmem::Finder<'static>,
}

impl Default for Stream {
    fn default() -> Stream {
        Stream::with_capacity(BUFFER)
    }
}

impl Stream {
    /// A stream with a buffer of `capacity` bytes (tests use small ones to exercise long
    /// lines cheaply); at least enough for the overlap and context of a cut.
    fn with_capacity(capacity: usize) -> Stream {
        Stream {
            buf: vec![0; capacity.max(2 * (OVERLAP + CONTEXT))],
            scratch: Scratch::default(),
            finder: memmem::Finder::new(ALLOW_MARKER),
        }
    }
}

enum Cut {
    /// After the last newline: everything before is complete.
    Newline,
    /// Inside a line longer than the buffer.
    Long,
    /// End of file.
    Eof,
}

impl Stream {
    /// Scans everything `reader` yields.
    pub(crate) fn scan(
        &mut self,
        matcher: &Matcher,
        mut reader: impl Read,
    ) -> io::Result<FileOutcome> {
        let mut len = 0usize;
        let mut base = 0u64;
        let mut floor = 0usize;
        let mut last_end_abs = 0u64;
        let mut start_is_boundary = true;
        let mut eof = false;
        let mut first = true;
        let mut cursor = LineCursor {
            pos: 0,
            line: 1,
            start: LineStart::InBuffer(0),
            utf16_memo: None,
        };
        let mut hits: Vec<FileHit> = Vec::new();
        let mut allows: Vec<(u64, KindSet)> = Vec::new();

        loop {
            while len < self.buf.len() && !eof {
                match reader.read(&mut self.buf[len..]) {
                    Ok(0) => eof = true,
                    Ok(n) => len += n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
            let buf = &self.buf[..len];
            if first {
                first = false;
                if memchr::memchr(0, &buf[..len.min(BINARY_PROBE)]).is_some() {
                    return Ok(FileOutcome::Binary);
                }
            }
            let (cut, kind) = if eof {
                (len, Cut::Eof)
            } else {
                match memchr::memrchr(b'\n', &buf[floor..]) {
                    Some(i) => (floor + i + 1, Cut::Newline),
                    None => (len.saturating_sub(OVERLAP).max(floor + 1), Cut::Long),
                }
            };
            // A newline cut ends the data the matcher sees, and is a real boundary.
            let (view, end_is_boundary) = match kind {
                Cut::Newline => (&buf[..cut], true),
                Cut::Long => (buf, false),
                Cut::Eof => (buf, true),
            };
            let edges = Edges {
                start_is_boundary,
                end_is_boundary,
            };

            // Allow markers first, with their own cursor, so both passes count lines
            // monotonically.
            let mut marker_cursor = cursor;
            for at in self.finder.find_iter(view) {
                if at < floor {
                    continue;
                }
                if at >= cut {
                    break;
                }
                // `privaudit:allowed` or `privaudit:allow-list` is prose, not the marker.
                let next = view.get(at + ALLOW_MARKER.len()).copied().unwrap_or(b' ');
                if next.is_ascii_alphanumeric() || next == b'_' || next == b'-' {
                    continue;
                }
                let (line, _, _) = marker_cursor.locate(view, base, at);
                allows.push((line, allowed_kinds(view, at)));
            }

            let mut round_cursor = cursor;
            matcher.scan(view, 0, edges, &mut self.scratch, &mut |hit: Hit| {
                let start_abs = base + hit.start as u64;
                if hit.start < floor || hit.start >= cut || start_abs < last_end_abs {
                    return;
                }
                last_end_abs = base + hit.end as u64;
                let (line, column, column_utf16) = round_cursor.locate(view, base, hit.start);
                hits.push(FileHit {
                    line,
                    column,
                    column_utf16,
                    kind: hit.kind,
                    masked: mask(hit.kind, &hit.value),
                    fingerprint: fingerprint(hit.kind, &hit.value),
                });
            });

            let shift = match kind {
                Cut::Eof => break,
                Cut::Newline => cut,
                Cut::Long => cut.saturating_sub(CONTEXT),
            };
            cursor = cursor.rebase(buf, base, shift);
            self.buf.copy_within(shift..len, 0);
            len -= shift;
            base += shift as u64;
            floor = cut - shift;
            start_is_boundary = matches!(kind, Cut::Newline);
        }

        if !allows.is_empty() {
            // Both lists are in line order: merge instead of searching, so a file full of
            // markers and findings stays linear.
            let mut a = 0;
            hits.retain(|h| {
                while allows.get(a).is_some_and(|(line, _)| *line < h.line) {
                    a += 1;
                }
                !allows
                    .get(a..)
                    .unwrap_or_default()
                    .iter()
                    .take_while(|(line, _)| *line == h.line)
                    .any(|(_, kinds)| kinds.contains(h.kind))
            });
        }
        Ok(FileOutcome::Text {
            bytes: base + len as u64,
            hits,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn matcher() -> Matcher {
        Matcher::new(
            KindSet::all(),
            NaiveDate::from_ymd_opt(2026, 3, 10).expect("date"),
        )
    }

    /// A reader that hands out at most `chunk` bytes per call, to exercise refills.
    struct Trickle<'a> {
        data: &'a [u8],
        chunk: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let n = self.chunk.min(out.len()).min(self.data.len());
            out[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    fn scan_with(stream: &mut Stream, data: &[u8], chunk: usize) -> Vec<FileHit> {
        match stream
            .scan(&matcher(), Trickle { data, chunk })
            .expect("reads")
        {
            FileOutcome::Text { bytes, hits } => {
                assert_eq!(bytes, data.len() as u64);
                hits
            }
            FileOutcome::Binary => panic!("unexpectedly binary"),
        }
    }

    fn scan(data: &str) -> Vec<(u64, u64, u64, Kind)> {
        scan_with(&mut Stream::default(), data.as_bytes(), usize::MAX)
            .into_iter()
            .map(|h| (h.line, h.column, h.column_utf16, h.kind))
            .collect()
    }

    #[test]
    fn lines_and_columns_are_one_based() {
        assert_eq!(
            scan("first\nsecond 13812345678\n\nzhang@qq.com"),
            vec![(2, 8, 8, Kind::CnMobile), (4, 1, 1, Kind::Email)]
        );
        assert_eq!(scan("13812345678"), vec![(1, 1, 1, Kind::CnMobile)]);
        assert_eq!(scan("\r\n13812345678\r\n"), vec![(2, 1, 1, Kind::CnMobile)]);
    }

    #[test]
    fn byte_and_utf16_columns_differ_after_non_ascii() {
        // "手机：" is 9 bytes and 3 UTF-16 units; "😀" is 4 bytes and 2 units.
        assert_eq!(scan("手机：13812345678"), vec![(1, 10, 4, Kind::CnMobile)]);
        assert_eq!(scan("😀 13812345678"), vec![(1, 6, 4, Kind::CnMobile)]);
    }

    #[test]
    fn binary_files_are_skipped() {
        let mut data = b"13812345678\n".to_vec();
        data.push(0);
        let outcome = Stream::default()
            .scan(&matcher(), &data[..])
            .expect("reads");
        assert!(matches!(outcome, FileOutcome::Binary));
        // A NUL after the first 8 KiB does not make a file binary.
        let mut late = vec![b'a'; 9000];
        late.push(0);
        late.extend_from_slice(b"\n13812345678\n");
        assert_eq!(
            scan_with(&mut Stream::default(), &late, usize::MAX).len(),
            1
        );
    }

    #[test]
    fn allow_markers() {
        let text = "13812345678 # privaudit:allow\n\
                    13812345678 zhang@qq.com // privaudit:allow email\n\
                    13812345678 zhang@qq.com // privaudit:allow cn_mobile,email\n\
                    13812345678 // privaudit:allow because it is a test fixture\n\
                    13812345678 // privaudit:allow bank_card\n\
                    13812345678 // privaudit:allowed is prose, not the marker\n";
        assert_eq!(
            scan(text),
            vec![
                (2, 1, 1, Kind::CnMobile),
                (5, 1, 1, Kind::CnMobile),
                (6, 1, 1, Kind::CnMobile)
            ]
        );
    }

    /// Plants `value` at every offset across several buffer cuts of a very long line
    /// (a tiny buffer makes cuts frequent) and checks it is found exactly once, at the
    /// right column, whatever the read sizes.
    #[test]
    fn long_lines_find_each_value_once_across_cuts() {
        let values = [
            ("13812345678", Kind::CnMobile),
            ("110105 19491231 002X", Kind::CnId),
            (
                "zhang.san.long.local.part@mail.example-corp.com.cn",
                Kind::Email,
            ),
            ("+86 138 1234 5678", Kind::CnMobile),
        ];
        let capacity = 2 * (OVERLAP + CONTEXT);
        for (value, kind) in values {
            for offset in (0..2 * capacity).step_by(7) {
                let mut line = "a ".repeat(offset / 2);
                if offset % 2 == 1 {
                    line.push('b');
                }
                line.push(' ');
                let column = line.len() as u64 + 1;
                line.push_str(value);
                line.push(' ');
                line.push_str(&"c ".repeat(capacity));
                line.push_str(" privaudit:allow-not-a-marker-for-this\nnext 13912345678\n");
                for chunk in [usize::MAX, 1000, 61] {
                    let hits =
                        scan_with(&mut Stream::with_capacity(capacity), line.as_bytes(), chunk);
                    let got: Vec<_> = hits.iter().map(|h| (h.line, h.column, h.kind)).collect();
                    assert_eq!(
                        got,
                        vec![(1, column, kind), (2, 6, Kind::CnMobile)],
                        "{value} at {offset}, reads of {chunk}"
                    );
                }
            }
        }
    }

    #[test]
    fn an_allow_marker_after_a_cut_still_applies_to_its_line() {
        let capacity = 2 * (OVERLAP + CONTEXT);
        let line = format!(
            "13812345678 {} privaudit:allow\n13912345678\n",
            "x ".repeat(3 * capacity)
        );
        let hits = scan_with(
            &mut Stream::with_capacity(capacity),
            line.as_bytes(),
            usize::MAX,
        );
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].line, 2);
    }

    #[test]
    fn utf16_columns_survive_cuts() {
        let capacity = 2 * (OVERLAP + CONTEXT);
        let prefix = "手".repeat(capacity); // 3 bytes, 1 UTF-16 unit each
        let line = format!("{prefix} 13812345678\n");
        let hits = scan_with(&mut Stream::with_capacity(capacity), line.as_bytes(), 100);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].column, 3 * capacity as u64 + 2);
        assert_eq!(hits[0].column_utf16, capacity as u64 + 2);
    }

    /// Whatever the buffer size and read sizes, a file yields the same findings: cuts in
    /// long lines neither lose nor duplicate anything.
    #[test]
    fn findings_do_not_depend_on_buffering() {
        let pieces: [&[u8]; 14] = [
            b"13812345678",
            b"11010519491231002X",
            b"4111 1111 1111 1111",
            b"zhang@qq.com",
            b"+86 ",
            b"-",
            b" ",
            b"\n",
            b"x",
            b"7",
            b"@",
            b".",
            "\u{624b}\u{673a}".as_bytes(),
            b"privaudit:allow email ",
        ];
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..30 {
            let mut data = Vec::new();
            while data.len() < 12_000 {
                let piece = pieces[(next() % pieces.len() as u64) as usize];
                // Mostly long lines: newlines are rare.
                if piece == b"\n" && next() % 100 != 0 {
                    continue;
                }
                data.extend_from_slice(piece);
            }
            let key = |hits: Vec<FileHit>| {
                hits.into_iter()
                    .map(|h| (h.line, h.column, h.column_utf16, h.kind, h.fingerprint))
                    .collect::<Vec<_>>()
            };
            let reference = key(scan_with(&mut Stream::default(), &data, usize::MAX));
            assert!(!reference.is_empty());
            let small = 2 * (OVERLAP + CONTEXT);
            for (capacity, chunk) in [
                (small, usize::MAX),
                (small, 97),
                (small + 13, 1),
                (5000, 4096),
            ] {
                let got = key(scan_with(
                    &mut Stream::with_capacity(capacity),
                    &data,
                    chunk,
                ));
                assert_eq!(got, reference, "capacity {capacity}, reads of {chunk}");
            }
        }
    }

    #[test]
    fn digit_runs_longer_than_the_buffer_are_not_findings() {
        let capacity = 2 * (OVERLAP + CONTEXT);
        let digits = "1".repeat(5 * capacity);
        let data = format!("{digits} 13812345678\n{digits}\n");
        let hits = scan_with(&mut Stream::with_capacity(capacity), data.as_bytes(), 333);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].column, 5 * capacity as u64 + 2);
    }
}

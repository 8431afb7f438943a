//! Check-digit and plausibility validators for each kind of personal data.
//!
//! These are pure functions over *normalised* values (digits only, upper-case `X`,
//! the e-mail address as found): finding candidates in text, separators and word
//! boundaries are the matcher's job. Keeping them pure lets the tests pin each rule to
//! published vectors.

use chrono::NaiveDate;

/// GB 11643-1999 weights of the first 17 digits of a resident ID number.
const CN_ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// The check character for each value of the weighted sum modulo 11 (ISO 7064 MOD 11-2).
const CN_ID_CHECK: &[u8; 11] = b"10X98765432";

/// Province-level codes of GB/T 2260 (the first two digits of a resident ID number).
/// A random 18-digit run rarely starts with one of these, which cuts false positives.
const CN_PROVINCES: [u8; 34] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
];

/// The earliest birth date accepted in a resident ID number.
const CN_ID_EARLIEST: (i32, u32, u32) = (1900, 1, 1);

fn digit(b: u8) -> Option<u32> {
    b.is_ascii_digit().then(|| u32::from(b - b'0'))
}

/// Parses `bytes` as a decimal number; `None` unless every byte is a digit.
fn number(bytes: &[u8]) -> Option<u32> {
    bytes
        .iter()
        .try_fold(0u32, |acc, &b| acc.checked_mul(10)?.checked_add(digit(b)?))
}

/// The GB 11643 check character for the first 17 digits of `id`, or `None` when one of
/// them is not a digit.
pub fn cn_id_check_char(first17: &[u8]) -> Option<u8> {
    if first17.len() != 17 {
        return None;
    }
    let mut sum = 0u32;
    for (&b, &w) in first17.iter().zip(CN_ID_WEIGHTS.iter()) {
        sum += digit(b)? * w;
    }
    CN_ID_CHECK.get((sum % 11) as usize).copied()
}

/// A Chinese resident ID number (GB 11643-1999): 17 digits and a check character (digit or
/// `X`/`x`), a GB/T 2260 province code, and a real calendar birth date between 1900-01-01
/// and `today`.
pub fn cn_id(id: &[u8], today: NaiveDate) -> bool {
    if id.len() != 18 {
        return false;
    }
    let (first17, check) = id.split_at(17);
    let Some(expected) = cn_id_check_char(first17) else {
        return false;
    };
    if check.first().map(u8::to_ascii_uppercase) != Some(expected) {
        return false;
    }
    let Some(province) = number(&id[..2]) else {
        return false;
    };
    if !CN_PROVINCES.iter().any(|&p| u32::from(p) == province) {
        return false;
    }
    let (Some(year), Some(month), Some(day)) =
        (number(&id[6..10]), number(&id[10..12]), number(&id[12..14]))
    else {
        return false;
    };
    let Ok(year) = i32::try_from(year) else {
        return false;
    };
    // from_ymd_opt rejects impossible dates such as 02-30 or 02-29 in a common year.
    let Some(birth) = NaiveDate::from_ymd_opt(year, month, day) else {
        return false;
    };
    let (y, m, d) = CN_ID_EARLIEST;
    NaiveDate::from_ymd_opt(y, m, d).is_some_and(|earliest| birth >= earliest) && birth <= today
}

/// A mainland China mobile number without country prefix: `1[3-9]` and 9 more digits.
pub fn cn_mobile(digits: &[u8]) -> bool {
    digits.len() == 11
        && digits.iter().all(u8::is_ascii_digit)
        && digits[0] == b'1'
        && (b'3'..=b'9').contains(&digits[1])
}

/// The Luhn (mod 10) checksum over a string of digits.
pub fn luhn(digits: &[u8]) -> bool {
    if digits.is_empty() {
        return false;
    }
    let mut sum = 0u32;
    for (i, &b) in digits.iter().rev().enumerate() {
        let Some(mut d) = digit(b) else {
            return false;
        };
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum.is_multiple_of(10)
}

/// A card network that issues numbers from a known IIN (issuer identification number)
/// range. The list is deliberately narrow: a prefix such as Maestro's historical "6" would
/// turn most Luhn-valid digit runs into findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Network {
    Visa,
    Mastercard,
    UnionPay,
    Amex,
    Jcb,
    Discover,
    Diners,
    Maestro,
    /// Domestic Chinese debit cards issued before UnionPay numbering (ICBC 9558,
    /// ABC 95599, Bank of China 6013), still in wallets.
    ChinaDomestic,
}

/// The network whose IIN range and length rules `digits` fits, if any.
pub fn card_network(digits: &[u8]) -> Option<Network> {
    let len = digits.len();
    let prefix = |n: usize| digits.get(..n).and_then(number);
    let in_range = |n: usize, lo: u32, hi: u32| prefix(n).is_some_and(|p| (lo..=hi).contains(&p));
    if !(13..=19).contains(&len) {
        return None;
    }
    if in_range(1, 4, 4) && matches!(len, 13 | 16 | 19) {
        return Some(Network::Visa);
    }
    if (in_range(2, 51, 55) || in_range(4, 2221, 2720)) && len == 16 {
        return Some(Network::Mastercard);
    }
    if (in_range(2, 34, 34) || in_range(2, 37, 37)) && len == 15 {
        return Some(Network::Amex);
    }
    if len >= 16 && (in_range(2, 62, 62) || in_range(2, 81, 81)) {
        return Some(Network::UnionPay);
    }
    if len >= 16 && in_range(4, 3528, 3589) {
        return Some(Network::Jcb);
    }
    if len >= 16 && (in_range(4, 6011, 6011) || in_range(3, 644, 649) || in_range(2, 65, 65)) {
        return Some(Network::Discover);
    }
    if len >= 14 && (in_range(2, 36, 36) || in_range(2, 38, 38) || in_range(3, 300, 305)) {
        return Some(Network::Diners);
    }
    const MAESTRO: [u32; 9] = [5018, 5020, 5038, 5893, 6304, 6759, 6761, 6762, 6763];
    if prefix(4).is_some_and(|p| MAESTRO.contains(&p)) {
        return Some(Network::Maestro);
    }
    if len >= 16
        && (in_range(4, 9558, 9558) || in_range(5, 95599, 95599) || in_range(4, 6013, 6013))
    {
        return Some(Network::ChinaDomestic);
    }
    None
}

/// A payment card number: 13–19 digits, Luhn-valid, from a known IIN range.
pub fn bank_card(digits: &[u8]) -> bool {
    digits.iter().all(u8::is_ascii_digit) && card_network(digits).is_some() && luhn(digits)
}

/// Top-level domains that are really file extensions (`icon@2x.png`, `pkg@1.2.0.tgz`):
/// a match ending in one of these is a file name, not a mailbox. Real TLDs that double as
/// extensions (`.rs`, `.py`, `.sh`, `.md`) are *not* listed: they are valid mail domains.
const FILE_EXTENSION_TLDS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "bmp", "ico", "tif", "tiff", "heic", "pdf",
    "css", "scss", "sass", "less", "js", "mjs", "cjs", "jsx", "ts", "tsx", "vue", "json", "html",
    "htm", "xml", "txt", "yaml", "yml", "toml", "lock", "ini", "cfg", "conf", "log", "csv", "tsv",
    "tar", "tgz", "gz", "bz2", "xz", "zst", "zip", "rar", "7z", "jar", "war", "map", "woff",
    "woff2", "ttf", "otf", "eot", "mp3", "mp4", "m4a", "wav", "ogg", "webm", "mov", "avi", "mkv",
    "flac", "exe", "dll", "dylib", "bin", "obj", "class", "pyc", "java", "kt", "kts", "swift",
    "cpp", "hpp", "cc", "hh", "cxx", "go", "rb", "php", "pl", "lua", "dart", "scala", "bak", "tmp",
    "swp", "orig", "patch", "diff", "wasm", "svelte",
];

/// Reserved documentation and special-use names (RFC 2606, RFC 6761, `.local` of mDNS):
/// addresses there belong to nobody, so they are not personal data.
const RESERVED_DOMAINS: &[&str] = &["example.com", "example.net", "example.org"];
const RESERVED_TLDS: &[&str] = &["example", "test", "invalid", "localhost", "local"];

/// Characters allowed in the local part (a pragmatic subset of RFC 5322 `atext`).
pub fn is_local_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-')
}

/// Characters allowed in a domain label.
pub fn is_domain_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-'
}

/// Whether `domain` is a plausible public mail domain: at least two labels of 1–63
/// letters, digits or inner hyphens, at most 253 bytes, an alphabetic TLD of at least two
/// letters that is not a file extension, and not reserved for documentation or testing.
pub fn email_domain(domain: &[u8]) -> bool {
    if domain.is_empty() || domain.len() > 253 {
        return false;
    }
    let mut labels = 0usize;
    let mut last: &[u8] = &[];
    let mut first: &[u8] = &[];
    for label in domain.split(|&b| b == b'.') {
        if label.is_empty()
            || label.len() > 63
            || !label.iter().all(|&b| is_domain_char(b))
            || label.first() == Some(&b'-')
            || label.last() == Some(&b'-')
        {
            return false;
        }
        if labels == 0 {
            first = label;
        }
        labels += 1;
        last = label;
    }
    if labels < 2 || last.len() < 2 || !last.iter().all(u8::is_ascii_alphabetic) {
        return false;
    }
    // Retina asset names: `logo@2x.avif`, `icon@3x.anything`.
    if first.len() >= 2
        && first.last().is_some_and(|&b| b == b'x' || b == b'X')
        && first[..first.len() - 1].iter().all(u8::is_ascii_digit)
    {
        return false;
    }
    let lower = String::from_utf8_lossy(domain).to_ascii_lowercase();
    let tld = lower.rsplit('.').next().unwrap_or_default();
    if FILE_EXTENSION_TLDS.contains(&tld) || RESERVED_TLDS.contains(&tld) {
        return false;
    }
    !RESERVED_DOMAINS.iter().any(|r| {
        lower == *r
            || lower
                .strip_suffix(r)
                .is_some_and(|rest| rest.ends_with('.'))
    })
}

/// Whether `local` is a plausible local part: 1–64 characters from [`is_local_char`],
/// not starting or ending with a dot and without two dots in a row.
pub fn email_local(local: &[u8]) -> bool {
    !local.is_empty()
        && local.len() <= 64
        && local.iter().all(|&b| is_local_char(b))
        && local.first() != Some(&b'.')
        && local.last() != Some(&b'.')
        && !local.windows(2).any(|w| w == b"..")
}

/// An e-mail address `local@domain` under the rules of [`email_local`] and
/// [`email_domain`], at most 254 bytes in all.
pub fn email(address: &[u8]) -> bool {
    if address.len() > 254 {
        return false;
    }
    let Some(at) = address.iter().rposition(|&b| b == b'@') else {
        return false;
    };
    email_local(&address[..at]) && email_domain(&address[at + 1..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, 10).expect("valid date")
    }

    /// Builds an ID number with a correct check character, computed here from the weights
    /// table independently of [`cn_id_check_char`].
    fn make_id(first17: &str) -> String {
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        let sum: u32 = first17
            .bytes()
            .zip(weights)
            .map(|(b, w)| u32::from(b - b'0') * w)
            .sum();
        let check = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'][(sum % 11) as usize];
        format!("{first17}{check}")
    }

    fn id_ok(s: &str) -> bool {
        cn_id(s.as_bytes(), today())
    }

    #[test]
    fn cn_id_published_vector() {
        assert!(id_ok("11010519491231002X"));
        assert!(id_ok("11010519491231002x"), "lower-case x is accepted");
        assert!(!id_ok("110105194912310021"), "wrong check digit");
        assert_eq!(cn_id_check_char(b"11010519491231002"), Some(b'X'));
    }

    #[test]
    fn cn_id_check_digit_detects_single_errors() {
        let good = make_id("44030619900307123");
        assert!(id_ok(&good));
        // Changing any one of the 17 digits changes the check character (MOD 11-2 detects
        // every single-digit error).
        for i in 0..17 {
            let mut bytes = good.clone().into_bytes();
            bytes[i] = if bytes[i] == b'9' { b'0' } else { bytes[i] + 1 };
            assert!(!cn_id(&bytes, today()), "altered digit {i} still valid");
        }
    }

    #[test]
    fn cn_id_leap_days() {
        assert!(id_ok(&make_id("11010520000229123")), "2000 is a leap year");
        assert!(id_ok(&make_id("11010520240229123")), "2024 is a leap year");
        assert!(
            !id_ok(&make_id("11010519000229123")),
            "1900 is not a leap year"
        );
        assert!(
            !id_ok(&make_id("11010520230229123")),
            "2023 is not a leap year"
        );
        assert!(!id_ok(&make_id("11010520230230123")));
        assert!(!id_ok(&make_id("11010520231301123")), "month 13");
        assert!(!id_ok(&make_id("11010520231200123")), "day 0");
        assert!(!id_ok(&make_id("11010520230431123")), "April has 30 days");
    }

    #[test]
    fn cn_id_date_range() {
        assert!(id_ok(&make_id("11010519000101123")));
        assert!(!id_ok(&make_id("11010518991231123")), "before 1900");
        assert!(id_ok(&make_id("11010520260310123")), "born today");
        assert!(!id_ok(&make_id("11010520260311123")), "born tomorrow");
        assert!(!id_ok(&make_id("11010530000101123")));
    }

    #[test]
    fn cn_id_province_codes() {
        for p in [11, 15, 21, 23, 31, 37, 41, 46, 50, 54, 61, 65, 71, 81, 82] {
            assert!(
                id_ok(&make_id(&format!("{p}010519800101123"))),
                "province {p}"
            );
        }
        for p in [
            0, 10, 16, 20, 24, 30, 38, 40, 47, 49, 55, 60, 66, 70, 72, 80, 83, 90, 99,
        ] {
            assert!(
                !id_ok(&make_id(&format!("{p:02}010519800101123"))),
                "province {p}"
            );
        }
    }

    #[test]
    fn cn_id_rejects_malformed() {
        assert!(!id_ok(""));
        assert!(!id_ok("11010519491231002"));
        assert!(!id_ok("11010519491231002XX"));
        assert!(!id_ok("1101051949123100YX"));
        assert!(!id_ok("X1010519491231002X"));
        assert!(!cn_id("11010519491231002\u{00e9}".as_bytes(), today()));
    }

    #[test]
    fn cn_mobile_prefixes() {
        assert!(cn_mobile(b"13812345678"));
        assert!(cn_mobile(b"19912345678"));
        assert!(cn_mobile(b"15012345678"));
        assert!(
            !cn_mobile(b"12812345678"),
            "12x is not allocated to mobiles"
        );
        assert!(!cn_mobile(b"10086123456"));
        assert!(!cn_mobile(b"23812345678"));
        assert!(!cn_mobile(b"1381234567"));
        assert!(!cn_mobile(b"138123456789"));
        assert!(!cn_mobile(b"1381234567a"));
    }

    /// Appends the Luhn check digit, computed here the textbook way.
    fn with_luhn(body: &str) -> String {
        let mut sum = 0;
        for (i, c) in body.chars().rev().enumerate() {
            let mut d = c.to_digit(10).expect("digit");
            if i % 2 == 0 {
                d *= 2;
                if d > 9 {
                    d -= 9;
                }
            }
            sum += d;
        }
        format!("{body}{}", (10 - sum % 10) % 10)
    }

    #[test]
    fn luhn_published_vectors() {
        assert!(luhn(b"79927398713"), "the textbook example");
        assert!(!luhn(b"79927398710"));
        assert!(luhn(b"4111111111111111"));
        assert!(luhn(b"5555555555554444"));
        assert!(luhn(b"378282246310005"));
        assert!(luhn(b"6011111111111117"));
        assert!(luhn(b"3530111333300000"));
        assert!(luhn(b"6200000000000005"));
        assert!(!luhn(b""));
        assert!(!luhn(b"4111a11111111111"));
    }

    #[test]
    fn luhn_catches_single_digit_errors_and_most_transpositions() {
        let good = with_luhn("622202123456789012");
        assert!(luhn(good.as_bytes()));
        let bytes = good.as_bytes();
        for i in 0..bytes.len() {
            let mut b = bytes.to_vec();
            b[i] = if b[i] == b'9' { b'0' } else { b[i] + 1 };
            assert!(!luhn(&b), "changed digit {i}");
        }
        // Swapping two adjacent different digits fails, except for the 09/90 pair Luhn
        // is known not to detect.
        let mut swapped = bytes.to_vec();
        swapped.swap(4, 5); // "02" -> "20"
        assert!(!luhn(&swapped));
        assert!(luhn(b"0900000000000000") == luhn(b"9000000000000000"));
    }

    #[test]
    fn bank_card_needs_a_known_iin() {
        assert!(bank_card(b"4111111111111111"), "Visa");
        assert!(bank_card(b"4222222222222"), "Visa, 13 digits");
        assert!(bank_card(b"5555555555554444"), "Mastercard 5x");
        assert!(bank_card(b"2221000000000009"), "Mastercard 2-series");
        assert!(bank_card(b"378282246310005"), "Amex");
        assert!(bank_card(b"6011111111111117"), "Discover");
        assert!(bank_card(b"3530111333300000"), "JCB");
        assert!(bank_card(b"30569309025904"), "Diners, 14 digits");
        assert!(
            bank_card(with_luhn("622202123456789012").as_bytes()),
            "UnionPay 19"
        );
        assert!(
            bank_card(with_luhn("621700123456789").as_bytes()),
            "UnionPay 16"
        );
        assert!(
            bank_card(with_luhn("817100123456789").as_bytes()),
            "UnionPay 81"
        );
        assert!(
            bank_card(with_luhn("955880123456789012").as_bytes()),
            "ICBC 9558"
        );

        assert!(!bank_card(b"0000000000000000"), "Luhn-valid but no issuer");
        assert!(!bank_card(b"0000000000000"));
        assert!(
            !bank_card(with_luhn("123456789012345").as_bytes()),
            "1x is no network"
        );
        assert!(
            !bank_card(with_luhn("720000000000000").as_bytes()),
            "72 is no network"
        );
        assert!(
            !bank_card(with_luhn("272100000000000").as_bytes()),
            "past 2720"
        );
        assert!(
            !bank_card(with_luhn("222000000000000").as_bytes()),
            "below 2221"
        );
        assert!(
            !bank_card(with_luhn("3782822463100").as_bytes()),
            "Amex is 15 long"
        );
        assert!(
            !bank_card(with_luhn("41111111111111").as_bytes()),
            "Visa is not 15 long"
        );
        assert!(!bank_card(b"4111111111111112"), "Luhn fails");
        assert!(
            !bank_card(with_luhn("41111111111111111111").as_bytes()),
            "20 digits"
        );
        assert!(!bank_card(with_luhn("41111111111").as_bytes()), "12 digits");
        // A ms timestamp (starts with 1) and a date-based order number (20…) are no cards.
        assert!(!bank_card(with_luhn("174157440000").as_bytes()));
        assert!(!bank_card(with_luhn("202403101234567").as_bytes()));
    }

    #[test]
    fn card_networks() {
        assert_eq!(card_network(b"4111111111111111"), Some(Network::Visa));
        assert_eq!(card_network(b"2720990000000000"), Some(Network::Mastercard));
        assert_eq!(card_network(b"6449000000000000"), Some(Network::Discover));
        assert_eq!(card_network(b"6500000000000000"), Some(Network::Discover));
        assert_eq!(card_network(b"3000000000000000"), Some(Network::Diners));
        assert_eq!(card_network(b"3060000000000000"), None, "306 is not Diners");
        assert_eq!(card_network(b"5018000000000000"), Some(Network::Maestro));
        assert_eq!(
            card_network(b"6000000000000000"),
            None,
            "bare 6 is too broad"
        );
        assert_eq!(card_network(b"3527000000000000"), None, "just below JCB");
        assert_eq!(card_network(b"3590000000000000"), None, "just above JCB");
    }

    #[test]
    fn email_accepts_ordinary_addresses() {
        for ok in [
            "zhang.san@qq.com",
            "zhang+news@mail.163.com",
            "a@b.cn",
            "first_last-1@sub.example-mail.co.uk",
            "13812345678@139.com",
            "x@xn--bcher-kva.de",
        ] {
            assert!(email(ok.as_bytes()), "{ok}");
        }
    }

    #[test]
    fn email_rejects_non_addresses() {
        for bad in [
            "foo@2x.png",
            "logo@3x.avif",
            "icon@2x.webp",
            "lodash@4.17.21",
            "user@localhost",
            "root@host",
            "admin@192.168.1.1",
            "@example.com",
            "user@example.com",
            "user@mail.example.org",
            "user@example.net",
            "dev@service.test",
            "a@b.invalid",
            "printer@office.local",
            "pkg@1.2.0.tgz",
            ".zhang@qq.com",
            "zhang.@qq.com",
            "zh..ang@qq.com",
            "zhang@-qq.com",
            "zhang@qq-.com",
            "zhang@qq..com",
            "zhang@qq.c",
            "zhang@qq.c0m",
            "zhang@.com",
            "zhang@",
            "zhang",
        ] {
            assert!(!email(bad.as_bytes()), "{bad}");
        }
        let long_local = format!("{}@qq.com", "a".repeat(65));
        assert!(!email(long_local.as_bytes()));
        let long_label = format!("a@{}.com", "b".repeat(64));
        assert!(!email(long_label.as_bytes()));
    }
}

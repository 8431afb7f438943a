//! Masking and fingerprinting: the only places a full personal-data value is looked at
//! after it has been found. Nothing here returns or formats the full value.

use std::fmt;

use sha2::{Digest, Sha256};

use super::Kind;

/// A normalised personal-data value (digits only with an upper-case `X` for numbers, the
/// lower-cased address for e-mail). Its `Debug` never shows the value, so a stray `{:?}`
/// in an error or a log cannot leak it.
pub(crate) struct Secret(String);

impl Secret {
    pub(crate) fn new(value: String) -> Secret {
        Secret(value)
    }

    /// The value as it was normalised; used only to mask and fingerprint it.
    fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

/// Keeps `keep_start` leading and `keep_end` trailing characters and replaces the rest with
/// `*`, one per hidden character. Values too short to hide anything are masked completely.
fn keep_ends(value: &str, keep_start: usize, keep_end: usize) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() <= keep_start + keep_end {
        return "*".repeat(chars.len().max(1));
    }
    let hidden = chars.len() - keep_start - keep_end;
    let mut out = String::with_capacity(chars.len());
    out.extend(&chars[..keep_start]);
    out.extend(std::iter::repeat_n('*', hidden));
    out.extend(&chars[keep_start + hidden..]);
    out
}

/// The masked form shown to users:
/// - `cn_id`: first 6 (region) and last 4 kept: `110105********002X`;
/// - `cn_mobile`: first 3 and last 4 kept: `138****5678`;
/// - `bank_card`: at most the first 6 (issuer) and last 4 kept: `622202*********0128`;
/// - `email`: first character of the local part, `***`, the domain: `z***@qq.com`.
pub(crate) fn mask(kind: Kind, value: &Secret) -> String {
    let v = value.expose();
    match kind {
        Kind::CnId | Kind::BankCard => keep_ends(v, 6, 4),
        Kind::CnMobile => keep_ends(v, 3, 4),
        Kind::Email => match v.rsplit_once('@') {
            Some((local, domain)) => {
                let first = local.chars().next().map(String::from).unwrap_or_default();
                format!("{first}***@{domain}")
            }
            None => "***".to_owned(),
        },
    }
}

/// Lower-case hex SHA-256 of `kind:normalised value`. Normalisation (done by the matcher)
/// makes the same value found with different separators or case share one fingerprint;
/// the kind prefix keeps a number that is valid as two kinds from colliding.
pub(crate) fn fingerprint(kind: Kind, value: &Secret) -> String {
    let mut hasher = Sha256::new();
    hasher.update(kind.name().as_bytes());
    hasher.update(b":");
    hasher.update(value.expose().as_bytes());
    let digest = hasher.finalize();
    let mut hex = String::with_capacity(64);
    for byte in digest {
        hex.push(char::from(b"0123456789abcdef"[usize::from(byte >> 4)]));
        hex.push(char::from(b"0123456789abcdef"[usize::from(byte & 0x0f)]));
    }
    hex
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(s: &str) -> Secret {
        Secret::new(s.to_owned())
    }

    #[test]
    fn masks_keep_only_the_documented_ends() {
        assert_eq!(
            mask(Kind::CnId, &secret("11010519491231002X")),
            "110105********002X"
        );
        assert_eq!(mask(Kind::CnMobile, &secret("13812345678")), "138****5678");
        assert_eq!(
            mask(Kind::BankCard, &secret("6222021234567890128")),
            "622202*********0128"
        );
        assert_eq!(
            mask(Kind::BankCard, &secret("4222222222222")),
            "422222***2222"
        );
        assert_eq!(
            mask(Kind::Email, &secret("zhang.san@qq.com")),
            "z***@qq.com"
        );
    }

    #[test]
    fn masks_never_contain_the_hidden_middle() {
        for (kind, value, middle) in [
            (Kind::CnId, "11010519491231002X", "19491231"),
            (Kind::CnMobile, "13812345678", "1234"),
            (Kind::BankCard, "6222021234567890128", "123456789"),
            (Kind::Email, "zhang.san@qq.com", "hang.san"),
        ] {
            let masked = mask(kind, &secret(value));
            assert!(!masked.contains(middle), "{masked}");
            assert!(!masked.contains(value));
        }
    }

    #[test]
    fn degenerate_values_are_fully_masked() {
        assert_eq!(mask(Kind::CnMobile, &secret("123")), "***");
        assert_eq!(mask(Kind::CnId, &secret("")), "*");
        assert_eq!(mask(Kind::Email, &secret("no-at-sign")), "***");
    }

    #[test]
    fn debug_is_redacted() {
        let s = secret("11010519491231002X");
        assert!(!format!("{s:?}").contains("1949"));
    }

    #[test]
    fn fingerprint_is_sha256_of_kind_and_value() {
        // sha256("cn_id:11010519491231002X"), computed with `sha256sum`.
        assert_eq!(
            fingerprint(Kind::CnId, &secret("11010519491231002X")),
            "86e5940e774d4c29925cc3ea1954de7764ec8ebbdc5cdc94934ec2639418654b"
        );
        assert_ne!(
            fingerprint(Kind::CnMobile, &secret("13812345678")),
            fingerprint(Kind::BankCard, &secret("13812345678"))
        );
    }
}

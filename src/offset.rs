//! Due offsets such as `2h`, `3d`, `2w`, `1mo`, `3y`: how long after the anchor a step is due.

use chrono::{DateTime, Days, FixedOffset, Months, NaiveDate, TimeDelta};
use std::fmt;

/// A span of time with a calendar-aware unit: months and years move the calendar date
/// (Jan 31 + 1mo = Feb 28 or 29) instead of adding a fixed number of days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Offset {
    Minutes(u32),
    Hours(u32),
    Days(u32),
    Weeks(u32),
    Months(u32),
    Years(u32),
}

/// Offsets beyond this are almost certainly typos (and would overflow date arithmetic).
const MAX_AMOUNT: u32 = 100_000;

impl Offset {
    pub fn parse(s: &str) -> Result<Offset, String> {
        let s = s.trim();
        let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let (digits, unit) = s.split_at(split);
        let expected = "expected <number><unit> with unit min, h, d, w, mo or y (e.g. 2h, 3d, 1mo)";
        if digits.is_empty() {
            return Err(format!("{expected}, found `{s}`"));
        }
        let n: u32 = digits
            .parse()
            .ok()
            .filter(|n| *n <= MAX_AMOUNT)
            .ok_or_else(|| format!("offset `{s}` is too large"))?;
        Ok(match unit {
            "min" => Offset::Minutes(n),
            "h" => Offset::Hours(n),
            "d" => Offset::Days(n),
            "w" => Offset::Weeks(n),
            "mo" => Offset::Months(n),
            "y" => Offset::Years(n),
            _ => return Err(format!("{expected}, found `{s}`")),
        })
    }

    /// Whether the offset is finer than a day (due times then show the hour).
    pub fn is_sub_day(self) -> bool {
        matches!(self, Offset::Minutes(_) | Offset::Hours(_))
    }

    /// `at + self`, or `None` if the result is out of the representable range.
    pub fn add_to(self, at: DateTime<FixedOffset>) -> Option<DateTime<FixedOffset>> {
        match self {
            Offset::Minutes(n) => at.checked_add_signed(TimeDelta::minutes(n.into())),
            Offset::Hours(n) => at.checked_add_signed(TimeDelta::hours(n.into())),
            Offset::Days(n) => at.checked_add_days(Days::new(n.into())),
            Offset::Weeks(n) => at.checked_add_days(Days::new(u64::from(n) * 7)),
            Offset::Months(n) => at.checked_add_months(Months::new(n)),
            Offset::Years(n) => n
                .checked_mul(12)
                .and_then(|m| at.checked_add_months(Months::new(m))),
        }
    }

    /// `date - self` (for `30d ago`); sub-day offsets round to whole days.
    pub fn sub_from_date(self, date: NaiveDate) -> Option<NaiveDate> {
        match self {
            Offset::Minutes(n) => date.checked_sub_days(Days::new(u64::from(n) / (24 * 60))),
            Offset::Hours(n) => date.checked_sub_days(Days::new(u64::from(n) / 24)),
            Offset::Days(n) => date.checked_sub_days(Days::new(n.into())),
            Offset::Weeks(n) => date.checked_sub_days(Days::new(u64::from(n) * 7)),
            Offset::Months(n) => date.checked_sub_months(Months::new(n)),
            Offset::Years(n) => n
                .checked_mul(12)
                .and_then(|m| date.checked_sub_months(Months::new(m))),
        }
    }
}

impl fmt::Display for Offset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Offset::Minutes(n) => write!(f, "{n}min"),
            Offset::Hours(n) => write!(f, "{n}h"),
            Offset::Days(n) => write!(f, "{n}d"),
            Offset::Weeks(n) => write!(f, "{n}w"),
            Offset::Months(n) => write!(f, "{n}mo"),
            Offset::Years(n) => write!(f, "{n}y"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    #[test]
    fn parses_every_unit_and_rejects_junk() {
        assert_eq!(Offset::parse("0h"), Ok(Offset::Hours(0)));
        assert_eq!(Offset::parse("30min"), Ok(Offset::Minutes(30)));
        assert_eq!(Offset::parse("3d"), Ok(Offset::Days(3)));
        assert_eq!(Offset::parse("2w"), Ok(Offset::Weeks(2)));
        assert_eq!(Offset::parse("1mo"), Ok(Offset::Months(1)));
        assert_eq!(Offset::parse("3y"), Ok(Offset::Years(3)));
        for bad in [
            "",
            "h",
            "3",
            "3 days",
            "-1d",
            "1.5h",
            "3m",
            "99999999999d",
            "2x",
        ] {
            assert!(Offset::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn month_offsets_clamp_to_month_end() {
        let jan31 = at("2025-01-31T10:00:00+08:00");
        assert_eq!(
            Offset::Months(1).add_to(jan31),
            Some(at("2025-02-28T10:00:00+08:00"))
        );
        let leap = at("2024-01-31T10:00:00+08:00");
        assert_eq!(
            Offset::Months(1).add_to(leap),
            Some(at("2024-02-29T10:00:00+08:00"))
        );
        let feb29 = at("2024-02-29T00:00:00+00:00");
        assert_eq!(
            Offset::Years(1).add_to(feb29),
            Some(at("2025-02-28T00:00:00+00:00"))
        );
        assert_eq!(
            Offset::Years(3).add_to(feb29),
            Some(at("2027-02-28T00:00:00+00:00"))
        );
    }

    #[test]
    fn day_and_hour_offsets_cross_month_and_year_ends() {
        let eve = at("2025-12-31T22:30:00+08:00");
        assert_eq!(
            Offset::Hours(2).add_to(eve),
            Some(at("2026-01-01T00:30:00+08:00"))
        );
        assert_eq!(
            Offset::Days(1).add_to(eve),
            Some(at("2026-01-01T22:30:00+08:00"))
        );
        assert_eq!(
            Offset::Weeks(2).add_to(at("2026-02-20T09:00:00+00:00")),
            Some(at("2026-03-06T09:00:00+00:00"))
        );
        assert_eq!(
            Offset::Days(30).add_to(at("2024-02-01T00:00:00+00:00")),
            Some(at("2024-03-02T00:00:00+00:00"))
        );
    }

    #[test]
    fn spans_back_from_a_date() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 31).unwrap();
        assert_eq!(
            Offset::Months(1).sub_from_date(d),
            NaiveDate::from_ymd_opt(2026, 2, 28)
        );
        assert_eq!(
            Offset::Days(31).sub_from_date(d),
            NaiveDate::from_ymd_opt(2026, 2, 28)
        );
        assert_eq!(
            Offset::Years(3).sub_from_date(d),
            NaiveDate::from_ymd_opt(2023, 3, 31)
        );
    }

    #[test]
    fn huge_offsets_do_not_overflow() {
        let now = at("2026-01-01T00:00:00+00:00");
        assert!(Offset::Years(100_000).add_to(now).is_some());
        let near_max = chrono::NaiveDate::from_ymd_opt(262_000, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap()
            .and_utc()
            .fixed_offset();
        assert_eq!(Offset::Years(100_000).add_to(near_max), None);
        assert_eq!(Offset::Days(100_000).add_to(near_max), None);
        assert_eq!(
            Offset::Minutes(100_000).sub_from_date(chrono::NaiveDate::MIN),
            None
        );
    }
}

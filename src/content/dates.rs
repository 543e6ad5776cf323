//! Front-matter dates, checked with jiff (the one module that uses it):
//! an RFC 3339 date (`2026-03-01`) or date-time with an offset
//! (`2026-03-01T09:30:00+01:00`). Impossible days (`2024-02-30`) and
//! anything after the date that is not a time are refused.

use std::cmp::Ordering;
use std::str::FromStr;

/// A checked front-matter date: the calendar day as written and, when a
/// time was given, the instant it names. Parsed once when a page loads, so
/// sorting, feeds, sitemaps and templates never read date strings again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Date {
    /// The `YYYY-MM-DD` part as written (not moved to UTC).
    day: jiff::civil::Date,
    /// The instant of a date-time, or midnight UTC of a plain day: where
    /// it sorts (made once: lists of 10,000 pages compare dates often).
    instant: jiff::Timestamp,
    /// Whether a time was given.
    timed: bool,
}

impl Date {
    /// Parses `s` as an RFC 3339 date or date-time; the message says why not.
    pub fn parse(s: &str) -> Result<Date, String> {
        let s = s.trim();
        // jiff also reads time zone annotations (`[Europe/Paris]`); a feed and
        // a sitemap need plain RFC 3339, so only its characters are allowed.
        if let Some(c) = s.chars().find(|c| {
            !(c.is_ascii_digit() || matches!(c, '-' | ':' | '.' | '+' | 'T' | 't' | 'Z' | 'z'))
        }) {
            return Err(format!(
                "`{}` is not part of a date or time",
                c.escape_default()
            ));
        }
        if s.len() == 10 {
            let day = jiff::civil::Date::from_str(s).map_err(|e| e.to_string())?;
            let instant = day
                .to_zoned_datetime(jiff::tz::TimeZone::UTC)
                .map_or(jiff::Timestamp::MIN, |z| z.timestamp());
            return Ok(Date {
                day,
                instant,
                timed: false,
            });
        }
        let instant = jiff::Timestamp::from_str(s).map_err(|e| e.to_string())?;
        // A valid timestamp starts with a valid `YYYY-MM-DD` (ASCII only).
        let day = s
            .get(..10)
            .and_then(|d| jiff::civil::Date::from_str(d).ok())
            .ok_or_else(|| format!("`{s}` does not start with a date"))?;
        Ok(Date {
            day,
            instant,
            timed: true,
        })
    }

    /// The calendar day as written, `2026-03-01`, for templates and JSON-LD.
    pub fn day(&self) -> String {
        self.day.to_string()
    }

    /// The date as RFC 3339 for feeds and sitemaps: the day as written, or
    /// the instant in UTC (`2026-03-01T08:30:00Z`), keeping a time when given.
    pub fn rfc3339(&self) -> String {
        match self.timed {
            false => self.day.to_string(),
            true => self.instant.to_string(),
        }
    }
}

/// Oldest first, by the moment each date names (a plain day is its midnight
/// UTC), then by the day as written.
impl Ord for Date {
    fn cmp(&self, other: &Date) -> Ordering {
        (self.instant, self.day).cmp(&(other.instant, other.day))
    }
}

impl PartialOrd for Date {
    fn partial_cmp(&self, other: &Date) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// True when `s` is a date [`Date::parse`] accepts (the `date` template filter
/// reads strings).
pub fn is_date(s: &str) -> bool {
    Date::parse(s).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_times() {
        assert!(is_date("2026-03-01"));
        assert!(is_date("2024-02-29"));
        assert!(is_date("2026-03-01T09:30:00+01:00"));
        assert!(is_date("2026-03-01T09:30:00Z"));
        for bad in [
            "2024-02-30",
            "2023-02-29",
            "2026-13-01",
            "2026-3-1",
            "2024-01-01Tgarbage<script>",
            "2024-01-01T10:00:00Z[Europe/Paris]",
            "2024-01-01x",
            "",
        ] {
            assert!(!is_date(bad), "{bad} accepted");
        }
        let d = |s: &str| Date::parse(s).unwrap();
        assert_eq!(d("2026-03-01").rfc3339(), "2026-03-01");
        assert_eq!(
            d("2026-03-01T09:30:00+01:00").rfc3339(),
            "2026-03-01T08:30:00Z"
        );
        // The day as written, even when UTC is on another day.
        assert_eq!(d("2026-03-01T00:30:00+01:00").day(), "2026-03-01");
        assert_eq!(d(" 2026-03-01 ").day(), "2026-03-01");
    }

    #[test]
    fn dates_sort_by_the_moment_they_name() {
        let d = |s: &str| Date::parse(s).unwrap();
        assert!(d("2026-03-01") < d("2026-03-02"));
        assert!(d("2025-12-31") < d("2026-01-01"));
        assert!(d("2026-03-01") < d("2026-03-01T09:00:00Z"));
        assert!(d("2026-03-01T09:00:00+01:00") < d("2026-03-01T09:00:00Z"));
        // 23:00 in New York is 04:00 UTC on the next day.
        assert!(d("2026-03-02") < d("2026-03-01T23:00:00-05:00"));
        assert_eq!(d("2026-03-01").cmp(&d("2026-03-01")), Ordering::Equal);
        assert!(None < Some(d("1970-01-01")), "undated sorts first");
    }
}

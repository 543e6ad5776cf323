//! Front-matter dates, checked with jiff (the one module that uses it):
//! an RFC 3339 date (`2026-03-01`) or date-time with an offset
//! (`2026-03-01T09:30:00+01:00`). Impossible days (`2024-02-30`) and
//! anything after the date that is not a time are refused.

use std::str::FromStr;

/// A checked date: either a calendar day or an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Date {
    /// `YYYY-MM-DD`.
    Day(jiff::civil::Date),
    /// A date-time with its offset, kept as the instant it names.
    Instant(jiff::Timestamp),
}

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
        return jiff::civil::Date::from_str(s)
            .map(Date::Day)
            .map_err(|e| e.to_string());
    }
    jiff::Timestamp::from_str(s)
        .map(Date::Instant)
        .map_err(|e| e.to_string())
}

/// True when `s` is a date [`parse`] accepts.
pub fn is_date(s: &str) -> bool {
    parse(s).is_ok()
}

/// The date as RFC 3339 for feeds and sitemaps: the day as written, or the
/// instant in UTC (`2026-03-01T08:30:00Z`), keeping a time when given.
pub fn rfc3339(s: &str) -> Option<String> {
    Some(match parse(s).ok()? {
        Date::Day(d) => d.to_string(),
        Date::Instant(t) => t.to_string(),
    })
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
        assert_eq!(rfc3339("2026-03-01").as_deref(), Some("2026-03-01"));
        assert_eq!(
            rfc3339("2026-03-01T09:30:00+01:00").as_deref(),
            Some("2026-03-01T08:30:00Z")
        );
    }
}

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// One severity scale across every source. Ordered from least to most severe, so
/// `max()` and descending sorts put the worst first.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    /// GuardDuty's numeric bands: Critical 9.0–10.0, High 7.0–8.9, Medium 4.0–6.9,
    /// Low 1.0–3.9. Anything below 1.0 (or not a number) is informational.
    pub fn from_guardduty_score(score: f64) -> Severity {
        if score >= 9.0 {
            Severity::Critical
        } else if score >= 7.0 {
            Severity::High
        } else if score >= 4.0 {
            Severity::Medium
        } else if score >= 1.0 {
            Severity::Low
        } else {
            Severity::Info
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Severity::Critical => "Critical",
            Severity::High => "High",
            Severity::Medium => "Medium",
            Severity::Low => "Low",
            Severity::Info => "Info",
        }
    }

    /// Fixed-width tag so severity reads without colour (monochrome terminals, NO_COLOR).
    pub fn tag(self) -> &'static str {
        match self {
            Severity::Critical => "CRIT",
            Severity::High => "HIGH",
            Severity::Medium => "MED ",
            Severity::Low => "LOW ",
            Severity::Info => "INFO",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl FromStr for Severity {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "critical" | "crit" => Ok(Severity::Critical),
            "high" => Ok(Severity::High),
            "medium" | "med" => Ok(Severity::Medium),
            "low" => Ok(Severity::Low),
            "info" | "informational" => Ok(Severity::Info),
            other => Err(format!(
                "unknown severity `{other}` (expected critical, high, medium, low or info)"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guardduty_bands_match_the_documented_ranges() {
        assert_eq!(Severity::from_guardduty_score(10.0), Severity::Critical);
        assert_eq!(Severity::from_guardduty_score(9.0), Severity::Critical);
        assert_eq!(Severity::from_guardduty_score(8.9), Severity::High);
        assert_eq!(Severity::from_guardduty_score(7.0), Severity::High);
        assert_eq!(Severity::from_guardduty_score(6.9), Severity::Medium);
        assert_eq!(Severity::from_guardduty_score(4.0), Severity::Medium);
        assert_eq!(Severity::from_guardduty_score(3.9), Severity::Low);
        assert_eq!(Severity::from_guardduty_score(1.0), Severity::Low);
        assert_eq!(Severity::from_guardduty_score(0.5), Severity::Info);
        assert_eq!(Severity::from_guardduty_score(f64::NAN), Severity::Info);
    }

    #[test]
    fn ordering_puts_critical_highest() {
        assert!(Severity::Critical > Severity::High);
        assert!(Severity::Medium > Severity::Low);
        assert!(Severity::Low > Severity::Info);
    }

    #[test]
    fn parses_case_insensitively_and_rejects_unknown() {
        assert_eq!("HIGH".parse::<Severity>(), Ok(Severity::High));
        assert!("severe".parse::<Severity>().is_err());
    }
}

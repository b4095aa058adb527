//! What an action's preview says, as plain lines: the target and account, which stay in
//! view however short the terminal, then the region, API call, permission, risk, undo and
//! CLI equivalent, which scroll beneath them (↑/↓) when the dialog is taller than the room.
//! Laid out here so that `update` bounds the scroll by the same lines the screen shows.

use super::state::{App, HEADER_ROWS, STATUS_ROWS, TAB_BAR_ROWS};
use crate::domain::Organization;
use crate::panes::{DetailLine, Tone, detail_rows};
use crate::remediation::{Offer, Risk};

/// The widest a dialog is drawn, borders included.
pub const MAX_WIDTH: u16 = 96;

/// The label of the CLI equivalent, which a short terminal shows on one line.
pub const CLI: &str = "CLI";

/// The line under the scrolled part: the footer's keys.
pub const TAIL_ROWS: usize = 1;

/// The preview's fields: those that stay in view (target and account), and the rest.
pub fn fields(offer: &Offer, org: Option<&Organization>) -> (Vec<DetailLine>, Vec<DetailLine>) {
    let spec = offer.spec();
    let account = offer.target.account_id();
    let mut head = vec![DetailLine::field("Target", offer.target.describe())];
    head.extend(account_lines(account, org));
    let mut rest = vec![
        DetailLine::field(
            "Region",
            offer
                .target
                .region()
                .map_or("global (IAM)".to_string(), ToString::to_string),
        ),
        DetailLine::field("API call", spec.api),
        DetailLine::field(
            "Permission",
            match offer.reads().as_slice() {
                [] => spec.permission(),
                reads => {
                    let reads: Vec<String> = reads.iter().map(ToString::to_string).collect();
                    format!(
                        "{} (and {}, read first)",
                        spec.permission(),
                        reads.join(", ")
                    )
                }
            },
        ),
        DetailLine::Field(
            "Risk".into(),
            match spec.risk() {
                Risk::Reversible => "reversible".into(),
                Risk::NoUndo => "NO UNDO: it cannot be taken back".into(),
            },
            match spec.risk() {
                Risk::Reversible => Tone::Plain,
                Risk::NoUndo => Tone::Fail,
            },
        ),
        DetailLine::field("Undo", spec.undo.map(|u| u.spec().title).unwrap_or("none")),
        DetailLine::field(CLI, offer.cli.clone()),
    ];
    if let Err(why) = &offer.available {
        rest.push(DetailLine::Field(
            "Unavailable".into(),
            why.to_string(),
            Tone::Fail,
        ));
    }
    (head, rest)
}

/// The Account line, and in an organisation the account's banner and rule.
fn account_lines(account: &str, org: Option<&Organization>) -> Vec<DetailLine> {
    let Some((org, entry)) = org.and_then(|org| Some((org, org.account(account)?))) else {
        return vec![DetailLine::field("Account", account.to_string())];
    };
    let mut label = org.label(account);
    if !entry.ou_path.is_empty() {
        label.push_str(" · ");
        label.push_str(&entry.ou_path);
    }
    let mut lines = vec![DetailLine::field("Account", label)];
    if let Some(banner) = &entry.banner {
        lines.push(DetailLine::Field(
            "Banner".into(),
            banner.clone(),
            Tone::Fail,
        ));
    }
    if let Some(rule) = &entry.read_only {
        lines.push(DetailLine::Field(
            "Rule".into(),
            format!("read-only: {rule}"),
            Tone::Fail,
        ));
    }
    lines
}

/// The dialog's inner width (inside its borders) on a terminal `width` columns wide.
pub fn inner_width(width: u16) -> usize {
    usize::from(width.saturating_sub(4).min(MAX_WIDTH).saturating_sub(2))
}

/// The rows inside the dialog's borders on a terminal `height` rows high.
pub fn inner_height(height: u16) -> usize {
    usize::from(height.saturating_sub(HEADER_ROWS + TAB_BAR_ROWS + STATUS_ROWS + 2))
}

/// How far the preview of `offer` can scroll on the current terminal: the scrolled lines
/// beyond those that fit between the pinned target and account and the prompt.
pub fn scroll_limit(app: &App, offer: &Offer) -> usize {
    let width = inner_width(app.width);
    let org = app.data.org.as_ref();
    let (head, mut rest) = fields(offer, org);
    // Scrolling is for short terminals, where the CLI equivalent takes one line.
    for line in &mut rest {
        if let DetailLine::Field(label, value, _) = line {
            if label == CLI {
                value.truncate(0);
            }
        }
    }
    let head = detail_rows(&head, width).len();
    // The scrolled part ends with a blank line, up to two lines of prompt and a blank line.
    let rest = detail_rows(&rest, width).len() + 4;
    let window = inner_height(app.height).saturating_sub(head + TAIL_ROWS);
    rest.saturating_sub(window.max(1))
}

//! `--format json`: the [`Report`] as it is, pretty-printed (schema: `docs/report.md`).

use super::{RenderError, Report};

pub fn render(report: &Report) -> Result<Vec<u8>, RenderError> {
    let mut out = serde_json::to_vec_pretty(report)?;
    out.push(b'\n');
    Ok(out)
}

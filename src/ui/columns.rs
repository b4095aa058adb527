//! How a table's width is shared among its columns. Fixed columns (states, ages, counts)
//! get their width; fill columns (names, titles) share the rest, each up to what its
//! visible text needs, so no column keeps blank room while another is cut. When the table
//! is too narrow for a fill column to keep [`MIN_FILL`] cells, fixed columns are hidden, in
//! the pane's order of least use first: the name column never goes.

use crate::panes::{Column, Width};

/// Cells between two columns.
pub const COLUMN_SPACING: u16 = 1;

/// What a fill column keeps (its weight, when smaller) before fixed columns give way.
pub const MIN_FILL: u16 = 8;

/// The width of each of `columns` at `total` cells, `None` for a hidden column. `needs` is
/// each column's widest text (header included); `hide_first` lists positions in `columns`
/// to hide before the others (which go from the right); `keep` is never hidden (the sort
/// column, whose arrow says how the table is ordered).
pub fn column_widths(
    columns: &[Column],
    needs: &[u16],
    total: u16,
    hide_first: &[usize],
    keep: Option<usize>,
) -> Vec<Option<u16>> {
    let mut shown = vec![true; columns.len()];
    let fill_min = |c: &Column| match c.width {
        Width::Fill(weight) => weight.min(MIN_FILL),
        Width::Fixed(_) => 0,
    };
    let required = |shown: &[bool]| -> u32 {
        let visible: Vec<&Column> = columns
            .iter()
            .zip(shown)
            .filter(|(_, s)| **s)
            .map(|(c, _)| c)
            .collect();
        let spacing = u32::from(COLUMN_SPACING) * visible.len().saturating_sub(1) as u32;
        let sizes: u32 = visible
            .iter()
            .map(|c| match c.width {
                Width::Fixed(w) => u32::from(w),
                Width::Fill(_) => u32::from(fill_min(c)),
            })
            .sum();
        spacing + sizes
    };
    let hideable = |i: usize| {
        matches!(columns.get(i).map(|c| c.width), Some(Width::Fixed(_))) && Some(i) != keep
    };
    let from_right = (0..columns.len()).rev().filter(|i| !hide_first.contains(i));
    let order: Vec<usize> = hide_first
        .iter()
        .copied()
        .chain(from_right)
        .filter(|&i| hideable(i))
        .collect();
    let has_fill = columns.iter().any(|c| matches!(c.width, Width::Fill(_)));
    for i in order {
        if !has_fill || required(&shown) <= u32::from(total) {
            break;
        }
        if let Some(s) = shown.get_mut(i) {
            *s = false;
        }
    }
    let widths = share(columns, needs, &shown, total);
    widths
        .into_iter()
        .zip(shown)
        .map(|(w, s)| s.then_some(w))
        .collect()
}

/// Widths of the shown columns: fixed ones as declared, fill ones by water-filling. Each
/// round gives the fill columns still short of their need a share of what is left, in
/// proportion to their weights; once every need is met, the rest is shared by weight.
fn share(columns: &[Column], needs: &[u16], shown: &[bool], total: u16) -> Vec<u16> {
    let visible = shown.iter().filter(|s| **s).count();
    let spacing = COLUMN_SPACING.saturating_mul(visible.saturating_sub(1) as u16);
    let mut widths: Vec<u16> = columns
        .iter()
        .zip(shown)
        .map(|(c, s)| match c.width {
            Width::Fixed(w) if *s => w,
            _ => 0,
        })
        .collect();
    let fixed: u16 = widths.iter().fold(0u16, |a, w| a.saturating_add(*w));
    let mut spare = total.saturating_sub(spacing.saturating_add(fixed));
    let fills: Vec<(usize, u16)> = columns
        .iter()
        .enumerate()
        .filter(|(i, _)| shown.get(*i).copied().unwrap_or(false))
        .filter_map(|(i, c)| match c.width {
            Width::Fill(weight) => Some((i, weight.max(1))),
            Width::Fixed(_) => None,
        })
        .collect();
    let need = |i: usize| needs.get(i).copied().unwrap_or(u16::MAX);
    let mut capped = true;
    while spare > 0 {
        let open: Vec<(usize, u16)> = fills
            .iter()
            .copied()
            .filter(|&(i, _)| !capped || widths[i] < need(i))
            .collect();
        if open.is_empty() {
            if !capped {
                break;
            }
            // Every need is met: what is left is shared by weight.
            capped = false;
            continue;
        }
        let weights: u32 = open.iter().map(|(_, w)| u32::from(*w)).sum();
        let round = spare;
        let mut given = 0u16;
        for &(i, weight) in &open {
            let share = (u32::from(round) * u32::from(weight) / weights.max(1)) as u16;
            let room = if capped {
                need(i).saturating_sub(widths[i])
            } else {
                u16::MAX
            };
            let grant = share.min(room).min(spare - given);
            widths[i] += grant;
            given += grant;
        }
        if given == 0 {
            // Rounding left less than one cell per column: the first open column takes it.
            if let Some(&(i, _)) = open.first() {
                let room = if capped {
                    need(i).saturating_sub(widths[i])
                } else {
                    spare
                };
                let grant = room.min(spare).max(1).min(spare);
                widths[i] += grant;
                given = grant;
            }
        }
        spare -= given;
    }
    widths
}

#[cfg(test)]
mod tests {
    use super::*;

    const fn fixed(title: &'static str, w: u16) -> Column {
        Column {
            title,
            width: Width::Fixed(w),
        }
    }

    const fn fill(title: &'static str, w: u16) -> Column {
        Column {
            title,
            width: Width::Fill(w),
        }
    }

    fn sum(widths: &[Option<u16>]) -> u16 {
        let shown = widths.iter().flatten().count() as u16;
        widths.iter().flatten().sum::<u16>() + shown.saturating_sub(1)
    }

    #[test]
    fn widths_fill_the_table_exactly() {
        let columns = [fixed("a", 4), fill("b", 20), fill("c", 10)];
        let widths = column_widths(&columns, &[4, 200, 200], 80, &[], None);
        assert_eq!(sum(&widths), 80);
        assert_eq!(widths[0], Some(4));
        assert!(widths[1] > widths[2]);
    }

    #[test]
    fn a_fill_column_takes_what_it_needs_and_the_cut_one_the_rest() {
        // At 200 cells a short column does not take room a long one is cut without.
        let columns = [fixed("a", 4), fill("b", 20), fill("c", 10)];
        let widths = column_widths(&columns, &[4, 30, 300], 200, &[], None);
        assert_eq!(widths[1], Some(30));
        assert_eq!(widths[2], Some(200 - 4 - 30 - 2));
        // Every need met: the rest is shared, and the table is still filled.
        let widths = column_widths(&columns, &[4, 30, 40], 200, &[], None);
        assert!(widths[1] >= Some(30) && widths[2] >= Some(40));
        assert_eq!(sum(&widths), 200);
    }

    #[test]
    fn narrow_tables_hide_fixed_columns_and_never_the_name() {
        let columns = [
            fill("name", 12),
            fixed("a", 14),
            fixed("b", 14),
            fixed("c", 5),
        ];
        let needs = [40, 14, 14, 5];
        // Wide enough: everything shows.
        let wide = column_widths(&columns, &needs, 80, &[], None);
        assert!(wide.iter().all(Option::is_some));
        // Narrow: the pane's choice goes first, then from the right.
        let narrow = column_widths(&columns, &needs, 36, &[1], None);
        assert_eq!(narrow[1], None);
        assert!(narrow[0] >= Some(MIN_FILL));
        assert_eq!(sum(&narrow), 36);
        let narrower = column_widths(&columns, &needs, 24, &[1], None);
        assert_eq!(narrower[1], None);
        assert_eq!(narrower[3], None, "from the right");
        assert!(narrower[2].is_some());
        assert!(narrower[0] >= Some(MIN_FILL));
        // The sort column stays.
        let kept = column_widths(&columns, &needs, 24, &[1], Some(1));
        assert!(kept[1].is_some());
        // A name column alone takes what there is.
        assert_eq!(column_widths(&columns, &needs, 5, &[], None)[0], Some(5));
    }
}

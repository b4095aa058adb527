//! Every preset theme is readable: each style's text against the background it is drawn
//! on has at least WCAG 2's contrast ratio (relative luminance, `(L1 + 0.05) / (L2 + 0.05)`).
//!
//! Thresholds: 4.5:1 for text (WCAG 1.4.3, level AA for normal-size text: a terminal cell is
//! never "large text", bold or not); 3:1 for what only frames or hints (borders, inactive
//! tab titles, dim secondary text such as ages), WCAG 1.4.11's minimum for non-text
//! elements, which the user does not have to read word by word.
//!
//! ANSI colours are taken at xterm's default palette (the one `theme::degrade` already
//! uses: red is `#cd0000`, gray (ANSI 7) `#e5e5e5`, dark-gray `#7f7f7f`, …); terminals vary,
//! so a preset keeps a margin rather than living at the threshold. The background a preset
//! is drawn on is the terminal's: white with black text for `light`, black with ANSI 7
//! text for the others. Each preset is checked as written and degraded to 256 and 16
//! colours, as a terminal of that depth shows it.

use super::Origin;
use super::theme::{ColorDepth, PRESETS, Theme, rgb_of};
use ratatui::style::{Modifier, Style};

type Rgb = (u8, u8, u8);

/// WCAG 2 relative luminance of an sRGB colour.
fn luminance((r, g, b): Rgb) -> f64 {
    let linear = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.040_45 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
}

fn contrast(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// The terminal's default text and background a preset is made for.
fn canvas(preset: &str) -> (Rgb, Rgb) {
    match preset {
        "light" => ((0, 0, 0), (255, 255, 255)),
        _ => ((229, 229, 229), (0, 0, 0)),
    }
}

/// The text and background colours `style` shows on `base` (text, background).
fn drawn(style: Style, (fg, bg): (Rgb, Rgb)) -> (Rgb, Rgb) {
    let fg = style.fg.and_then(rgb_of).unwrap_or(fg);
    let bg = style.bg.and_then(rgb_of).unwrap_or(bg);
    if style.add_modifier.contains(Modifier::REVERSED) {
        (bg, fg)
    } else {
        (fg, bg)
    }
}

/// Styles that frame or hint rather than carry text to be read.
const SECONDARY: &[&str] = &["dim", "tab", "border"];

/// Styles the header bar draws over its own background.
const ON_HEADER: &[&str] = &["error", "stale", "filter"];

fn preset(name: &str, text: &str) -> Theme {
    match Theme::parse(text, &Origin(name.into())) {
        Ok(theme) => theme,
        Err(err) => panic!("embedded theme {name} is invalid: {err}"),
    }
}

/// Every style of `theme` below its threshold, as `name: ratio`.
fn too_faint(theme: &Theme, preset: &str) -> Vec<String> {
    let screen = canvas(preset);
    let header = drawn(theme.header, screen);
    let mut faint = Vec::new();
    for (name, style) in theme.named_styles() {
        let minimum = if SECONDARY.contains(&name) { 3.0 } else { 4.5 };
        let mut places = vec![("", screen)];
        if ON_HEADER.contains(&name) {
            places.push((" on the header", header));
        }
        for (place, base) in places {
            let (fg, bg) = drawn(style, base);
            let ratio = contrast(fg, bg);
            if ratio < minimum {
                faint.push(format!("{name}{place}: {ratio:.2} < {minimum}"));
            }
        }
    }
    faint
}

#[test]
fn contrast_follows_wcag() {
    assert!((contrast((0, 0, 0), (255, 255, 255)) - 21.0).abs() < 1e-9);
    assert!((contrast((255, 255, 255), (255, 255, 255)) - 1.0).abs() < 1e-9);
    // ANSI 7 on white, the light theme's old tabs and borders: about 1.3:1.
    assert!(contrast((229, 229, 229), (255, 255, 255)) < 1.5);
}

#[test]
fn every_style_of_every_preset_is_readable_on_its_background() {
    let mut faint = Vec::new();
    for (name, text) in PRESETS {
        for depth in [
            ColorDepth::TrueColor,
            ColorDepth::Ansi256,
            ColorDepth::Ansi16,
        ] {
            let theme = preset(name, text).degraded(depth);
            faint.extend(
                too_faint(&theme, name)
                    .into_iter()
                    .map(|f| format!("{name} ({depth:?}) {f}")),
            );
        }
    }
    assert!(
        faint.is_empty(),
        "too little contrast:\n{}",
        faint.join("\n")
    );
}

#[test]
fn no_coloured_preset_relies_on_dim() {
    // How a terminal dims a colour varies too much to measure; mono has no colour at all.
    for (name, text) in PRESETS {
        let theme = preset(name, text);
        if theme.uses_colour() {
            for (style, s) in theme.named_styles() {
                assert!(
                    !s.add_modifier.contains(Modifier::DIM),
                    "{name}: {style} is dim"
                );
            }
        }
    }
}

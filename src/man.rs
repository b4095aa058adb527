//! `watchpost man`: one manual page, watchpost(1), with every command folded in. clap_mangen
//! renders one page per command and names `watchpost-report(1)` and the like in a SEE ALSO
//! style list; `watchpost man > watchpost.1` installs a single file, so each command's
//! synopsis, description, options and exit statuses are put in a COMMANDS section of that
//! one page instead, built from the same clap definitions as `--help`.

use clap_mangen::Man;
use std::io::{self, Write};

/// The console's exit statuses (README, "Exit statuses of the console").
pub const CONSOLE_EXIT_STATUSES: &[(&str, &str)] = &[
    ("0", "normal exit"),
    (
        "1",
        "the terminal failed (e.g. it could not be put in raw mode)",
    ),
    (
        "2",
        "usage or configuration error (bad option, unknown region, check ID or profile, \
         config.toml), printed before the terminal is touched",
    ),
    (
        "3",
        "no usable AWS connection (no credentials, credentials refused, endpoint unreachable, \
         role not assumable)",
    ),
    (
        "101",
        "an internal error (a panic): the terminal is restored and the report printed and logged",
    ),
];

/// Writes the manual page of `command` (the whole command line, unbuilt).
pub fn render(command: clap::Command, out: &mut dyn Write) -> io::Result<()> {
    let page = Man::new(command.clone());
    page.render_title(out)?;
    page.render_name_section(out)?;
    page.render_synopsis_section(out)?;
    page.render_description_section(out)?;
    page.render_options_section(out)?;
    writeln!(out, ".SH COMMANDS")?;
    for sub in command.get_subcommands() {
        render_command(sub, &format!("watchpost {}", sub.get_name()), out)?;
    }
    // The examples and where configuration lives, under a heading man pages use.
    let mut notes = Vec::new();
    page.render_extra_section(&mut notes)?;
    let notes = String::from_utf8_lossy(&notes).replace(".SH EXTRA", ".SH EXAMPLES");
    out.write_all(notes.as_bytes())?;
    writeln!(out, ".SH \"EXIT STATUS\"")?;
    for (status, meaning) in CONSOLE_EXIT_STATUSES {
        writeln!(out, ".TP\n{status}\n{}", escape(meaning))?;
    }
    writeln!(
        out,
        ".PP\n`watchpost report` and `watchpost journal` have their own, under COMMANDS."
    )?;
    page.render_version_section(out)
}

/// One command as a subsection: its synopsis, description, own options (the global ones
/// are on the page already), what its help ends with (exit statuses), and its commands.
fn render_command(command: &clap::Command, name: &str, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, ".SS \"{name}\"")?;
    let page = Man::new(command.clone().bin_name(name));
    let mut body = Vec::new();
    page.render_synopsis_section(&mut body)?;
    page.render_description_section(&mut body)?;
    page.render_options_section(&mut body)?;
    if command.get_after_help().is_some() || command.get_after_long_help().is_some() {
        page.render_extra_section(&mut body)?;
    }
    // The page has one level of sections: the command's own become paragraphs of its
    // subsection.
    for line in String::from_utf8_lossy(&body).lines() {
        if line.starts_with(".SH ") {
            writeln!(out, ".PP")?;
        } else {
            writeln!(out, "{line}")?;
        }
    }
    for sub in command.get_subcommands() {
        render_command(sub, &format!("{name} {}", sub.get_name()), out)?;
    }
    Ok(())
}

/// Text for a roff line: backslashes and hyphens escaped, no leading control character.
fn escape(text: &str) -> String {
    let text = text.replace('\\', "\\e").replace('-', "\\-");
    if text.starts_with(['.', '\'']) {
        format!("\\&{text}")
    } else {
        text
    }
}

//! A test fixture for the end-to-end panic test: logs and takes the terminal exactly as the
//! console does, draws a frame, then panics. The test checks the terminal comes back
//! restored, the exit status is 101 and the panic is in the log.
#![allow(clippy::panic)]

use ratatui::widgets::Paragraph;

fn main() -> std::io::Result<()> {
    let _log = watchpost::logging::init_with_flush(watchpost::config::state_dir().as_deref());
    let mut guard = watchpost::console::TerminalGuard::enter()?;
    guard
        .terminal
        .draw(|frame| frame.render_widget(Paragraph::new("about to panic"), frame.area()))?;
    std::thread::sleep(std::time::Duration::from_millis(300));
    panic!("deliberate panic to test terminal restoration");
}

//! `sprout man`: one manual page holding every subcommand, each with its synopsis and options.

use std::io::{self, Write};

use clap_mangen::Man;

use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::output::Output;

/// `sprout man`: the page on stdout.
pub fn print(out: &Output) -> Result<Exit> {
    let mut page = Vec::new();
    render(crate::cli::command(), &mut page)
        .and_then(|()| out.bytes(&page))
        .map_err(Error::printing)?;
    Ok(Exit::Success)
}

/// The page in roff: the command's own sections, then one section per visible subcommand at
/// any depth (its sections as sub-sections), then the notes after the help (stacks, exit codes).
pub fn render(mut cmd: clap::Command, out: &mut dyn Write) -> io::Result<()> {
    cmd.build();
    let man = Man::new(cmd.clone());
    man.render_title(out)?;
    man.render_name_section(out)?;
    man.render_synopsis_section(out)?;
    man.render_description_section(out)?;
    man.render_options_section(out)?;
    let subcommands = visible_subcommands(&cmd);
    // clap_mangen's own list points to sprout-new(1) and such, which do not exist: the
    // subcommands are sections of this page.
    writeln!(out, ".SH SUBCOMMANDS")?;
    for sub in &subcommands {
        let about = sub.get_about().map(|a| a.to_string()).unwrap_or_default();
        writeln!(
            out,
            ".TP\n\\fB{}\\fR\n{}",
            text(&full_name(sub)),
            text(&about)
        )?;
    }
    for sub in subcommands {
        writeln!(out, ".SH \"{}\"", text(&full_name(sub).to_uppercase()))?;
        let page = Man::new(sub.clone());
        let mut body = Vec::new();
        page.render_synopsis_section(&mut body)?;
        page.render_description_section(&mut body)?;
        if sub.get_arguments().any(|a| !a.is_hide_set()) {
            page.render_options_section(&mut body)?;
        }
        out.write_all(&as_subsections(&body))?;
    }
    let mut notes = Vec::new();
    man.render_extra_section(&mut notes)?;
    out.write_all(
        String::from_utf8_lossy(&notes)
            .replace(".SH EXTRA", ".SH NOTES")
            .as_bytes(),
    )?;
    // clap_mangen's version section expects a version (it unwraps one).
    if cmd.get_version().is_some() || cmd.get_long_version().is_some() {
        man.render_version_section(out)?;
    }
    Ok(())
}

/// Every visible subcommand at any depth, parents before their children; clap's own `help`
/// subcommand is left out (the page is the help).
fn visible_subcommands(cmd: &clap::Command) -> Vec<&clap::Command> {
    cmd.get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
        .flat_map(|s| std::iter::once(s).chain(visible_subcommands(s)))
        .collect()
}

/// `sprout new`: the name as typed (clap sets it when the command is built).
fn full_name(cmd: &clap::Command) -> String {
    cmd.get_bin_name().unwrap_or(cmd.get_name()).to_string()
}

/// Text for a roff line: backslashes and dashes escaped, no control character at its start.
fn text(plain: &str) -> String {
    let escaped = plain.replace('\\', "\\\\").replace('-', "\\-");
    if escaped.starts_with(['.', '\'']) {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}

/// Turn `.SH` headings into `.SS`, so a subcommand's sections nest under its own heading.
fn as_subsections(roff: &[u8]) -> Vec<u8> {
    String::from_utf8_lossy(roff)
        .lines()
        .map(|line| match line.strip_prefix(".SH ") {
            Some(heading) => format!(".SS {heading}\n"),
            None => format!("{line}\n"),
        })
        .collect::<String>()
        .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_and_hidden_subcommands() {
        let cmd =
            clap::Command::new("tool")
                .subcommand(clap::Command::new("outer").subcommand(
                    clap::Command::new("inner").arg(clap::Arg::new("deep").long("deep")),
                ))
                .subcommand(clap::Command::new("secret").hide(true));
        let mut page = Vec::new();
        render(cmd, &mut page).unwrap();
        let page = String::from_utf8(page).unwrap();
        assert!(page.contains(".SH \"TOOL OUTER\""), "{page}");
        assert!(page.contains("\\fBtool outer inner\\fR"), "{page}");
        assert!(!page.contains("(1)"), "a page that does not exist: {page}");
        assert!(page.contains(".SH \"TOOL OUTER INNER\""), "{page}");
        assert!(page.contains("\\-\\-deep"), "{page}");
        assert!(!page.contains("TOOL SECRET"), "{page}");
        assert!(!page.contains("TOOL HELP"), "{page}");
    }
}

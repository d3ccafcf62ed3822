//! `sprout man`: one manual page holding every subcommand, each with its synopsis and options.

use std::io::{self, Write};

use clap_mangen::Man;

/// The page in roff: the command's own sections, then one section per visible subcommand
/// (its sections as sub-sections), then the notes after the help (stacks, exit codes).
pub fn render(mut cmd: clap::Command, out: &mut dyn Write) -> io::Result<()> {
    cmd.build();
    let man = Man::new(cmd.clone());
    man.render_title(out)?;
    man.render_name_section(out)?;
    man.render_synopsis_section(out)?;
    man.render_description_section(out)?;
    man.render_options_section(out)?;
    man.render_subcommands_section(out)?;
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = sub.get_bin_name().unwrap_or(sub.get_name()).to_uppercase();
        writeln!(out, ".SH \"{name}\"")?;
        let page = Man::new(sub.clone());
        let mut body = Vec::new();
        page.render_synopsis_section(&mut body)?;
        page.render_description_section(&mut body)?;
        if sub.get_arguments().any(|a| !a.is_hide_set()) {
            page.render_options_section(&mut body)?;
        }
        out.write_all(&as_subsections(&body))?;
    }
    man.render_extra_section(out)?;
    man.render_version_section(out)
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

//! `sprout completions SHELL`: clap's script for the visible command line, plus, for bash, the
//! values of `--set KEY=VALUE` after the `=` (bash splits the word there).

use std::collections::BTreeMap;
use std::io::{self, Write};

use clap_complete::Shell;

use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::output::Output;
use crate::stack::{Kind, Stack};

/// `sprout completions SHELL`: the script on stdout.
pub fn print(shell: Shell, out: &Output) -> Result<Exit> {
    let stacks = crate::catalog::load_all()?;
    let mut script = Vec::new();
    generate(shell, crate::cli::command(), &stacks, &mut script)
        .and_then(|()| out.bytes(&script))
        .map_err(Error::printing)?;
    Ok(Exit::Success)
}

pub fn generate(
    shell: Shell,
    cmd: clap::Command,
    stacks: &[Stack],
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut cmd = visible(cmd);
    let name = cmd.get_name().to_string();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, &name, &mut script);
    out.write_all(&script)?;
    if shell == Shell::Bash {
        out.write_all(bash_set_values(&name, stacks).as_bytes())?;
    }
    Ok(())
}

/// The command without its hidden subcommands, which completion must not offer. clap cannot
/// remove a subcommand, so the top level is rebuilt from its arguments and visible subcommands.
fn visible(cmd: clap::Command) -> clap::Command {
    let mut rebuilt = clap::Command::new(cmd.get_name().to_string())
        .args(cmd.get_arguments().cloned().collect::<Vec<_>>())
        .subcommands(cmd.get_subcommands().filter(|s| !s.is_hide_set()).cloned())
        .subcommand_required(cmd.is_subcommand_required_set());
    if let Some(version) = cmd.get_version() {
        rebuilt = rebuilt.version(version.to_string());
    }
    if let Some(about) = cmd.get_about() {
        rebuilt = rebuilt.about(about.clone());
    }
    rebuilt
}

/// Every option's values over all stacks: choices, yes/no for booleans.
fn values_by_key(stacks: &[Stack]) -> BTreeMap<&str, Vec<String>> {
    let mut values: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for option in stacks.iter().flat_map(|s| &s.options) {
        let new: Vec<String> = match &option.kind {
            Kind::Choice(choices) => choices.clone(),
            Kind::Bool => vec!["yes".into(), "no".into()],
            Kind::Text { .. } => continue,
        };
        let known = values.entry(&option.key).or_default();
        for value in new {
            if !known.contains(&value) {
                known.push(value);
            }
        }
    }
    values
}

fn bash_set_values(name: &str, stacks: &[Stack]) -> String {
    let cases: String = values_by_key(stacks)
        .iter()
        .map(|(key, values)| format!("        {key}) values=\"{}\" ;;\n", values.join(" ")))
        .collect();
    let function = format!("_{}", name.replace('-', "_"));
    format!(
        r#"
# `--set KEY=VALUE`: bash splits the word at `=`, so the value after it is completed here.
{function}_set_value() {{
    local key values=""
    if [[ "${{COMP_WORDS[COMP_CWORD]}}" == "=" && "${{COMP_WORDS[COMP_CWORD-2]}}" == "--set" ]]; then
        key="${{COMP_WORDS[COMP_CWORD-1]}}"
    elif [[ "${{COMP_WORDS[COMP_CWORD-1]}}" == "=" && "${{COMP_WORDS[COMP_CWORD-3]}}" == "--set" ]]; then
        key="${{COMP_WORDS[COMP_CWORD-2]}}"
    else
        {function} "$@"
        return
    fi
    case "${{key}}" in
{cases}    esac
    local cur="${{COMP_WORDS[COMP_CWORD]}}"
    [[ "${{cur}}" == "=" ]] && cur=""
    COMPREPLY=( $(compgen -W "${{values}}" -- "${{cur}}") )
}}

if [[ "${{BASH_VERSINFO[0]}}" -eq 4 && "${{BASH_VERSINFO[1]}}" -ge 4 || "${{BASH_VERSINFO[0]}}" -gt 4 ]]; then
    complete -F {function}_set_value -o nosort -o bashdefault -o default {name}
else
    complete -F {function}_set_value -o bashdefault -o default {name}
fi
"#
    )
}

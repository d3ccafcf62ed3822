//! AGENTS.md names exactly the project's commands: for every built-in stack and for a template
//! made by `sprout template new`, in every combination of the covering set, its ```sh block is
//! the rendered install, lint and test commands (what `sprout verify` runs, in that order) and
//! its table names the rendered install, lint, test, dev and start commands.

use sprout::answers::Given;
use sprout::render::Commands;
use sprout::stack::Stack;
use sprout::template::combos;

/// The commands AGENTS.md names: the ```sh block's lines, and the table's `| what | `cmd` |` rows.
fn named(agents: &str) -> (Vec<String>, Vec<(String, String)>) {
    let block: Vec<String> = agents
        .split("```sh\n")
        .nth(1)
        .and_then(|rest| rest.split("\n```").next())
        .expect("AGENTS.md has a ```sh block")
        .lines()
        .map(String::from)
        .collect();
    // The table of `## Commands` (a stack's own sections may hold tables of their own).
    let commands = agents
        .split("## Commands\n")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("AGENTS.md has a ## Commands section");
    let rows = commands
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.trim_matches('|').split(" | ").map(str::trim).collect();
            match cells.as_slice() {
                [what, command] if command.starts_with('`') && command.ends_with('`') => {
                    // The dev row's note on restarts is the stack's own (`agents/dev`).
                    let what = match what.split_once(" (") {
                        Some(("development server", _)) => "development server",
                        _ => what,
                    };
                    Some((what.to_string(), command.trim_matches('`').to_string()))
                }
                _ => None,
            }
        })
        .collect();
    (block, rows)
}

fn expected_rows(commands: &Commands) -> Vec<(String, String)> {
    let mut rows = vec![
        ("install".to_string(), commands.install.clone()),
        ("lint".to_string(), commands.lint.clone()),
        ("test".to_string(), commands.test.clone()),
    ];
    if let Some(dev) = &commands.dev {
        rows.push(("development server".to_string(), dev.clone()));
    }
    rows.push(("start as in production".to_string(), commands.start.clone()));
    rows
}

/// Check every combination of `stack`'s covering set; the number checked.
fn check_stack(stack: &Stack) -> usize {
    crate::common::cache_dir();
    let mut checked = 0;
    for combination in combos::covering(stack) {
        let given = Given {
            set: combination.set_pairs(stack),
            file: None,
        };
        let (_, project) = sprout::generate::prepare(stack, &given, None).unwrap();
        let with = combination.describe(stack);
        let agents = project
            .files
            .iter()
            .find(|f| f.path == "AGENTS.md")
            .unwrap_or_else(|| panic!("{}: no AGENTS.md with {with}", stack.key));
        let text = std::str::from_utf8(&agents.contents).unwrap();
        let (block, rows) = named(text);
        let commands = &project.commands;
        assert_eq!(
            block,
            [
                commands.install.clone(),
                commands.lint.clone(),
                commands.test.clone()
            ],
            "{} with {with}: the ```sh block",
            stack.key
        );
        assert_eq!(
            rows,
            expected_rows(commands),
            "{} with {with}: the table",
            stack.key
        );
        assert!(
            text.contains("`sprout verify`"),
            "{}: how to verify",
            stack.key
        );
        assert!(!text.contains("{{"), "{}: unrendered Handlebars", stack.key);
        checked += 1;
    }
    checked
}

#[test]
fn agents_md_names_exactly_the_rendered_commands_of_every_stack_and_combination() {
    let mut checked = 0;
    for stack in sprout::catalog::load_all().unwrap() {
        checked += check_stack(&stack);
    }
    assert!(checked >= 7, "{checked} projects checked");
}

/// The development server's row says what its command does: a stack's `agents/dev` partial
/// replaces the shared "restarts on changes" where the command does not watch the sources.
#[test]
fn the_dev_row_says_whether_the_server_restarts_on_changes() {
    for (key, note) in [
        (
            "spring-boot",
            "runs the sources; stop it and run it again after a change",
        ),
        ("django", "restarts on changes"),
    ] {
        let stack = sprout::catalog::load_all()
            .unwrap()
            .into_iter()
            .find(|stack| stack.key == key)
            .unwrap();
        let given = Given {
            set: vec![("name".into(), "demo".into())],
            file: None,
        };
        let (_, project) = sprout::generate::prepare(&stack, &given, None).unwrap();
        let agents = project
            .files
            .iter()
            .find(|f| f.path == "AGENTS.md")
            .unwrap();
        let text = String::from_utf8_lossy(&agents.contents);
        let row = format!("| development server ({note}) |");
        assert!(text.contains(&row), "{key}: no `{row}` in {text}");
    }
}

#[test]
fn template_new_gives_projects_an_agents_md_with_their_commands() {
    crate::common::cache_dir();
    let dir = tempfile::tempdir().unwrap();
    let path = sprout::template::scaffold::create("pysvc", dir.path()).unwrap();
    let catalog = sprout::catalog::Catalog::from_folder(&path).unwrap();
    let stack = catalog.load("pysvc").unwrap();
    assert!(check_stack(&stack) >= 2);
    // Its layout is the scaffold's own, not a built-in stack's.
    let given = Given {
        set: vec![("name".into(), "demo".into())],
        file: None,
    };
    let (_, project) = sprout::generate::prepare(&stack, &given, None).unwrap();
    let agents = project
        .files
        .iter()
        .find(|f| f.path == "AGENTS.md")
        .unwrap();
    let text = String::from_utf8_lossy(&agents.contents);
    assert!(text.contains("`app/server.py`"), "{text}");
    assert!(
        !text.contains(".env.example"),
        "the scaffold has no .env.example: {text}"
    );
}

//! Property tests over the parsers and validators that take user input: no panic, no hang, and
//! escaping that real parsers read back exactly. Bounded: a fixed number of cases each.

use std::path::Path;

use proptest::prelude::*;
use sprout::answers::{AnswersFile, parse_set};
use sprout::escape;
use sprout::names::NameRule;

const RULES: [NameRule; 5] = [
    NameRule::Npm,
    NameRule::Python,
    NameRule::Ruby,
    NameRule::Java,
    NameRule::JavaPackage,
];

/// Text that leans on what breaks formats: quotes, braces, backslashes, markup, controls.
fn nasty() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            any::<char>().prop_map(String::from),
            Just("\"".into()),
            Just("'".into()),
            Just("\\".into()),
            Just("{{".into()),
            Just("}}".into()),
            Just("${".into()),
            Just("#{".into()),
            Just("]]>".into()),
            Just("</".into()),
            Just("\"\"\"".into()),
            Just("\n".into()),
            Just("\r\n".into()),
            Just("\t".into()),
            Just("\u{0}".into()),
            Just("\u{200f}".into()),
            Just("\\u0022".into()),
            Just("&amp;".into()),
            Just("🚀".into()),
        ],
        0..40,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn answers_files_never_panic(text in nasty(), json in any::<bool>()) {
        let path = if json { Path::new("a.json") } else { Path::new("a.toml") };
        let _ = AnswersFile::parse(&text, path);
    }

    #[test]
    fn structured_answers_files_never_panic(key in "[a-z_]{1,12}", value in nasty()) {
        let toml = format!("{key} = {}\n", escape::toml(&value));
        let parsed = AnswersFile::parse(&toml, Path::new("a.toml"));
        if key != "stack" && key != "sprout_version" {
            prop_assert_eq!(parsed.unwrap().values, vec![(key.clone(), sprout::value::Value::Text(value.clone()))]);
        }
        let json = format!("{{{}: {}}}", escape::json(&key), escape::json(&value));
        prop_assert!(AnswersFile::parse(&json, Path::new("a.json")).is_ok());
    }

    #[test]
    fn set_parsing_never_panics(raw in nasty()) {
        if let Ok((key, value)) = parse_set(&raw) {
            prop_assert!(!key.is_empty());
            prop_assert!(raw.contains(&value));
        }
    }

    #[test]
    fn name_rules_never_panic_and_suggest_only_valid_names(name in nasty(), reserved in prop::collection::vec("[a-z]{1,8}", 0..4)) {
        for rule in RULES {
            if let Err(refusal) = rule.check(&name, &reserved) {
                prop_assert!(!refusal.reason.is_empty());
                if let Some(s) = refusal.suggestion {
                    prop_assert!(rule.check(&s, &reserved).is_ok(), "{rule:?} suggested {s:?} for {name:?}");
                }
            }
        }
    }

    #[test]
    fn json_toml_yaml_and_xml_escapes_round_trip(text in nasty()) {
        let json: String = serde_json::from_str(&escape::json(&text)).unwrap();
        prop_assert_eq!(&json, &text);
        let js: String = serde_json::from_str(&escape::js(&text)).unwrap();
        prop_assert_eq!(&js, &text);
        let table: toml::Table = format!("v = {}", escape::toml(&text)).parse().unwrap();
        prop_assert_eq!(table["v"].as_str().unwrap(), text.as_str());
        let yaml: serde_yaml::Value = serde_yaml::from_str(&format!("v: {}", escape::yaml(&text))).unwrap();
        prop_assert_eq!(yaml["v"].as_str().unwrap(), text.as_str());
        // XML 1.0 cannot carry most control characters at all; sprout refuses them in answers.
        if !text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
            let unescaped = quick_xml::escape::unescape(&escape::xml(&text)).unwrap().into_owned();
            prop_assert_eq!(unescaped, text);
        }
    }
}

/// Run a tool that `cargo test` needs (README, "Testing"). One that is missing fails the test
/// with its name, never a bare `NotFound` and never a skip.
fn needed_tool(command: &mut std::process::Command) -> std::process::Output {
    command.output().unwrap_or_else(|e| {
        panic!(
            "`{}` could not be run ({e}): cargo test needs python3, javac and java (a JDK) on PATH",
            command.get_program().to_string_lossy()
        )
    })
}

#[test]
fn a_missing_tool_fails_with_its_name() {
    let failure = std::panic::catch_unwind(|| {
        needed_tool(&mut std::process::Command::new("sprout-test-no-such-tool"))
    })
    .unwrap_err();
    let message = failure.downcast_ref::<String>().unwrap();
    assert!(
        message.contains("`sprout-test-no-such-tool` could not be run")
            && message.contains("python3, javac and java"),
        "{message}"
    );
}

/// 200 hostile texts, the same on every run, as answers hold them: no control character but
/// the line break (the others are refused).
fn answer_samples() -> Vec<String> {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    (0..200)
        .map(|_| nasty().new_tree(&mut runner).unwrap().current())
        .map(|s| {
            s.chars()
                .filter(|c| !c.is_control() || *c == '\n')
                .collect()
        })
        .collect()
}

/// Python and Java string literals, checked by the real compilers in one batch each
/// (python3 and a JDK are part of the test machine).
#[test]
fn python_and_java_literals_read_back_exactly() {
    let samples = answer_samples();
    let dir = tempfile::tempdir().unwrap();
    let expected = serde_json::to_string(&samples).unwrap();
    std::fs::write(dir.path().join("expected.json"), &expected).unwrap();

    {
        let literals: Vec<String> = samples.iter().map(|s| escape::py(s)).collect();
        let program = format!(
            "import json, sys\nvalues = [{}]\nexpected = json.load(open(sys.argv[1], encoding='utf-8'))\nassert values == expected, [(a, b) for a, b in zip(values, expected) if a != b][:3]\n",
            literals.join(",\n")
        );
        std::fs::write(dir.path().join("check.py"), program).unwrap();
        let out = needed_tool(
            std::process::Command::new("python3")
                .arg(dir.path().join("check.py"))
                .arg(dir.path().join("expected.json")),
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    {
        let literals: Vec<String> = samples.iter().map(|s| escape::java(s)).collect();
        let program = format!(
            "import java.nio.file.*;\npublic class Check {{\n  static final String[] VALUES = {{\n{}\n  }};\n  public static void main(String[] a) throws Exception {{\n    var out = new StringBuilder();\n    for (String v : VALUES) out.append(v.length()).append(':').append(v);\n    Files.writeString(Path.of(a[0]), out.toString());\n  }}\n}}\n",
            literals.join(",\n")
        );
        std::fs::write(dir.path().join("Check.java"), program).unwrap();
        let javac = needed_tool(
            std::process::Command::new("javac")
                .args(["-encoding", "UTF-8"])
                .arg(dir.path().join("Check.java")),
        );
        assert!(
            javac.status.success(),
            "{}",
            String::from_utf8_lossy(&javac.stderr)
        );
        let run = needed_tool(
            std::process::Command::new("java")
                .arg("-cp")
                .arg(dir.path())
                .arg("Check")
                .arg(dir.path().join("out.txt")),
        );
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        let want: String = samples
            .iter()
            .map(|s| format!("{}:{s}", s.encode_utf16().count()))
            .collect();
        assert_eq!(
            std::fs::read_to_string(dir.path().join("out.txt")).unwrap(),
            want
        );
    }
}

/// Shell words from `sh`, read back by the system's `sh` in one batch: each comes out as
/// written, nothing expanded, nothing run (a `$(…)` would print, a `;` would split).
#[test]
fn shell_words_read_back_exactly() {
    let samples = answer_samples();
    let words: Vec<String> = samples.iter().map(|s| escape::sh(s)).collect();
    let script = format!("printf '%s\\0' {}\n", words.join(" \\\n  "));
    let out = needed_tool(std::process::Command::new("sh").arg("-c").arg(&script));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let back: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .split_terminator('\0')
        .map(String::from)
        .collect();
    assert_eq!(back, samples);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// `template check`'s readers of Python, JavaScript, Java, Ruby, shell and `.env` read each
    /// helper's output (which real parsers read back exactly, above) as exactly the value, in one piece
    /// of data: the readers agree with the languages where it matters.
    #[test]
    fn check_s_literal_readers_read_the_helpers_output_as_the_value(text in nasty()) {
        use sprout::template::meaning::{Format, Piece, read};
        let text: String = text.chars().filter(|c| !c.is_control() || *c == '\n').collect();
        // An unquoted shell word (`echo`) is data too.
        let cases: [(Format, &str, String, Option<&str>); 6] = [
            (Format::Python, "a.py", format!("X = {}\n", escape::py(&text)), None),
            (Format::JavaScript, "a.ts", format!("const x = {};\n", escape::js(&text)), None),
            (Format::Java, "A.java", format!("String x = {};\n", escape::java(&text)), None),
            (Format::Ruby, "a.rb", format!("X = {}\n", escape::rb(&text)), None),
            (Format::Shell, "a.sh", format!("echo {}\n", escape::sh(&text)), Some("echo")),
            (Format::Env, ".env", format!("X={}\n", escape::env(&text)), None),
        ];
        for (format, path, source, word) in cases {
            let pieces = read(format, path, &source).unwrap();
            let texts: Vec<&String> = pieces
                .iter()
                .filter_map(|p| match p {
                    Piece::Text(t) if !t.is_empty() => Some(t),
                    _ => None,
                })
                .collect();
            let want: Vec<&str> = word
                .into_iter()
                .chain((!text.is_empty()).then_some(text.as_str()))
                .collect();
            let texts: Vec<&str> = texts.into_iter().map(String::as_str).collect();
            prop_assert_eq!(texts, want, "{:?} {:?}", format, source);
        }
    }
}

//! Lifting long runs of plain text out of a template before Handlebars parses it at run time:
//! templates that are not built in (built-in ones are parsed at build time, see `compiled.rs`),
//! and built-in ones again when a render error needs its line.
//!
//! Handlebars' parser (pest) is slow on plain text and computes each token's line and column by
//! rescanning the template from its start, so compile time grows with the square of a template's
//! size (about 90% of a run's instructions under callgrind; see docs/performance.md). Most of a
//! template is plain text, so whole lines of it are replaced by `{{__raw N}}` and handed back
//! verbatim by the `__raw` helper.
//!
//! The output must stay byte-for-byte the same, which fixes the rules:
//! - only whole lines strictly inside a run of plain text are lifted; the run's first and last
//!   (partial) lines stay, so "standalone" tags keep their own lines;
//! - the placeholder is followed by the newline that ended the lifted lines, so the next line
//!   starts where it did;
//! - runs next to whitespace control (`{{~`, `~}}`) are left alone, as are templates with raw
//!   blocks (`{{{{`); escaped `\{{ … }}` counts as a tag.

/// The text Handlebars should parse, and the lifted lines for the `__raw` helper.
pub struct Lifted<'t> {
    pub template: String,
    pub chunks: Vec<&'t str>,
    /// Where each chunk's placeholder starts in `template`, to map lines back.
    placeholders: Vec<usize>,
}

impl Lifted<'_> {
    /// The line of the original text that line `line` (1-based) of `template` comes from. Lines
    /// keep their columns: only whole lines are lifted.
    pub fn original_line(&self, line: usize) -> usize {
        let mut dropped = 0;
        for (at, chunk) in self.placeholders.iter().zip(&self.chunks) {
            let placeholder_line = self.template[..*at].matches('\n').count() + 1;
            if placeholder_line >= line {
                break;
            }
            // The chunk's lines stand on the placeholder's one line.
            dropped += chunk.matches('\n').count();
        }
        line + dropped
    }
}

/// Shortest run of lines worth lifting, in bytes.
const MIN_LIFT: usize = 16;

pub fn lift(text: &str) -> Lifted<'_> {
    let mut out = Lifted {
        template: String::with_capacity(text.len() / 2),
        chunks: Vec::new(),
        placeholders: Vec::new(),
    };
    if text.contains("{{{{") {
        out.template.push_str(text);
        return out;
    }
    let mut pos = 0;
    let mut after_trim = false;
    while pos < text.len() {
        let start = text[pos..].find("{{").map_or(text.len(), |i| pos + i);
        let before_trim = text[start..].starts_with("{{~");
        let run = &text[pos..start];
        if after_trim || before_trim {
            out.template.push_str(run);
        } else {
            push_run(&mut out, run);
        }
        if start == text.len() {
            break;
        }
        let end = tag_end(text, start);
        out.template.push_str(&text[start..end]);
        after_trim = text[start..end].ends_with("~}}");
        pos = end;
    }
    out
}

/// Keep the run's first and last partial lines; lift the whole lines between them.
fn push_run<'t>(out: &mut Lifted<'t>, run: &'t str) {
    let (Some(first), Some(last)) = (run.find('\n'), run.rfind('\n')) else {
        out.template.push_str(run);
        return;
    };
    if last <= first + MIN_LIFT {
        out.template.push_str(run);
        return;
    }
    out.template.push_str(&run[..=first]);
    out.placeholders.push(out.template.len());
    out.template
        .push_str(&format!("{{{{__raw {}}}}}\n", out.chunks.len()));
    out.template.push_str(&run[last + 1..]);
    out.chunks.push(&run[first + 1..last]);
}

/// Cut a template into pieces that can be compiled and rendered one after another with the same
/// output: cuts fall only after a newline outside every block, never near whitespace control or
/// raw blocks. Compiling pieces of about `size` bytes avoids Handlebars' cost that grows with the
/// square of a template's length.
pub fn pieces(template: &str, size: usize) -> Vec<&str> {
    if template.contains("{{~") || template.contains("~}}") || template.contains("{{{{") {
        return vec![template];
    }
    let mut out = Vec::new();
    let mut piece_start = 0;
    let mut depth: usize = 0;
    let mut pos = 0;
    while pos < template.len() {
        let next_tag = template[pos..]
            .find("{{")
            .map_or(template.len(), |i| pos + i);
        // Plain text up to the next tag: cut after its last newline once the piece is big enough.
        if depth == 0
            && next_tag - piece_start >= size
            && let Some(nl) = template[pos..next_tag].rfind('\n')
        {
            let cut = pos + nl + 1;
            if cut > piece_start {
                out.push(&template[piece_start..cut]);
                piece_start = cut;
            }
        }
        if next_tag == template.len() {
            break;
        }
        let end = tag_end(template, next_tag);
        let tag = &template[next_tag..end];
        let escaped = next_tag > 0 && template.as_bytes()[next_tag - 1] == b'\\';
        if !escaped && !tag.starts_with("{{!") {
            if tag.starts_with("{{#")
                || (tag.starts_with("{{^") && tag.trim_end_matches('}').len() > 3)
            {
                depth += 1;
            } else if tag.starts_with("{{/") {
                depth = depth.saturating_sub(1);
            }
        }
        pos = end;
    }
    if piece_start < template.len() || out.is_empty() {
        out.push(&template[piece_start..]);
    }
    out
}

/// Index just past the tag that starts at `start`.
fn tag_end(text: &str, start: usize) -> usize {
    let rest = &text[start..];
    let close = if rest.starts_with("{{!--") {
        "--}}"
    } else if rest.starts_with("{{{") {
        "}}}"
    } else {
        "}}"
    };
    rest[2..]
        .find(close)
        .map_or(text.len(), |i| start + 2 + i + close.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(n: usize) -> String {
        format!("plain line number {n} with enough text to be worth lifting\n")
    }

    #[test]
    fn whole_inner_lines_are_lifted_and_edges_kept() {
        let text = format!("{{{{#if a}}}}\n{}{}tail {{{{x}}}}", line(1), line(2));
        let lifted = lift(&text);
        assert_eq!(lifted.template, "{{#if a}}\n{{__raw 0}}\ntail {{x}}");
        assert_eq!(
            lifted.chunks,
            vec![format!("{}{}", line(1), line(2)).trim_end_matches('\n')]
        );
    }

    #[test]
    fn short_runs_whitespace_control_and_raw_blocks_are_left_alone() {
        let short = "{{#if a}}\nshort\n{{/if}}\n";
        assert_eq!(lift(short).template, short);
        let trimmed = format!("{{{{x~}}}}\n{}{}{{{{y}}}}", line(1), line(2));
        assert_eq!(lift(&trimmed).template, trimmed);
        let before = format!("{{{{x}}}}\n{}{}{{{{~y}}}}", line(1), line(2));
        assert_eq!(lift(&before).template, before);
        let raw = format!(
            "{{{{{{{{raw}}}}}}}}\n{}{}{{{{{{{{/raw}}}}}}}}",
            line(1),
            line(2)
        );
        assert!(lift(&raw).chunks.is_empty());
    }

    #[test]
    fn pieces_are_cut_only_between_top_level_lines() {
        let text = "a\nb\n{{#if x}}\nb\nc\n{{/if}}\nd\ne\n{{y}}\n";
        assert_eq!(
            pieces(text, 1),
            vec!["a\nb\n", "{{#if x}}\nb\nc\n{{/if}}\nd\ne\n", "{{y}}\n"]
        );
        assert_eq!(pieces(text, 1000), vec![text]);
        let trimmed = "a\n{{~x}}\nb\n";
        assert_eq!(pieces(trimmed, 1), vec![trimmed]);
        let nested = "{{#each a}}\n{{#if b}}\nx\n{{/if}}\n{{/each}}\ny\n{{z}}";
        assert_eq!(
            pieces(nested, 1),
            vec![
                "{{#each a}}\n{{#if b}}\nx\n{{/if}}\n{{/each}}\ny\n",
                "{{z}}"
            ]
        );
        assert_eq!(
            pieces("{{#if a}}\n{{^}}\nx\n{{/if}}\n", 1),
            vec!["{{#if a}}\n{{^}}\nx\n{{/if}}\n"]
        );
    }

    #[test]
    fn lines_of_the_lifted_template_map_back_to_the_original() {
        let text = format!(
            "{{{{a}}}}\n{}{}{}{{{{b}}}}\n{}{}{}{{{{c}}}}\n",
            line(2),
            line(3),
            line(4),
            line(6),
            line(7),
            line(8)
        );
        let lifted = lift(&text);
        let lines: Vec<&str> = lifted.template.lines().collect();
        let b = lines.iter().position(|l| l.contains("{{b}}")).unwrap_or(0) + 1;
        let c = lines.iter().position(|l| l.contains("{{c}}")).unwrap_or(0) + 1;
        assert!(c < 9, "lines were lifted: {lines:?}");
        assert_eq!(lifted.original_line(1), 1);
        assert_eq!(lifted.original_line(b), 5);
        assert_eq!(lifted.original_line(c), 9);
    }

    #[test]
    fn comments_and_escapes_are_tags() {
        let text = [
            "{{!-- a }} b --}}\n",
            &line(1),
            &line(2),
            "\\{{ secrets.X }}\n",
        ]
        .concat();
        let lifted = lift(&text);
        assert_eq!(
            lifted.template,
            "{{!-- a }} b --}}\n{{__raw 0}}\n\\{{ secrets.X }}\n"
        );
    }
}

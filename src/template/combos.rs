//! A covering set of answers for a stack: every pair of values of any two options appears in
//! some combination (pairwise), with the defaults first. A value of an option whose `when` does
//! not hold is never taken: such an option keeps its default, as `sprout new` does.

use std::collections::BTreeSet;

use crate::stack::{Kind, Stack};
use crate::value::Value;

/// A name every built-in naming rule accepts.
pub const SAMPLE_NAME: &str = "demo-app";

/// One combination: every option of the stack, in asking order.
#[derive(Debug, Clone, PartialEq)]
pub struct Combination {
    pub answers: Vec<(String, Value)>,
}

impl Combination {
    /// `key=value` for each answer that differs from the default, or "the defaults".
    pub fn describe(&self, stack: &Stack) -> String {
        let changed: Vec<String> = self
            .answers
            .iter()
            .filter(|(key, value)| {
                stack.option(key).and_then(|o| o.default.as_ref()) != Some(value)
            })
            .filter(|(key, _)| key != "name")
            .map(|(key, value)| format!("{key}={value}"))
            .collect();
        if changed.is_empty() {
            "the defaults".into()
        } else {
            changed.join(" ")
        }
    }

    /// The answers as `--set` pairs, for the options that apply (those `sprout new` accepts).
    pub fn set_pairs(&self, stack: &Stack) -> Vec<(String, String)> {
        let lookup = |key: &str| self.answers.iter().find(|(k, _)| k == key).map(|(_, v)| v);
        self.answers
            .iter()
            .filter(|(key, _)| stack.option(key).is_some_and(|o| o.when.holds(lookup)))
            .map(|(key, value)| {
                let raw = match value {
                    Value::Bool(b) => b.to_string(),
                    Value::Text(t) => t.clone(),
                };
                (key.clone(), raw)
            })
            .collect()
    }
}

/// Each option's values to cover: its choices, both booleans; a text keeps its default (the
/// name: [`SAMPLE_NAME`]).
fn domain(stack: &Stack) -> Vec<Vec<Value>> {
    stack
        .options
        .iter()
        .map(|option| match &option.kind {
            Kind::Choice(choices) => choices.iter().cloned().map(Value::Text).collect(),
            Kind::Bool => vec![Value::Bool(false), Value::Bool(true)],
            Kind::Text { .. } if option.key == "name" => vec![Value::Text(SAMPLE_NAME.into())],
            Kind::Text { .. } => vec![option.default.clone().unwrap_or(Value::Text(String::new()))],
        })
        .collect()
}

/// What the answers would be for the wanted values (index per option): an option whose
/// condition does not hold takes its default.
fn effective(stack: &Stack, domain: &[Vec<Value>], wanted: &[usize]) -> Vec<usize> {
    let mut chosen: Vec<(String, Value)> = Vec::with_capacity(wanted.len());
    let mut out = Vec::with_capacity(wanted.len());
    for (i, option) in stack.options.iter().enumerate() {
        let lookup = |key: &str| chosen.iter().find(|(k, _)| k == key).map(|(_, v)| v);
        let index = if option.when.holds(lookup) {
            wanted[i]
        } else {
            default_index(option.default.as_ref(), &domain[i])
        };
        chosen.push((option.key.clone(), domain[i][index].clone()));
        out.push(index);
    }
    out
}

fn default_index(default: Option<&Value>, values: &[Value]) -> usize {
    default
        .and_then(|d| values.iter().position(|v| v == d))
        .unwrap_or(0)
}

/// The pairs (option i, value a, option j, value b), i < j, a combination covers.
fn pairs_of(row: &[usize]) -> Vec<(usize, usize, usize, usize)> {
    let mut out = Vec::new();
    for i in 0..row.len() {
        for j in i + 1..row.len() {
            out.push((i, row[i], j, row[j]));
        }
    }
    out
}

/// The covering set: the defaults, then combinations chosen greedily until every pair of
/// values that can occur together occurs in one. With one option, each of its values.
pub fn covering(stack: &Stack) -> Vec<Combination> {
    let domain = domain(stack);
    let n = domain.len();
    let defaults: Vec<usize> = stack
        .options
        .iter()
        .zip(&domain)
        .map(|(o, values)| default_index(o.default.as_ref(), values))
        .collect();
    let mut rows: Vec<Vec<usize>> = vec![effective(stack, &domain, &defaults)];
    let mut uncovered: BTreeSet<(usize, usize, usize, usize)> = BTreeSet::new();
    for i in 0..n {
        for j in i + 1..n {
            for a in 0..domain[i].len() {
                for b in 0..domain[j].len() {
                    uncovered.insert((i, a, j, b));
                }
            }
        }
    }
    if n == 1 {
        rows.extend((0..domain[0].len()).map(|a| effective(stack, &domain, &[a])));
    }
    for row in &rows {
        for pair in pairs_of(row) {
            uncovered.remove(&pair);
        }
    }
    while let Some(&(i, a, j, b)) = uncovered.iter().next() {
        let mut wanted = defaults.clone();
        wanted[i] = a;
        wanted[j] = b;
        for k in (0..n).filter(|&k| k != i && k != j) {
            let gain = |v: usize| {
                (0..n)
                    .filter(|&m| m != k && (m < k || m == i || m == j))
                    .filter(|&m| {
                        let pair = if m < k {
                            (m, wanted[m], k, v)
                        } else {
                            (k, v, m, wanted[m])
                        };
                        uncovered.contains(&pair)
                    })
                    .count()
            };
            if let Some(best) = (0..domain[k].len()).max_by_key(|&v| (gain(v), usize::MAX - v)) {
                wanted[k] = best;
            }
        }
        let row = effective(stack, &domain, &wanted);
        let covered: Vec<_> = pairs_of(&row)
            .into_iter()
            .filter(|p| uncovered.contains(p))
            .collect();
        // The pair cannot occur (a condition keeps one of its values away): drop it.
        uncovered.remove(&(i, a, j, b));
        if covered.is_empty() {
            continue;
        }
        for pair in covered {
            uncovered.remove(&pair);
        }
        rows.push(row);
    }
    let mut out: Vec<Combination> = Vec::with_capacity(rows.len());
    for row in rows {
        let combination = Combination {
            answers: stack
                .options
                .iter()
                .zip(&row)
                .enumerate()
                .map(|(i, (o, &v))| (o.key.clone(), domain[i][v].clone()))
                .collect(),
        };
        if !out.contains(&combination) {
            out.push(combination);
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn every_pair_of_values_is_covered_and_the_defaults_come_first() {
        for stack in crate::catalog::load_all().unwrap() {
            let set = covering(&stack);
            let first = &set[0];
            for (key, value) in &first.answers {
                let option = stack.option(key).unwrap();
                if key != "name" {
                    assert_eq!(option.default.as_ref(), Some(value), "{}: {key}", stack.key);
                }
            }
            let domain = domain(&stack);
            // Every pair of values of two unconditional options occurs in some combination.
            let free: Vec<usize> = (0..stack.options.len())
                .filter(|&i| stack.options[i].when.is_empty())
                .collect();
            for &i in &free {
                for &j in free.iter().filter(|&&j| j > i) {
                    for a in &domain[i] {
                        for b in &domain[j] {
                            assert!(
                                set.iter()
                                    .any(|c| &c.answers[i].1 == a && &c.answers[j].1 == b),
                                "{}: {}={a} with {}={b}",
                                stack.key,
                                stack.options[i].key,
                                stack.options[j].key
                            );
                        }
                    }
                }
            }
            // Never more than every combination.
            let all: usize = domain.iter().map(Vec::len).product();
            assert!(set.len() <= all, "{}", stack.key);
        }
    }
}

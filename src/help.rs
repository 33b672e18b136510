//! `--help` in the person's language. clap's texts come from the doc comments, in English; the
//! catalogs hold each of them under `help.<command>.<part>` (`locales/en.yml` must match the
//! doc comments, a test checks), and for another language they are swapped in before parsing.

use crate::t;
use crate::ui::Lang;
use clap::Command;
use std::ffi::OsString;

/// The language for `--help`, decided before clap parses anything: `--lang X` or `--lang=X`
/// on the command line, else the environment (as [`Lang::from_env`]).
pub fn lang(args: &[OsString], contrib_lang: Option<&str>, locale: Option<&str>) -> Lang {
    let mut given = None;
    for (i, a) in args.iter().enumerate() {
        let a = a.to_string_lossy();
        if a == "--" {
            break;
        }
        if let Some(v) = a.strip_prefix("--lang=") {
            given = Some(v.to_string());
        } else if a == "--lang" {
            given = args.get(i + 1).map(|v| v.to_string_lossy().into_owned());
        }
    }
    // A value clap will refuse (`--lang fr`, or none) leaves the choice to the environment,
    // so the error about it is in the language the person otherwise gets.
    match given.as_deref().map(|v| v.trim().to_ascii_lowercase()) {
        Some(v) if v.starts_with("zh") => Lang::Zh,
        Some(v) if v.starts_with("en") => Lang::En,
        _ => Lang::from_env(contrib_lang, locale),
    }
}

/// A command's place in the tree as a key part: `contrib`, `start`, `auth_login`.
fn key_path(parent: &str, name: &str) -> String {
    if parent.is_empty() || parent == "contrib" {
        name.to_string()
    } else {
        format!("{parent}_{name}")
    }
}

/// Every help text of `cmd` and its subcommands, as (catalog key, English text).
pub fn texts(cmd: &Command) -> Vec<(String, String)> {
    let mut out = Vec::new();
    walk(cmd, "", &mut out);
    out
}

fn walk(cmd: &Command, parent: &str, out: &mut Vec<(String, String)>) {
    let path = key_path(parent, cmd.get_name());
    let mut put = |part: &str, text: Option<&clap::builder::StyledStr>| {
        if let Some(text) = text {
            out.push((format!("help.{path}.{part}"), text.to_string()));
        }
    };
    put("about", cmd.get_about());
    put("long_about", cmd.get_long_about());
    put("after_help", cmd.get_after_help());
    for arg in cmd.get_arguments() {
        let id = arg.get_id().as_str();
        put(id, arg.get_help());
        put(&format!("{id}_long"), arg.get_long_help());
    }
    for sub in cmd.get_subcommands() {
        walk(sub, &path, out);
    }
}

/// What clap would add after an option's help (`[default: …]`, `[possible values: …]`), in
/// the chosen language; clap's own are then hidden.
fn annotations(a: &clap::Arg) -> String {
    if !a.get_action().takes_values() {
        return String::new();
    }
    let mut out = String::new();
    let defaults: Vec<String> = a
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().into_owned())
        .collect();
    if !defaults.is_empty() && !a.is_hide_default_value_set() {
        out += &format!(" {}", t!("help.default", value = defaults.join(", ")));
    }
    let values: Vec<String> = a
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| v.get_name().to_string())
        .collect();
    if !values.is_empty() && !a.is_hide_possible_values_set() {
        out += &format!(" {}", t!("help.possible", values = values.join(", ")));
    }
    out
}

/// `cmd` with every help text, heading and built-in flag in `lang`. English is what the doc
/// comments say, so it is left as it is.
pub fn translate(cmd: Command, lang: Lang) -> Command {
    if lang == Lang::En {
        return cmd;
    }
    let mut cmd = swap(cmd, "");
    // clap adds the help and version flags and the help subcommand when it builds the tree.
    cmd.build();
    builtins(cmd)
}

fn builtins(mut cmd: Command) -> Command {
    let options = t!("help.heading.options").into_owned();
    let help = cmd.get_arguments().find(|a| a.get_id() == "help");
    if let Some(has_long) = help.map(|h| h.get_long_help().is_some()) {
        // With a long description, -h and --help say how to see the other.
        let (short, long) = if has_long {
            (
                t!("help.flag.help_more"),
                Some(t!("help.flag.help_summary")),
            )
        } else {
            (t!("help.flag.help"), None)
        };
        let (short, long, heading) = (
            short.into_owned(),
            long.map(|l| l.into_owned()),
            options.clone(),
        );
        cmd = cmd.mut_arg("help", |a| {
            let a = a.help(short).help_heading(heading);
            match long {
                Some(l) => a.long_help(l),
                None => a,
            }
        });
    }
    if cmd.get_arguments().any(|a| a.get_id() == "version") {
        let (text, heading) = (t!("help.flag.version").into_owned(), options.clone());
        cmd = cmd.mut_arg("version", |a| a.help(text).help_heading(heading));
    }
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        cmd = cmd.mut_subcommand(&name, |s| {
            let s = if name == "help" {
                s.about(t!("help.flag.help_command").into_owned())
            } else {
                s
            };
            builtins(s)
        });
    }
    cmd
}

fn swap(mut cmd: Command, parent: &str) -> Command {
    let path = key_path(parent, cmd.get_name());
    let text = |part: &str| {
        let key = format!("help.{path}.{part}");
        t!(key.as_str()).into_owned()
    };
    if cmd.get_about().is_some() {
        cmd = cmd.about(text("about"));
    }
    if cmd.get_long_about().is_some() {
        cmd = cmd.long_about(text("long_about"));
    }
    if cmd.get_after_help().is_some() {
        cmd = cmd.after_help(text("after_help"));
    }
    let ids: Vec<(String, bool, bool, bool, String)> = cmd
        .get_arguments()
        .map(|a| {
            (
                a.get_id().to_string(),
                a.get_help().is_some(),
                a.get_long_help().is_some(),
                a.is_positional(),
                annotations(a),
            )
        })
        .collect();
    for (id, help, long, positional, notes) in ids {
        let heading = if positional {
            t!("help.heading.arguments")
        } else {
            t!("help.heading.options")
        };
        let h = help.then(|| text(&id) + &notes);
        let l = long.then(|| text(&format!("{id}_long")) + &notes);
        cmd = cmd.mut_arg(&id, |mut a| {
            if let Some(h) = h {
                a = a.help(h);
            }
            if let Some(l) = l {
                a = a.long_help(l);
            }
            let a = a.help_heading(heading.into_owned());
            if a.get_action().takes_values() {
                a.hide_default_value(true).hide_possible_values(true)
            } else {
                a
            }
        });
    }
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        cmd = cmd.mut_subcommand(&name, |s| swap(s, &path));
    }
    // clap's own parts: the headings, and the help and version flags it adds.
    cmd.subcommand_help_heading(t!("help.heading.commands").into_owned())
        .help_template(t!("help.template").into_owned())
}

/// clap's usage error in `lang`, or `None` to let clap print its own (English, or a kind of
/// error without a translation). Its parts come from the error's context, so nothing is lost.
pub fn usage_error(e: &clap::Error, lang: Lang) -> Option<String> {
    use clap::error::{ContextKind as K, ContextValue as V, ErrorKind};
    if lang == Lang::En {
        return None;
    }
    let get = |k: K| match e.get(k) {
        Some(V::String(s)) => Some(s.clone()),
        Some(V::Strings(v)) => Some(v.join(", ")),
        Some(V::StyledStr(s)) => Some(s.to_string()),
        Some(V::StyledStrs(v)) => Some(
            v.iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .join(", "),
        ),
        _ => None,
    };
    let arg = get(K::InvalidArg).unwrap_or_default();
    let message = match e.kind() {
        ErrorKind::UnknownArgument => t!("help.error.unknown_argument", arg = arg),
        ErrorKind::InvalidSubcommand => t!(
            "help.error.unknown_command",
            name = get(K::InvalidSubcommand).unwrap_or_default()
        ),
        ErrorKind::InvalidValue => match get(K::InvalidValue).filter(|v| !v.is_empty()) {
            None => t!("help.error.value_required", arg = arg),
            Some(value) => t!(
                "help.error.invalid_value",
                value = value,
                arg = arg,
                values = get(K::ValidValue).unwrap_or_default()
            ),
        },
        ErrorKind::ValueValidation => t!(
            "help.error.bad_value",
            value = get(K::InvalidValue).unwrap_or_default(),
            arg = arg,
            why = std::error::Error::source(e)
                .map(|s| s.to_string())
                .unwrap_or_default()
        ),
        ErrorKind::MissingRequiredArgument => t!("help.error.missing", args = arg),
        ErrorKind::ArgumentConflict => t!(
            "help.error.conflict",
            arg = arg,
            other = get(K::PriorArg).unwrap_or_default()
        ),
        _ => return None,
    };
    let mut out = format!("{}{message}\n", t!("ui.label.error"));
    let suggested = get(K::SuggestedArg)
        .or_else(|| get(K::SuggestedSubcommand))
        .or_else(|| get(K::SuggestedValue));
    if let Some(s) = suggested {
        out += &format!(
            "{}{}\n",
            t!("ui.label.hint"),
            t!("help.error.similar", names = s)
        );
    }
    if let Some(usage) = get(K::Usage) {
        let usage = usage.trim_start();
        let usage = usage.split_once(": ").map_or(usage, |(_, u)| u);
        out += &format!("\n{}\n", t!("help.error.usage", usage = usage));
    }
    out += &t!("help.error.more");
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_help_language_comes_before_parsing() {
        let args = |v: &[&str]| v.iter().map(OsString::from).collect::<Vec<_>>();
        assert_eq!(
            lang(&args(&["contrib", "--lang", "zh", "start"]), None, None),
            Lang::Zh
        );
        assert_eq!(
            lang(&args(&["contrib", "start", "--lang=zh"]), Some("en"), None),
            Lang::Zh
        );
        assert_eq!(
            lang(&args(&["contrib", "--lang", "en"]), Some("zh"), None),
            Lang::En
        );
        assert_eq!(
            lang(&args(&["contrib", "-h"]), None, Some("zh_CN.UTF-8")),
            Lang::Zh
        );
        assert_eq!(
            lang(&args(&["contrib", "--", "--lang", "zh"]), None, None),
            Lang::En
        );
        // A value clap will refuse: the environment decides the language of that error.
        assert_eq!(
            lang(&args(&["contrib", "--lang", "fr"]), Some("zh"), None),
            Lang::Zh
        );
        assert_eq!(
            lang(&args(&["contrib", "--lang"]), None, Some("zh_CN")),
            Lang::Zh
        );
    }
}

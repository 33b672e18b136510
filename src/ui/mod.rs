//! Asking and telling the person. The only module that names dialoguer, console and
//! indicatif. Results go to stdout; status, warnings and errors go to stderr.
//!
//! Prompts only when a person is there: with `--no-input`, or without a terminal, a question
//! with a default takes it, and one without fails with exit 2 naming the flag that answers it.

use crate::error::{Error, Kind, Result};
use crate::t;
use crate::text::strip_control;
use std::io::{IsTerminal, Write};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// The language contrib speaks to the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    En,
    Zh,
}

impl Lang {
    /// `CONTRIB_LANG` (`en`, `zh`), else the first of `LC_ALL`, `LC_MESSAGES`, `LANG` that is
    /// set: `zh…` means Chinese, anything else English.
    pub fn from_env(contrib_lang: Option<&str>, locale: Option<&str>) -> Self {
        let pick = |v: &str| {
            if v.trim().to_ascii_lowercase().starts_with("zh") {
                Lang::Zh
            } else {
                Lang::En
            }
        };
        match (contrib_lang, locale) {
            (Some(v), _) => pick(v),
            (None, Some(l)) => pick(l),
            (None, None) => Lang::En,
        }
    }
}

#[cfg(test)]
mod lang_tests {
    use super::Lang;

    #[test]
    fn language_from_the_environment() {
        assert_eq!(Lang::from_env(Some("zh"), Some("en_US.UTF-8")), Lang::Zh);
        assert_eq!(Lang::from_env(Some("en"), Some("zh_CN.UTF-8")), Lang::En);
        assert_eq!(Lang::from_env(None, Some("zh_TW.UTF-8")), Lang::Zh);
        assert_eq!(Lang::from_env(None, Some("C.UTF-8")), Lang::En);
        assert_eq!(Lang::from_env(None, None), Lang::En);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verbosity {
    Quiet,
    Normal,
    Verbose,
}

/// How to talk to this person, decided once at start-up.
#[derive(Debug, Clone)]
pub struct Ui {
    pub verbosity: Verbosity,
    pub json: bool,
    /// `--yes`: take every default.
    pub yes: bool,
    /// Prompts are allowed: a terminal on stdin and stderr, and no `--no-input`.
    pub interactive: bool,
    pub lang: Lang,
    color_err: bool,
}

impl Ui {
    pub fn new(
        color: ColorChoice,
        no_color_env: bool,
        force_color_env: bool,
        verbosity: Verbosity,
        json: bool,
        yes: bool,
        no_input: bool,
    ) -> Self {
        let tty_out = std::io::stdout().is_terminal();
        let tty_err = std::io::stderr().is_terminal();
        let auto = |tty: bool| (tty || force_color_env) && !no_color_env;
        let (out, err) = match color {
            ColorChoice::Always => (true, true),
            ColorChoice::Never => (false, false),
            ColorChoice::Auto => (auto(tty_out), auto(tty_err)),
        };
        console::set_colors_enabled(out);
        console::set_colors_enabled_stderr(err);
        let interactive = !no_input && std::io::stdin().is_terminal() && tty_err;
        Self {
            verbosity,
            json,
            yes,
            interactive,
            color_err: err,
            lang: Lang::En,
        }
    }

    /// A plain, quiet, non-interactive Ui (for errors before options are parsed).
    pub fn plain() -> Self {
        Self {
            verbosity: Verbosity::Normal,
            json: false,
            yes: false,
            interactive: false,
            color_err: false,
            lang: Lang::En,
        }
    }

    /// A line of the command's result, on stdout.
    pub fn out(&self, line: impl AsRef<str>) -> Result<()> {
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "{}", line.as_ref())
            .map_err(|e| Error::io(t!("ui.could_not_write_output"), &e))
    }

    /// The "what next" line after a step; not with `-q` or `--json`.
    pub fn next(&self, what: impl AsRef<str>) -> Result<()> {
        if self.verbosity >= Verbosity::Normal && !self.json {
            self.out(format!("{}{}", t!("ui.label.next"), what.as_ref()))
        } else {
            Ok(())
        }
    }

    /// Raw bytes on stdout (completions, man page).
    pub fn out_bytes(&self, bytes: &[u8]) -> Result<()> {
        let mut stdout = std::io::stdout().lock();
        stdout
            .write_all(bytes)
            .and_then(|_| stdout.flush())
            .map_err(|e| Error::io(t!("ui.could_not_write_output"), &e))
    }

    /// A JSON document on stdout.
    pub fn out_json(&self, value: &serde_json::Value) -> Result<()> {
        let text = serde_json::to_string_pretty(value)
            .map_err(|e| Error::bug(t!("ui.could_not_write_json")).cause(e.to_string()))?;
        self.out(text)
    }

    fn err_line(&self, line: &str) {
        // A closed stderr is nothing we can report anywhere; ignore it.
        let _ = writeln!(std::io::stderr().lock(), "{line}");
    }

    fn paint(&self, text: &str, style: console::Style) -> String {
        if self.color_err {
            style.force_styling(true).apply_to(text).to_string()
        } else {
            text.to_string()
        }
    }

    /// A step, cargo-style: a right-aligned verb and what it does (stderr; not with -q/--json).
    pub fn status(&self, verb: impl AsRef<str>, message: impl AsRef<str>) {
        let verb = verb.as_ref();
        if self.verbosity >= Verbosity::Normal && !self.json {
            // Right-aligned by display width: a Chinese character takes two columns.
            let verb = console::pad_str(verb, 12, console::Alignment::Right, None);
            let verb = self.paint(&verb, console::Style::new().green().bold());
            self.err_line(&format!("{verb} {}", message.as_ref()));
        }
    }

    /// Extra detail for `-v`.
    pub fn debug(&self, message: impl AsRef<str>) {
        if self.verbosity >= Verbosity::Verbose {
            self.err_line(&self.paint(
                &format!("  {}", message.as_ref()),
                console::Style::new().dim(),
            ));
        }
    }

    pub fn warn(&self, message: impl AsRef<str>) {
        if self.verbosity >= Verbosity::Normal {
            let label = self.paint(
                &t!("ui.label.warning"),
                console::Style::new().yellow().bold(),
            );
            self.err_line(&format!("{label}{}", message.as_ref()));
        }
    }

    /// A check's outcome: ✓, ✗, ! or –, then text, then an indented hint.
    pub fn check_line(&self, mark: Mark, text: impl AsRef<str>, hint: Option<&str>) -> Result<()> {
        let text = text.as_ref();
        let (symbol, style) = match mark {
            Mark::Ok => ("✓", console::Style::new().green()),
            Mark::Fail => ("✗", console::Style::new().red().bold()),
            Mark::Warn => ("!", console::Style::new().yellow().bold()),
            Mark::Skip => ("–", console::Style::new().dim()),
        };
        let symbol = if console::colors_enabled() {
            style.apply_to(symbol).to_string()
        } else {
            symbol.to_string()
        };
        self.out(format!("{symbol} {text}"))?;
        if let Some(hint) = hint {
            self.out(format!("    {}{hint}", t!("ui.label.hint")))?;
        }
        Ok(())
    }

    /// Prints an error the way every command does. Text is stripped of control sequences:
    /// parts of it may come from GitHub.
    pub fn report(&self, err: &Error) {
        if err.kind == Kind::BrokenPipe || err.silent {
            return;
        }
        let label = self.paint(&t!("ui.label.error"), console::Style::new().red().bold());
        self.err_line(&format!("{label}{}", strip_control(&err.message)));
        for cause in &err.causes {
            self.err_line(&format!(
                "{}{}",
                t!("ui.label.caused_by"),
                strip_control(cause)
            ));
        }
        for hint in &err.hints {
            let label = self.paint(&t!("ui.label.hint"), console::Style::new().cyan().bold());
            self.err_line(&format!("{label}{}", strip_control(hint)));
        }
    }

    fn cannot_ask(&self, question: &str, flag: &str) -> Error {
        let why = if self.interactive {
            ""
        } else {
            &t!("ui.there_no_terminal_ask")
        };
        Error::usage(t!(
            "ui.contrib_needs_answer",
            question = question,
            why = why
        ))
        .hint(t!("ui.answer", flag = flag))
    }

    /// A hidden one-line answer (a token). No default: without a terminal, exit 2 naming `flag`.
    pub fn secret(&self, question: impl AsRef<str>, flag: impl AsRef<str>) -> Result<String> {
        let (question, flag) = (question.as_ref(), flag.as_ref());
        if !self.interactive {
            return Err(self.cannot_ask(question, flag));
        }
        dialoguer::Password::new()
            .with_prompt(question)
            .interact()
            .map_err(|e| Error::failed(t!("ui.could_not_read_answer")).cause(e.to_string()))
    }

    /// Yes or no. `--yes` or no terminal takes `default`; with no default and no terminal,
    /// exit 2 naming `flag`.
    pub fn confirm(
        &self,
        question: impl AsRef<str>,
        default: Option<bool>,
        flag: impl AsRef<str>,
    ) -> Result<bool> {
        let (question, flag) = (question.as_ref(), flag.as_ref());
        if let Some(d) = default
            && (self.yes || !self.interactive)
        {
            return Ok(d);
        }
        if self.yes {
            return Ok(true);
        }
        if !self.interactive {
            return Err(self.cannot_ask(question, flag));
        }
        let mut prompt = dialoguer::Confirm::new().with_prompt(question);
        if let Some(d) = default {
            prompt = prompt.default(d);
        }
        prompt
            .interact()
            .map_err(|e| Error::failed(t!("ui.could_not_read_answer")).cause(e.to_string()))
    }
}

impl Ui {
    fn need_terminal(&self, what: &str) -> Result<()> {
        if self.interactive {
            Ok(())
        } else {
            Err(Error::bug(t!("ui.asked_without_terminal", what = what)))
        }
    }

    /// One line of text, prefilled with `initial`; `check` returns a problem to re-ask on.
    pub fn input(
        &self,
        prompt: impl AsRef<str>,
        initial: &str,
        allow_empty: bool,
        check: impl Fn(&str) -> Option<String>,
    ) -> Result<String> {
        self.need_terminal("input")?;
        let mut i = dialoguer::Input::<String>::new()
            .with_prompt(prompt.as_ref())
            .allow_empty(allow_empty)
            .validate_with(|s: &String| -> std::result::Result<(), String> {
                match check(s) {
                    Some(problem) => Err(problem),
                    None => Ok(()),
                }
            });
        if !initial.is_empty() {
            i = i.with_initial_text(initial);
        }
        i.interact_text()
            .map_err(|e| Error::failed(t!("ui.could_not_read_answer")).cause(e.to_string()))
    }

    /// Several of `items`; `checked` are ticked to begin with.
    pub fn multi_select(
        &self,
        prompt: impl AsRef<str>,
        items: &[String],
        checked: &[bool],
    ) -> Result<Vec<usize>> {
        self.need_terminal("multi_select")?;
        dialoguer::MultiSelect::new()
            .with_prompt(prompt.as_ref())
            .items(items)
            .defaults(checked)
            .interact()
            .map_err(|e| Error::failed(t!("ui.could_not_read_choice")).cause(e.to_string()))
    }

    /// Long text in the person's editor (`editor` is the command, as git chose it).
    /// `None` when they leave it empty or quit without saving.
    pub fn edit(&self, editor: &str, initial: &str) -> Result<Option<String>> {
        self.need_terminal("edit")?;
        dialoguer::Editor::new()
            .executable(editor)
            .extension(".md")
            .edit(initial)
            .map_err(|e| {
                Error::failed(t!("ui.could_not_run_editor", editor = editor))
                    .cause(e.to_string())
                    .hint(t!("ui.set_git_editor_editor"))
            })
    }

    /// A block of text for the person to read (a preview), on stderr.
    pub fn show(&self, heading: impl AsRef<str>, text: &str) {
        let heading = heading.as_ref();
        let rule = self.paint(
            &format!("── {heading} "),
            console::Style::new().cyan().bold(),
        );
        self.err_line(&rule);
        for line in crate::text::strip_control(text).lines() {
            self.err_line(&format!("  {line}"));
        }
    }

    /// A hint from a template, dimmed.
    pub fn note(&self, text: impl AsRef<str>) {
        let text = text.as_ref();
        self.err_line(&self.paint(&format!("  {text}"), console::Style::new().dim()));
    }

    /// Choose one of `items` (only with a terminal).
    pub fn select(&self, prompt: impl AsRef<str>, items: &[String]) -> Result<usize> {
        if !self.interactive {
            return Err(Error::bug(t!("ui.select_called_without_terminal")));
        }
        dialoguer::Select::new()
            .with_prompt(prompt.as_ref())
            .items(items)
            .default(0)
            .interact()
            .map_err(|e| Error::failed(t!("ui.could_not_read_choice")).cause(e.to_string()))
    }

    /// Choose one of `items` by typing to filter. `None` when the person quits (Esc).
    /// Only with a terminal: without one, dialoguer's fuzzy picker would spin forever.
    pub fn fuzzy_pick(&self, prompt: impl AsRef<str>, items: &[String]) -> Result<Option<usize>> {
        if !self.interactive {
            return Err(Error::bug(t!("ui.fuzzy_pick_called_without")));
        }
        dialoguer::FuzzySelect::new()
            .with_prompt(prompt.as_ref())
            .items(items)
            .default(0)
            .interact_opt()
            .map_err(|e| Error::failed(t!("ui.could_not_read_choice")).cause(e.to_string()))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Ok,
    Fail,
    Warn,
    Skip,
}

/// Transfer progress: a bar on a terminal, one line per finished phase otherwise, nothing
/// with `-q` or `--json`.
pub struct Progress {
    bar: Option<indicatif::ProgressBar>,
    lines: bool,
    phase: String,
}

impl Ui {
    pub fn progress(&self) -> Progress {
        let visible = self.verbosity >= Verbosity::Normal && !self.json;
        let bar = (visible && std::io::stderr().is_terminal()).then(|| {
            let bar = indicatif::ProgressBar::new(0);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{prefix:>12.cyan.bold} [{bar:30}] {pos}/{len} {msg}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            bar
        });
        Progress {
            lines: visible && bar.is_none(),
            bar,
            phase: String::new(),
        }
    }
}

impl Progress {
    pub fn update(
        &mut self,
        phase: &str,
        current: u64,
        total: u64,
        detail: Option<&str>,
        done: bool,
    ) {
        if let Some(bar) = &self.bar {
            if phase != self.phase {
                bar.set_prefix(short_phase(phase));
                bar.reset();
            }
            bar.set_length(total);
            bar.set_position(current);
            bar.set_message(detail.unwrap_or("").to_string());
        } else if self.lines && done {
            let detail = detail.map(|d| format!(", {d}")).unwrap_or_default();
            let _ = writeln!(
                std::io::stderr().lock(),
                "{:>12} {phase}: {total}{detail}",
                ""
            );
        }
        self.phase = phase.to_string();
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

fn short_phase(phase: &str) -> String {
    phase.split_whitespace().next().unwrap_or(phase).to_string()
}

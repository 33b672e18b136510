//! Text from GitHub is untrusted: strip terminal control sequences before printing it.

/// Removes ANSI escape sequences (CSI, OSC, and two-byte ESC forms), C0 controls except
/// newline and tab, DEL, and C1 controls. What is left is safe to print to a terminal.
pub fn strip_control(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => match chars.next() {
                // CSI: parameters and intermediates, then one final byte in @..~.
                Some('[') => {
                    for c in chars.by_ref() {
                        if ('@'..='~').contains(&c) {
                            break;
                        }
                    }
                }
                // OSC, DCS, SOS, PM, APC: up to BEL or ESC \.
                Some(']' | 'P' | 'X' | '^' | '_') => {
                    while let Some(c) = chars.next() {
                        if c == '\u{7}' {
                            break;
                        }
                        if c == '\u{1b}' {
                            if chars.peek() == Some(&'\\') {
                                chars.next();
                            }
                            break;
                        }
                    }
                }
                _ => {}
            },
            '\n' | '\t' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// One line, for titles: controls stripped, newlines and tabs become spaces.
pub fn one_line(input: &str) -> String {
    strip_control(input)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_escape_sequences_and_controls() {
        assert_eq!(strip_control("a\u{1b}[31mred\u{1b}[0m b"), "ared b");
        assert_eq!(strip_control("x\u{1b}]0;evil title\u{7}y"), "xy");
        assert_eq!(
            strip_control("x\u{1b}]8;;http://e\u{1b}\\link\u{1b}]8;;\u{1b}\\y"),
            "xlinky"
        );
        assert_eq!(
            strip_control("bell\u{7} cr\r del\u{7f} c1\u{9b}2J"),
            "bell cr del c12J"
        );
        assert_eq!(
            strip_control("keep\nlines\tand 中文 ✓"),
            "keep\nlines\tand 中文 ✓"
        );
    }

    #[test]
    fn one_line_folds_whitespace() {
        assert_eq!(one_line("  Fix\n the\t\u{1b}[2Jbug  "), "Fix the bug");
    }
}

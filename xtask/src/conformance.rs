//! The test functions of a Rust test file (`tests/conformance.rs`), for
//! `cargo xtask check`.
//!
//! The file is read as Rust tokens, not searched as text: comments, string
//! and character literals are skipped, so a commented-out test or an
//! operationId in a string does not count. A function is found wherever a
//! `fn NAME` item is, at any depth (inside `mod` blocks too), with the
//! outer attributes written right before it (`pub`, `async`, `unsafe`,
//! `const` and `extern "…"` may stand between them). It is a test when one
//! of those attributes has a path ending in `test` (`#[test]`,
//! `#[tokio::test]`, `#[tokio::test(flavor = "multi_thread")]`), and it is
//! ignored when one is `#[ignore]` (CI does not run it).

/// One `fn` item of a source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    /// Its name.
    pub name: String,
    /// The line of its `fn` keyword, from 1.
    pub line: usize,
    /// Whether an attribute marks it as a test.
    pub is_test: bool,
    /// Whether it is marked `#[ignore]`.
    pub ignored: bool,
}

/// Every `fn` item of `source`, in order.
pub fn functions(source: &str) -> Vec<Function> {
    let tokens = tokens(source);
    let mut out = Vec::new();
    let mut attributes: Vec<&[Token]> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let token = &tokens[i];
        if token.is('#') && tokens.get(i + 1).is_some_and(|t| t.is('[')) {
            let end = closing(&tokens, i + 1, '[', ']');
            attributes.push(tokens.get(i + 2..end).unwrap_or_default());
            i = end + 1;
            continue;
        }
        if token.is('#') && tokens.get(i + 1).is_some_and(|t| t.is('!')) {
            // An inner attribute (#![...]) belongs to the enclosing item.
            let end = closing(&tokens, i + 2, '[', ']');
            i = end + 1;
            continue;
        }
        match token.ident() {
            Some("pub") => {
                if tokens.get(i + 1).is_some_and(|t| t.is('(')) {
                    i = closing(&tokens, i + 1, '(', ')');
                }
            }
            Some("async" | "unsafe" | "const" | "extern") => {}
            Some("fn") => {
                if let Some(name) = tokens.get(i + 1).and_then(Token::ident) {
                    out.push(Function {
                        name: name.to_owned(),
                        line: token.line,
                        is_test: attributes.iter().any(|a| is_test(a)),
                        ignored: attributes.iter().any(|a| path(a) == ["ignore"]),
                    });
                }
                attributes.clear();
            }
            _ => attributes.clear(),
        }
        i += 1;
    }
    out
}

/// The functions of `source` named `name`.
pub fn named<'a>(functions: &'a [Function], name: &str) -> impl Iterator<Item = &'a Function> {
    functions.iter().filter(move |f| f.name == name)
}

/// The path of an attribute's tokens (`tokio::test(...)` → `[tokio, test]`).
fn path(attribute: &[Token]) -> Vec<&str> {
    let mut out = Vec::new();
    for token in attribute {
        match token.ident() {
            Some(name) => out.push(name),
            None if token.is(':') => {}
            None => break,
        }
    }
    out
}

fn is_test(attribute: &[Token]) -> bool {
    path(attribute).last() == Some(&"test")
}

/// The index of the token closing the group opened at `open_at` (the
/// last index if it is never closed).
fn closing(tokens: &[Token], open_at: usize, open: char, close: char) -> usize {
    let mut depth = 0usize;
    for (i, token) in tokens.iter().enumerate().skip(open_at) {
        if token.is(open) {
            depth += 1;
        } else if token.is(close) {
            depth = depth.saturating_sub(1);
            if depth == 0 {
                return i;
            }
        }
    }
    tokens.len().saturating_sub(1)
}

/// An identifier (or keyword, or number) or a punctuation character.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Token {
    text: TokenText,
    line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum TokenText {
    Ident(String),
    Punct(char),
}

impl Token {
    fn is(&self, c: char) -> bool {
        self.text == TokenText::Punct(c)
    }

    fn ident(&self) -> Option<&str> {
        match &self.text {
            TokenText::Ident(name) => Some(name),
            TokenText::Punct(_) => None,
        }
    }
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The identifiers and punctuation of `source`, without whitespace,
/// comments, string literals, character literals and lifetimes. Never
/// fails: an unterminated comment or literal runs to the end.
fn tokens(source: &str) -> Vec<Token> {
    let chars: Vec<char> = source.chars().collect();
    let mut out = Vec::new();
    let mut line = 1;
    let mut i = 0;
    let at = |i: usize| chars.get(i).copied();
    while let Some(c) = at(i) {
        match c {
            '\n' => {
                line += 1;
                i += 1;
            }
            _ if c.is_whitespace() => i += 1,
            '/' if at(i + 1) == Some('/') => {
                while at(i).is_some_and(|c| c != '\n') {
                    i += 1;
                }
            }
            '/' if at(i + 1) == Some('*') => {
                let mut depth = 0usize;
                while let Some(c) = at(i) {
                    if c == '/' && at(i + 1) == Some('*') {
                        depth += 1;
                        i += 2;
                    } else if c == '*' && at(i + 1) == Some('/') {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        line += usize::from(c == '\n');
                        i += 1;
                    }
                }
            }
            '"' => i = skip_string(&chars, i + 1, &mut line),
            '\'' => i = skip_quote(&chars, i),
            _ if is_ident_char(c) => {
                let start = i;
                while at(i).is_some_and(is_ident_char) {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                let next = at(i);
                let hashes = chars[i..].iter().take_while(|&&c| c == '#').count();
                let quote_after_hashes = at(i + hashes) == Some('"');
                match word.as_str() {
                    // b"…", c"…", r"…", br"…", cr"…", r#"…"#, …
                    "b" | "c" if next == Some('"') => i = skip_string(&chars, i + 1, &mut line),
                    "b" if next == Some('\'') => i = skip_quote(&chars, i),
                    "r" | "br" | "cr" if quote_after_hashes => {
                        i = skip_raw_string(&chars, i + hashes + 1, hashes, &mut line);
                    }
                    // A raw identifier: r#name.
                    "r" if next == Some('#') && at(i + 1).is_some_and(is_ident_char) => {
                        let start = i + 1;
                        i = start;
                        while at(i).is_some_and(is_ident_char) {
                            i += 1;
                        }
                        let name = chars[start..i].iter().collect();
                        out.push(Token { text: TokenText::Ident(name), line });
                    }
                    _ => out.push(Token { text: TokenText::Ident(word), line }),
                }
            }
            _ => {
                out.push(Token { text: TokenText::Punct(c), line });
                i += 1;
            }
        }
    }
    out
}

/// Skips a string literal's body from `i` (after its opening quote);
/// returns the index after its closing quote.
fn skip_string(chars: &[char], mut i: usize, line: &mut usize) -> usize {
    while let Some(&c) = chars.get(i) {
        match c {
            '\\' => i += 2,
            '"' => return i + 1,
            _ => {
                *line += usize::from(c == '\n');
                i += 1;
            }
        }
    }
    i
}

/// Skips a raw string's body from `i` (after `r#…#"`), up to a quote
/// followed by `hashes` hashes.
fn skip_raw_string(chars: &[char], mut i: usize, hashes: usize, line: &mut usize) -> usize {
    while let Some(&c) = chars.get(i) {
        if c == '"' && chars[i + 1..].iter().take(hashes).filter(|&&h| h == '#').count() == hashes {
            return i + 1 + hashes;
        }
        *line += usize::from(c == '\n');
        i += 1;
    }
    i
}

/// Skips a character literal (`'a'`, `'\n'`, `'\u{1F600}'`) or a lifetime
/// (`'a`, `'static`) starting with the quote at `i`.
fn skip_quote(chars: &[char], i: usize) -> usize {
    match (chars.get(i + 1), chars.get(i + 2)) {
        (Some('\\'), _) => {
            let mut j = i + 2;
            // The escaped character itself, then up to the closing quote.
            j += 1;
            while chars.get(j).is_some_and(|&c| c != '\'' && c != '\n') {
                j += 1;
            }
            j + 1
        }
        (Some(_), Some('\'')) => i + 3,
        _ => {
            let mut j = i + 1;
            while chars.get(j).copied().is_some_and(is_ident_char) {
                j += 1;
            }
            j
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(source: &str) -> Vec<(String, bool, bool)> {
        functions(source).into_iter().map(|f| (f.name, f.is_test, f.ignored)).collect()
    }

    #[test]
    fn finds_tests_and_helpers() {
        let source = r###"
use x::y;

/// Docs.
#[tokio::test]
async fn spectrum_apps_list() {
    let s = "fn not_a_function() {}";
}

#[test]
#[ignore = "slow"]
fn magic_apps_list() {}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
pub(crate) async fn spectrum_apps_get() {}

fn helper(f: fn(u8) -> u8) -> char { '{' }

mod nested {
    #[test]
    fn inner() { let c = '\''; let l: &'static str = r##"fn raw() "# {}"##; }
}
"###;
        assert_eq!(
            summary(source),
            [
                ("spectrum_apps_list".to_owned(), true, false),
                ("magic_apps_list".to_owned(), true, true),
                ("spectrum_apps_get".to_owned(), true, false),
                ("helper".to_owned(), false, false),
                ("inner".to_owned(), true, false),
            ]
        );
        assert_eq!(functions(source)[0].line, 6);
    }

    #[test]
    fn comments_and_other_items_do_not_make_tests() {
        let source = r#"
// #[tokio::test]
// async fn commented_out() {}
/* #[test] fn block_comment() {} /* nested */ still comment */
#[test]
struct NotAFunction;
fn after_struct() {}
#[derive(Debug)]
fn not_a_test_attribute() {}
#[test] fn r#type() {}
#[attested] fn look_alike() {}
"#;
        assert_eq!(
            summary(source),
            [
                ("after_struct".to_owned(), false, false),
                ("not_a_test_attribute".to_owned(), false, false),
                ("type".to_owned(), true, false),
                ("look_alike".to_owned(), false, false),
            ]
        );
    }

    #[test]
    fn unterminated_input_does_not_panic() {
        for source in ["#[test", "fn", "\"open", "/* open", "r#\"open", "'", "b'", "#![", "pub(", "r#"] {
            let _ = functions(source);
        }
    }
}

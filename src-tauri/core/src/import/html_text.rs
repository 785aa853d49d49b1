//! IT Glue documents are HTML; runbook entries are plain text. This turns one into the other on
//! html5ever's tokenizer (the WHATWG tokenizer: entities, broken markup and stray `<` are
//! handled as browsers handle them), without building a tree.
//!
//! Why not a ready-made converter (html2text): it builds a DOM and lays text out recursively
//! (deeply nested tables in a hostile document go deep on the stack), wraps lines to a width
//! and adds link footnotes, none of which a searchable runbook text wants, and it would bring a
//! second html5ever version. A token stream is linear in the input, needs no recursion, and the
//! rules below are few: the text of the document, line breaks where blocks end, "- " before list
//! items, " | " between table cells; `<script>`, `<style>`, `<template>`, `<svg>` and the like
//! are dropped with their content; nothing of the markup (attributes, links' targets) survives.

use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use std::cell::RefCell;

/// The document's text and its title (`<title>`, else the first `<h1>`), if it has one.
pub(crate) struct Text {
    pub title: Option<String>,
    pub body: String,
}

/// Plain text of an HTML document.
pub(crate) fn to_text(html: &str) -> Text {
    let sink = Sink::default();
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    let queue = BufferQueue::default();
    queue.push_back(html.into());
    while let html5ever::TokenizerResult::Script(_) = tokenizer.feed(&queue) {}
    tokenizer.end();
    let state = tokenizer.sink.state.into_inner();
    let title = state
        .title
        .map(|t| collapse(&t))
        .filter(|t| !t.is_empty())
        .or_else(|| state.h1.map(|t| collapse(&t)).filter(|t| !t.is_empty()));
    Text {
        title,
        body: tidy(&state.out),
    }
}

#[derive(Default)]
struct Sink {
    state: RefCell<State>,
}

#[derive(Default)]
struct State {
    out: String,
    /// Inside an element whose content is dropped (script, style, ...): its name and depth.
    skipping: Option<(String, usize)>,
    /// Inside `<pre>`: whitespace is kept.
    pre: usize,
    /// Inside `<title>` / the first `<h1>`.
    in_title: bool,
    title: Option<String>,
    in_h1: bool,
    h1: Option<String>,
}

/// Elements dropped with everything inside them.
const DROPPED: &[&str] = &[
    "script", "style", "template", "noscript", "iframe", "object", "svg", "math", "select",
    "textarea", "noembed", "noframes", "xmp",
];

/// Elements that end a line.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "header",
    "footer",
    "main",
    "aside",
    "nav",
    "blockquote",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "form",
    "fieldset",
    "address",
    "figure",
    "figcaption",
    "details",
    "summary",
    "hr",
    "pre",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "body",
    "html",
];

impl State {
    fn newline(&mut self) {
        if !self.out.is_empty() && !self.out.ends_with('\n') {
            self.out.push('\n');
        }
    }

    fn blank_line(&mut self) {
        self.newline();
        if !self.out.is_empty() && !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
    }

    fn tag(&mut self, tag: &Tag) -> TokenSinkResult<()> {
        let name: &str = &tag.name;
        let start = tag.kind == TagKind::StartTag;
        if let Some((skipped, depth)) = &mut self.skipping {
            if name == skipped.as_str() {
                if start && !tag.self_closing {
                    *depth += 1;
                } else if !start {
                    *depth -= 1;
                    if *depth == 0 {
                        self.skipping = None;
                    }
                }
            }
            return TokenSinkResult::Continue;
        }
        if start && DROPPED.contains(&name) {
            if !tag.self_closing {
                self.skipping = Some((name.to_string(), 1));
            }
            // The tokenizer must read these as raw text, or markup inside a script would be
            // taken for tags.
            return match name {
                "script" => TokenSinkResult::RawData(RawKind::ScriptData),
                "style" | "iframe" | "noembed" | "noframes" | "xmp" | "noscript" => {
                    TokenSinkResult::RawData(RawKind::Rawtext)
                }
                "textarea" => TokenSinkResult::RawData(RawKind::Rcdata),
                _ => TokenSinkResult::Continue,
            };
        }
        match (name, start) {
            ("title", true) => {
                self.in_title = true;
                return TokenSinkResult::RawData(RawKind::Rcdata);
            }
            ("title", false) => self.in_title = false,
            ("h1", true) if self.h1.is_none() => self.in_h1 = true,
            ("h1", false) => self.in_h1 = false,
            ("br", _) => self.out.push('\n'),
            ("li", true) => {
                self.newline();
                self.out.push_str("- ");
            }
            ("td" | "th", true) if !self.out.ends_with('\n') && !self.out.is_empty() => {
                self.out.push_str(" | ");
            }
            ("pre", true) => self.pre += 1,
            ("pre", false) => self.pre = self.pre.saturating_sub(1),
            _ => {}
        }
        if BLOCKS.contains(&name) {
            if matches!(
                name,
                "p" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "table" | "pre"
            ) {
                self.blank_line();
            } else {
                self.newline();
            }
        }
        TokenSinkResult::Continue
    }

    fn text(&mut self, text: &str) {
        if self.skipping.is_some() {
            return;
        }
        if self.in_title {
            self.title.get_or_insert_with(String::new).push_str(text);
            return;
        }
        if self.in_h1 {
            self.h1.get_or_insert_with(String::new).push_str(text);
        }
        if self.pre > 0 {
            self.out.push_str(text);
            return;
        }
        // Outside <pre>, runs of whitespace (newlines included) are one space, as a browser shows.
        for (i, word) in text.split(char::is_whitespace).enumerate() {
            if i > 0 && !self.out.is_empty() && !self.out.ends_with([' ', '\n']) {
                self.out.push(' ');
            }
            self.out.push_str(word);
        }
    }
}

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut state = self.state.borrow_mut();
        match token {
            Token::TagToken(tag) => state.tag(&tag),
            Token::CharacterTokens(text) => {
                state.text(&text);
                TokenSinkResult::Continue
            }
            _ => TokenSinkResult::Continue,
        }
    }
}

/// Whitespace in a title collapsed to single spaces.
fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Trailing spaces off every line, at most one blank line in a row, none at either end; control
/// characters other than newline and tab dropped (they would only confuse a terminal).
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines() {
        let line: String = line
            .trim_end()
            .chars()
            .filter(|c| !c.is_control() || *c == '\t')
            .collect();
        if line.trim().is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        out.push_str(&line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_styles_and_markup_are_dropped_text_and_entities_kept() {
        let t = to_text(
            "<html><head><title>VPN &amp; Wi-Fi</title><style>p{color:red}</style></head>\
             <body><script>if (a<b) { document.write('<p>evil</p>') }</script>\
             <h1>Reset the VPN</h1><p>Open <a href=\"https://x.example\">the portal</a>,\nthen <b>restart</b>.</p>\
             <ul><li>one</li><li>two &lt;b&gt;</li></ul>\
             <table><tr><th>Host</th><th>IP</th></tr><tr><td>fw1</td><td>10.0.0.1</td></tr></table>\
             <img src=x onerror=alert(1)><p>M&uuml;ller</p></body></html>",
        );
        assert_eq!(t.title.as_deref(), Some("VPN & Wi-Fi"));
        assert_eq!(
            t.body,
            "Reset the VPN\n\nOpen the portal, then restart.\n\n- one\n- two <b>\n\nHost | IP\nfw1 | 10.0.0.1\n\nMüller"
        );
        assert!(!t.body.contains("evil") && !t.body.contains("color") && !t.body.contains("https"));
    }

    #[test]
    fn the_first_h1_is_the_title_when_there_is_no_title_element() {
        let t = to_text("<h1>Printer  setup</h1><p>x</p><h1>Second</h1>");
        assert_eq!(t.title.as_deref(), Some("Printer setup"));
    }

    #[test]
    fn pre_keeps_its_whitespace() {
        let t = to_text("<p>Run:</p><pre>ipconfig /all\n  netsh winsock reset</pre>");
        assert_eq!(t.body, "Run:\n\nipconfig /all\n  netsh winsock reset");
    }

    #[test]
    fn deep_nesting_and_unclosed_tags_cost_no_stack() {
        let html = "<div><table><tr><td>".repeat(100_000) + "deep";
        let t = to_text(&html);
        assert!(
            t.body.ends_with("deep"),
            "{}",
            &t.body[t.body.len().saturating_sub(40)..]
        );
    }

    #[test]
    fn an_unclosed_script_hides_the_rest_rather_than_showing_code() {
        let t = to_text("<p>before</p><script>alert(1)<p>after");
        assert_eq!(t.body, "before");
    }
}

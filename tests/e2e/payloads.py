"""Script-injection payloads for the window's text fields.

Each one, if the UI ever rendered text as markup (or as an attribute, URL, template or style it
did not mean to), would run `window.__xss++` or change `document.title`, load something the CSP
refuses (a `securitypolicyviolation` event), or leave an element or attribute in the DOM that the
UI never makes. None of them may: the window must show each as the plain text it is.

Written for this suite; the vectors are the well-known families (tags with event handlers,
attribute and element break-outs, javascript:/data: URLs, SVG and MathML namespaces, mutation
XSS, template syntaxes, encodings).
"""

# One line each (no newlines), so they fit single-line inputs too.
PAYLOADS = [
    "<script>window.__xss++</script>",
    "<img src=x onerror=window.__xss++>",
    '<img src="x" onerror="window.__xss++">',
    "<img/src/onerror=window.__xss++>",
    "<svg onload=window.__xss++>",
    "<svg/onload=window.__xss++>",
    "<svg><script>window.__xss++</script></svg>",
    "<body onload=window.__xss++>",
    "<body onpageshow=window.__xss++>",
    '"><img src=x onerror=window.__xss++>',
    "'><img src=x onerror=window.__xss++>",
    '" onmouseover="window.__xss++" x="',
    "' onfocus='window.__xss++' autofocus='",
    "</textarea><img src=x onerror=window.__xss++>",
    "</title><script>window.__xss++</script>",
    "</script><script>window.__xss++</script>",
    "<title>XSS</title>",
    "<img src=x onerror=document.title='XSS'>",
    "<img src=x onerror=window.top.document.title='XSS'>",
    "<iframe src=\"javascript:parent.__xss++\"></iframe>",
    "<iframe srcdoc=\"<script>parent.__xss++</script>\"></iframe>",
    "<iframe src=data:text/html;base64,PHNjcmlwdD5wYXJlbnQuX194c3MrKzwvc2NyaXB0Pg==></iframe>",
    "<object data=\"javascript:window.__xss++\"></object>",
    "<object data=\"data:text/html,<script>parent.__xss++</script>\"></object>",
    "<embed src=\"javascript:window.__xss++\">",
    "<details open ontoggle=window.__xss++>",
    "<input autofocus onfocus=window.__xss++>",
    "<select autofocus onfocus=window.__xss++></select>",
    "<textarea autofocus onfocus=window.__xss++></textarea>",
    "<xss id=x tabindex=1 onfocus=window.__xss++ autofocus></xss>",
    "<video><source onerror=window.__xss++></video>",
    "<audio src=x onerror=window.__xss++>",
    "<marquee onstart=window.__xss++>x</marquee>",
    "<svg><animate onbegin=window.__xss++ attributeName=x dur=1s>",
    "<svg><a><animate attributeName=href values=javascript:window.__xss++ /><text y=9>x</text></a></svg>",
    "<svg><style><img src=x onerror=window.__xss++></style></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss++>",
    "<noscript><p title=\"</noscript><img src=x onerror=window.__xss++>\">",
    "<!--<img src=\"--><img src=x onerror=window.__xss++//\">",
    "<template><img src=x onerror=window.__xss++></template>",
    "<scr<script>ipt>window.__xss++</scr</script>ipt>",
    "<SCRIPT SRC=http://127.0.0.1:9/x.js></SCRIPT>",
    "<script type=module>window.__xss++</script>",
    "<img src=x onerror=import('data:text/javascript,window.__xss++')>",
    "<img src=x onerror=window['__x'+'ss']++>",
    "<img src=x onerror=&#119;indow.__xss++>",
    "<a href=\"javascript:window.__xss++\">link</a>",
    "<a href=\"jav&#x09;ascript:window.__xss++\">link</a>",
    "<form><button formaction=javascript:window.__xss++>go</button></form>",
    "<base href=\"javascript:window.__xss++//\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:window.__xss++\">",
    "<link rel=stylesheet href=\"http://127.0.0.1:9/x.css\">",
    "<style>@import 'http://127.0.0.1:9/x.css';</style>",
    "<div style=\"background:url(http://127.0.0.1:9/x.png)\">styled</div>",
    "<img src=\"http://127.0.0.1:9/x.png\">",
    "javascript:window.__xss++",
    "data:text/html,<script>window.__xss++</script>",
    "{@html '<img src=x onerror=window.__xss++>'}",
    "{{constructor.constructor('window.__xss++')()}}",
    "${window.__xss++}",
    "#{window.__xss++}",
    "[x](javascript:window.__xss++) ![x](x\" onerror=\"window.__xss++)",
    "&lt;img src=x onerror=window.__xss++&gt;",
    "%3Cscript%3Ewindow.__xss%2B%2B%3C%2Fscript%3E",
    "\\u003cscript\\u003ewindow.__xss++\\u003c/script\\u003e",
    "\u202e<img src=x onerror=window.__xss++>",
]

assert len(PAYLOADS) >= 50, len(PAYLOADS)
assert all("\n" not in p for p in PAYLOADS)


def chunks(limit: int, sep: str = " ") -> list[str]:
    """The payloads packed into as few strings of at most `limit` characters as they fit in,
    in order (for fields with a length limit)."""
    out: list[str] = []
    current = ""
    for p in PAYLOADS:
        assert len(p) <= limit, (p, limit)
        candidate = p if not current else current + sep + p
        if len(candidate) <= limit:
            current = candidate
        else:
            out.append(current)
            current = p
    if current:
        out.append(current)
    return out


def battery(sep: str = "\n") -> str:
    """Every payload in one text (for paragraphs: a newline between them)."""
    return sep.join(PAYLOADS)

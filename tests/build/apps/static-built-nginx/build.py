#!/usr/bin/env python3
"""Builds public/ from content/*.txt: the first line is the title, the rest paragraphs."""
import html
import pathlib
import string

root = pathlib.Path(__file__).parent
out = root / "public"
out.mkdir(exist_ok=True)
page = string.Template((root / "templates" / "page.html").read_text())
entries = []
for src in sorted((root / "content").glob("*.txt")):
    title, _, rest = src.read_text().partition("\n")
    body = "".join(f"<p>{html.escape(p.strip())}</p>\n" for p in rest.split("\n\n") if p.strip())
    name = src.stem + ".html"
    (out / name).write_text(page.substitute(title=html.escape(title), body=body))
    entries.append(f'<li><a href="/{name}">{html.escape(title)}</a></li>')
index = "<ul>\n" + "\n".join(entries) + "\n</ul>\n"
(out / "index.html").write_text(page.substitute(title="Ship's Log", body=index))
print(f"built {len(entries) + 1} pages into {out}")

#!/usr/bin/env python3
"""Deterministic benchmark corpus for Waymark (and, on request, Hugo).

Writes a complete site of N pages spread over nested sections:

    content/_index.md                     home
    content/area-AA/_index.md             one area per 10 topics
    content/area-AA/topic-TTT/_index.md   a leaf section of --per-section pages
    content/area-AA/topic-TTT/page-PPPPP.md

Every page is about 5 KB of Markdown: headings, paragraphs with emphasis and
inline code, bullet and ordered lists, a table, a fenced code block, a block
quote, a footnote and links to other pages (some with an anchor), with
`title`, `date`, `description`, `weight` and `tags` in its front matter.

The number of pages per leaf section is fixed (--per-section, default 25), so
10x the pages means 10x the sections of the same size: 1,000 pages are 40
topics of 25 and 10,000 pages 400 topics of 25. `--per-section 250` gives the
40 sections x 250 pages layout of the reference figures.

The theme `bench` shows on every page its title, date, tags, content and a
sidebar listing every page of its section; `--no-sidebar` leaves the sidebar
out. `--hugo DIR` also writes an equivalent Hugo site (same content, same
front matter, layouts producing the same pages) into DIR.

Python 3.11, standard library only; the same arguments always give the same
bytes.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
from pathlib import Path

WORDS = """
strategy execution team leader plan goal result measure review quarter budget
customer market product service process change decision risk owner meeting
priority roadmap initiative outcome signal metric feedback cycle capacity
focus alignment dependency handoff backlog scope estimate delivery release
platform model data pipeline pilot rollout adoption training support policy
governance board sponsor stakeholder partner vendor contract cost value margin
growth retention churn funnel segment channel pricing offer launch timeline
milestone checkpoint sprint retrospective workshop interview survey baseline
target threshold variance forecast scenario assumption constraint trade-off
option experiment hypothesis evidence insight pattern habit culture incentive
role responsibility charter mandate escalation review approval audit control
quality defect incident recovery resilience latency throughput capacity load
the a an of to in for on with by from at as into over under between across
clear simple small large early late quick slow steady careful honest shared
first second next last every each most many few several whole partial direct
makes takes builds keeps moves shows needs finds turns holds gives brings sets
often rarely usually always never sometimes quietly openly gradually sharply
""".split()

TAGS = [
    "strategy", "execution", "ai", "data", "leadership", "operations", "finance",
    "product", "sales", "marketing", "people", "culture", "risk", "governance",
    "delivery", "planning", "metrics", "customers", "pricing", "growth",
    "platforms", "vendors", "training", "quality", "security", "compliance",
    "innovation", "partnerships", "change", "communication", "hiring", "budget",
    "roadmaps", "pilots", "automation", "analytics", "support", "onboarding",
    "retention", "research", "design", "engineering", "infrastructure", "cloud",
    "procurement", "legal", "board", "investors", "mergers", "turnaround",
]

CODE_SNIPPETS = [
    ("python", [
        "def score(answers, weights):",
        "    total = sum(a * w for a, w in zip(answers, weights))",
        "    return round(total / max(sum(weights), 1), 2)",
        "",
        "print(score([3, 4, 2], [1, 2, 1]))",
    ]),
    ("rust", [
        "fn reach(plan: &Plan, goal: Goal) -> Option<Vec<Step>> {",
        "    let mut steps = Vec::new();",
        "    for step in plan.steps.iter().filter(|s| s.serves(goal)) {",
        "        steps.push(step.clone());",
        "    }",
        "    (!steps.is_empty()).then_some(steps)",
        "}",
    ]),
    ("yaml", [
        "review:",
        "  cadence: monthly",
        "  owners: [finance, operations]",
        "  thresholds:",
        "    variance: 0.05",
        "    escalation: 0.10",
    ]),
    ("sql", [
        "SELECT team, COUNT(*) AS open_items, AVG(age_days) AS mean_age",
        "FROM backlog",
        "WHERE status <> 'done'",
        "GROUP BY team",
        "ORDER BY open_items DESC;",
    ]),
]


class Corpus:
    """The layout and the text of every page, from the seed alone."""

    def __init__(self, pages: int, per_section: int, seed: int):
        if pages < 1 or per_section < 1:
            raise SystemExit("--pages and --per-section must be positive")
        self.n = pages
        self.per_section = per_section
        self.seed = seed
        self.topics = -(-pages // per_section)  # ceil
        self.areas = -(-self.topics // 10)

    # -- layout ---------------------------------------------------------
    def topic_of(self, i: int) -> int:
        return i // self.per_section

    def area_of_topic(self, t: int) -> int:
        return t // 10

    def area_dir(self, a: int) -> str:
        return f"area-{a + 1:02d}"

    def topic_dir(self, t: int) -> str:
        return f"{self.area_dir(self.area_of_topic(t))}/topic-{t + 1:03d}"

    def page_rel(self, i: int) -> str:
        return f"{self.topic_dir(self.topic_of(i))}/page-{i + 1:05d}.md"

    def page_url(self, i: int) -> str:
        return "/" + self.page_rel(i)[: -len(".md")] + "/"

    def pages_of_topic(self, t: int) -> range:
        return range(t * self.per_section, min((t + 1) * self.per_section, self.n))

    # -- text -----------------------------------------------------------
    def rng(self, *key: int) -> random.Random:
        # One generator per item, so a page's text does not depend on the
        # order the pages are written in, nor on N.
        return random.Random(f"{self.seed}:" + ":".join(map(str, key)))

    def title(self, i: int) -> str:
        r = self.rng(1, i)
        words = [w for w in r.sample(WORDS, 6) if len(w) > 3][:3] or ["plan"]
        return f"{' '.join(w.capitalize() for w in words)} {i + 1}"

    def date(self, i: int) -> str:
        # Spread over 2020-01-01 .. 2025-12-28 without a date library.
        day = (i * 7919) % (6 * 364)
        year, rest = divmod(day, 364)
        month, dom = divmod(rest, 28)
        month = month if month < 12 else 11
        return f"{2020 + year}-{month + 1:02d}-{dom + 1:02d}"

    def tags(self, i: int) -> list[str]:
        r = self.rng(2, i)
        return sorted(r.sample(TAGS, 3))

    def description(self, i: int) -> str:
        r = self.rng(3, i)
        return sentence(r, 10, 16).rstrip(".")

    def body(self, i: int, link_of) -> str:
        """About 5 KB of Markdown. `link_of(j, anchor)` gives the link target."""
        r = self.rng(4, i)
        parts: list[str] = []

        def para(lo: int = 3, hi: int = 6) -> str:
            s = [sentence(r, 8, 18) for _ in range(r.randint(lo, hi))]
            # Emphasis, strong and inline code in some sentences.
            k = r.randrange(len(s))
            words = s[k].split(" ")
            if len(words) > 4:
                words[1] = f"*{words[1]}*"
                words[3] = f"**{words[3]}**"
            if len(words) > 6:
                words[5] = f"`{words[5]}`"
            s[k] = " ".join(words)
            return " ".join(s)

        def link(anchor: bool) -> str:
            j = r.randrange(self.n)
            if j == i:
                j = (j + 1) % self.n
            return f"[{self.title(j)}]({link_of(j, 'overview' if anchor else None)})"

        parts.append(para(3, 4))
        parts.append("## Overview")
        parts.append(para() + " See " + link(False) + " for the background.")
        parts.append(para())
        parts.append("### What to watch")
        parts.append("\n".join(f"- {sentence(r, 5, 10)}" for _ in range(r.randint(4, 6))))
        parts.append(para(2, 4) + f" Compare with {link(True)}.")
        parts.append("## Steps")
        parts.append("\n".join(f"{n}. {sentence(r, 6, 12)}" for n in range(1, r.randint(4, 6) + 1)))
        parts.append(para(3, 5) + "[^1]")
        parts.append("### Signals and thresholds")
        rows = ["| Signal | Owner | Threshold | Review |", "|---|---|---|---|"]
        for _ in range(r.randint(4, 6)):
            rows.append(
                f"| {r.choice(WORDS)} {r.choice(WORDS)} | {r.choice(WORDS)} | "
                f"{r.randint(1, 40)}% | {r.choice(['weekly', 'monthly', 'quarterly'])} |"
            )
        parts.append("\n".join(rows))
        lang, code = CODE_SNIPPETS[r.randrange(len(CODE_SNIPPETS))]
        parts.append(f"```{lang}\n" + "\n".join(code) + "\n```")
        parts.append("## Pitfalls")
        parts.append(para())
        parts.append("> " + sentence(r, 12, 20))
        parts.append(para(3, 5) + " Related: " + link(False) + " and " + link(False) + ".")
        parts.append("### Next steps")
        parts.append(para(2, 4))
        parts.append(f"[^1]: {sentence(r, 6, 10)}")
        return "\n\n".join(parts) + "\n"


def sentence(r: random.Random, lo: int, hi: int) -> str:
    words = [r.choice(WORDS) for _ in range(r.randint(lo, hi))]
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


def yaml_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def front_matter(fields: list[tuple[str, str]]) -> str:
    return "---\n" + "".join(f"{k}: {v}\n" for k, v in fields) + "---\n"


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


def fresh_dir(path: Path) -> None:
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)


# ---------------------------------------------------------------------------
# Waymark

WAYMARK_BASE = """<!DOCTYPE html>
<html lang="{{ site.language }}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}{{ site.title }}{% endblock title %}</title>
<link rel="stylesheet" href="{{ url(path='css/site.css') }}"></head>
<body><header class="top"><a href="/">{{ site.title }}</a> <a href="/tags/">Tags</a></header>
{% block main %}{% endblock main %}
</body></html>
"""

WAYMARK_PAGE = """{% extends "base.html" %}
{% block title %}{{ page.title }} | {{ site.title }}{% endblock title %}
{% block main %}<main><article>
<h1>{{ page.title }}</h1>
<p class="meta">{% if page.date %}<time datetime="{{ page.date }}">{{ page.date | date }}</time>{% endif %}</p>
<ul class="tags">{% for t in page.taxonomies.tags %}<li><a href="{{ t.path }}">{{ t.name }}</a></li>{% endfor %}</ul>
{{ page.content | safe }}
</article></main>
@SIDEBAR@{% endblock main %}
"""

WAYMARK_SIDEBAR = """<aside class="sidebar"><h2>{{ section.title }}</h2>
<ul>{% for p in section.pages %}
<li><a href="{{ p.path }}"{% if p.path == page.path %} aria-current="page"{% endif %}>{{ p.title }}</a></li>{% endfor %}
</ul></aside>
"""

WAYMARK_SECTION = """{% extends "base.html" %}
{% block title %}{{ section.title }} | {{ site.title }}{% endblock title %}
{% block main %}<main><h1>{{ section.title }}</h1>
{{ section.content | safe }}
<ul class="sections">{% for s in section.subsections %}
<li><a href="{{ s.path }}">{{ s.title }}</a> ({{ s.pages_count }})</li>{% endfor %}
</ul>
<ul class="pages">{% for p in section.pages %}
<li><a href="{{ p.path }}">{{ p.title }}</a></li>{% endfor %}
</ul></main>{% endblock main %}
"""

WAYMARK_TAXONOMY_LIST = """{% extends "base.html" %}
{% block title %}Tags | {{ site.title }}{% endblock title %}
{% block main %}<main><h1>Tags</h1>
<ul>{% for t in taxonomy.terms %}
<li><a href="{{ t.path }}">{{ t.name }}</a> ({{ t.pages | length }})</li>{% endfor %}
</ul></main>{% endblock main %}
"""

WAYMARK_TAXONOMY_TERM = """{% extends "base.html" %}
{% block title %}{{ term.name }} | {{ site.title }}{% endblock title %}
{% block main %}<main><h1>{{ term.name }}</h1>
<ul>{% for p in term.pages %}
<li><a href="{{ p.path }}">{{ p.title }}</a></li>{% endfor %}
</ul></main>{% endblock main %}
"""

WAYMARK_404 = """{% extends "base.html" %}
{% block main %}<main><h1>Page not found</h1><p><a href="/">Home</a></p></main>{% endblock main %}
"""

WAYMARK_ASSESSMENT = """{% extends "base.html" %}
{% block main %}<main><h1>{{ assessment.title }}</h1></main>{% endblock main %}
"""

CSS = """body { font: 16px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 72rem; display: grid; grid-template-columns: 1fr 18rem; gap: 2rem; }
header.top { grid-column: 1 / -1; }
.sidebar ul, .tags { list-style: none; padding: 0; }
.tags li { display: inline; margin-right: .5rem; }
table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: .25rem .5rem; }
"""


def waymark_site(c: Corpus, out: Path, sidebar: bool, theme: Path | None = None) -> None:
    fresh_dir(out)
    write(
        out / "site.yaml",
        "title: Bench Site\n"
        "base_url: https://bench.example.org/\n"
        "description: A generated site for timing builds.\n"
        "author: Bench\n"
        "taxonomies: [tags]\n"
        + ("search: true\n" if theme else "search: false\n")
        + "feed: true\n"
        + ("theme: default\n" if theme else "theme: bench\n"),
    )
    if theme:
        # A real theme (the repository's default) with search on.
        shutil.copytree(theme, out / "themes/default")
        write_content(c, out / "content", lambda j, a: f"@/{c.page_rel(j)}" + (f"#{a}" if a else ""), hugo=False)
        return
    tpl = out / "themes/bench/templates"
    write(tpl / "base.html", WAYMARK_BASE)
    write(tpl / "page.html", WAYMARK_PAGE.replace("@SIDEBAR@", WAYMARK_SIDEBAR if sidebar else ""))
    write(tpl / "index.html", WAYMARK_SECTION)
    write(tpl / "section.html", WAYMARK_SECTION)
    write(tpl / "taxonomy_list.html", WAYMARK_TAXONOMY_LIST)
    write(tpl / "taxonomy_term.html", WAYMARK_TAXONOMY_TERM)
    write(tpl / "404.html", WAYMARK_404)
    write(tpl / "assessment.html", WAYMARK_ASSESSMENT)
    write(out / "themes/bench/static/css/site.css", CSS)

    content = out / "content"
    write_content(c, content, lambda j, a: f"@/{c.page_rel(j)}" + (f"#{a}" if a else ""), hugo=False)


def write_content(c: Corpus, content: Path, link_of, hugo: bool) -> None:
    # Sections are ordered by weight so both generators list them alike.
    write(content / "_index.md", front_matter([("title", yaml_str("Bench Site"))]) +
          "\nA generated site of " + f"{c.n} pages.\n")
    for a in range(c.areas):
        write(
            content / c.area_dir(a) / "_index.md",
            front_matter([("title", yaml_str(f"Area {a + 1}")), ("weight", str(a + 1))])
            + f"\nArea {a + 1} of the bench site.\n",
        )
    for t in range(c.topics):
        fm = [("title", yaml_str(f"Topic {t + 1}")), ("weight", str(t + 1))]
        if not hugo:
            fm.append(("sort_by", "weight"))
        write(content / c.topic_dir(t) / "_index.md", front_matter(fm) + f"\nTopic {t + 1}.\n")
        for i in c.pages_of_topic(t):
            fm = [
                ("title", yaml_str(c.title(i))),
                ("description", yaml_str(c.description(i))),
                ("date", c.date(i)),
                ("weight", str(i - t * c.per_section + 1)),
                ("tags", "[" + ", ".join(c.tags(i)) + "]"),
            ]
            write(content / c.page_rel(i), front_matter(fm) + "\n" + c.body(i, link_of))


# ---------------------------------------------------------------------------
# Hugo: the same content (links as site-root URLs, made relative by
# `relativeURLs` like Waymark does) and layouts printing the same things.

HUGO_CONFIG = """baseURL = "https://bench.example.org/"
title = "Bench Site"
languageCode = "en"
relativeURLs = true
enableRobotsTXT = true
disableKinds = []
[taxonomies]
  tag = "tags"
[outputs]
  home = ["HTML", "RSS"]
  section = ["HTML"]
  taxonomy = ["HTML"]
  term = ["HTML"]
[markup.goldmark.renderer]
  unsafe = true
[markup.goldmark.extensions]
  typographer = true
"""

HUGO_BASEOF = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ block "title" . }}{{ site.Title }}{{ end }}</title>
{{ $css := resources.Get "css/site.css" | fingerprint }}<link rel="stylesheet" href="{{ $css.RelPermalink }}"></head>
<body><header class="top"><a href="{{ "/" | relURL }}">{{ site.Title }}</a> <a href="{{ "/tags/" | relURL }}">Tags</a></header>
{{ block "main" . }}{{ end }}
</body></html>
"""

HUGO_SINGLE = """{{ define "title" }}{{ .Title }} | {{ site.Title }}{{ end }}
{{ define "main" }}<main><article>
<h1>{{ .Title }}</h1>
<p class="meta"><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2 January 2006" }}</time></p>
<ul class="tags">{{ range .GetTerms "tags" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
{{ .Content }}
</article></main>
@SIDEBAR@{{ end }}
"""

HUGO_SIDEBAR = """{{ $cur := .RelPermalink }}<aside class="sidebar"><h2>{{ .CurrentSection.Title }}</h2>
<ul>{{ range .CurrentSection.Pages }}
<li><a href="{{ .RelPermalink }}"{{ if eq .RelPermalink $cur }} aria-current="page"{{ end }}>{{ .Title }}</a></li>{{ end }}
</ul></aside>
"""

HUGO_LIST = """{{ define "title" }}{{ .Title }} | {{ site.Title }}{{ end }}
{{ define "main" }}<main><h1>{{ .Title }}</h1>
{{ .Content }}
<ul class="sections">{{ range .Sections }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> ({{ len .RegularPages }})</li>{{ end }}
</ul>
<ul class="pages">{{ range .RegularPages }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}
</ul></main>{{ end }}
"""

HUGO_TAXONOMY = """{{ define "title" }}Tags | {{ site.Title }}{{ end }}
{{ define "main" }}<main><h1>Tags</h1>
<ul>{{ range .Data.Terms.Alphabetical }}
<li><a href="{{ .Page.RelPermalink }}">{{ .Page.LinkTitle }}</a> ({{ .Count }})</li>{{ end }}
</ul></main>{{ end }}
"""

HUGO_TERM = """{{ define "title" }}{{ .Title }} | {{ site.Title }}{{ end }}
{{ define "main" }}<main><h1>{{ .Title }}</h1>
<ul>{{ range .Pages.ByDate.Reverse }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}
</ul></main>{{ end }}
"""

HUGO_404 = """{{ define "main" }}<main><h1>Page not found</h1><p><a href="{{ "/" | relURL }}">Home</a></p></main>{{ end }}
"""


def hugo_site(c: Corpus, out: Path, sidebar: bool) -> None:
    fresh_dir(out)
    write(out / "config.toml", HUGO_CONFIG)
    lay = out / "layouts"
    write(lay / "_default/baseof.html", HUGO_BASEOF)
    write(lay / "_default/single.html", HUGO_SINGLE.replace("@SIDEBAR@", HUGO_SIDEBAR if sidebar else ""))
    write(lay / "_default/list.html", HUGO_LIST)
    write(lay / "_default/taxonomy.html", HUGO_TAXONOMY)
    write(lay / "_default/term.html", HUGO_TERM)
    write(lay / "404.html", HUGO_404)
    write(out / "assets/css/site.css", CSS)
    write_content(c, out / "content", lambda j, a: c.page_url(j) + (f"#{a}" if a else ""), hugo=True)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path, help="folder to write the Waymark site into (replaced)")
    ap.add_argument("--pages", type=int, default=1000, help="number of pages (default 1000)")
    ap.add_argument("--per-section", type=int, default=25, help="pages per leaf section (default 25)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--no-sidebar", action="store_true", help="theme without the section sidebar")
    ap.add_argument("--hugo", type=Path, help="also write an equivalent Hugo site here (replaced)")
    ap.add_argument("--theme", type=Path, help="use this theme folder (e.g. themes/default) with search on, instead of the bench theme")
    args = ap.parse_args(argv)
    c = Corpus(args.pages, args.per_section, args.seed)
    waymark_site(c, args.out, not args.no_sidebar, args.theme)
    if args.hugo:
        hugo_site(c, args.hugo, not args.no_sidebar)
    print(
        f"{c.n} pages in {c.topics} sections of {c.per_section} under {c.areas} areas -> {args.out}"
        + (f" (+ Hugo: {args.hugo})" if args.hugo else ""),
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

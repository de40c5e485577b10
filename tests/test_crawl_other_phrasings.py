"""End to end on a web like the shared one, with other phrasings, templates and names.

The shared web is copied and rewritten before it is served: every republisher page loses its
credit lines and its cross-domain links, and gets a credit written another way (several claims
in one line, "published in OUTLET", a byline and an outlet, an outlet's alias, JSON-LD
`isBasedOn` with the copy's own `author`, names in capitals...); one partner becomes an old
`<br>` page with a "Von NAME, DD.MM.YYYY" byline. What each page claims stays what truth.json
says, so a correct crawl links every republication with the same kind, verdict, claimed source
and claimed author, and gives every original its author.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from lxml import html as lxml_html

from aggregator.extract.attribution import parse_attribution
from tests.conftest import shared_path
from tests.syndication_web import cli_env, iri, run_cli, serve_web, sources_yaml, truth

pytestmark = pytest.mark.integration

# Other names credit lines give some sources (registered as aliases in the sources file).
ALIASES = {"lesechos-du-web.example": ["Echos du Web"], "techjournal.example": ["TJ Daily"]}

Credit = Callable[[str, str | None, str], str]
"""(outlet as written, author or None, date) -> the credit's HTML."""


def _p(text: str) -> str:
    return f"<p>{html.escape(text)}</p>"


# One phrasing per republication, in turn. Each names the outlet and, when given, the author.
PHRASINGS: list[tuple[str, Credit]] = [
    ("multi-es", lambda o, a, d: _p(f"Fuente: {o}. Por: {a}") if a else _p(f"Fuente: {o}.")),
    ("via-written-by", lambda o, a, d: _p(f"Via {o} / Written by {a}") if a else _p(f"Via {o}")),
    ("quelle-autor", lambda o, a, d: _p(f"Quelle: {o}, Autor: {a}") if a else _p(f"Quelle: {o}")),
    ("paren-source-author", lambda o, a, d: _p(f"(Source: {o}; author: {a})") if a else _p(f"(Source: {o})")),
    ("par-source", lambda o, a, d: _p(f"Par {a} — source : {o}") if a else _p(f"source : {o}")),
    ("paru-dans", lambda o, a, d: _p(f"Article paru dans {o} du {d}") + (_p(f"Écrit par {a}") if a else "")),
    ("article-de-pour", lambda o, a, d: _p(f"Un article de {a} pour {o}.") if a else _p(f"Un article de {o}.")),
    ("by-name-outlet", lambda o, a, d: _p(f"By {a}, {o}") if a else _p(f"From {o}")),
    ("tratto-da", lambda o, a, d: _p(f"Articolo tratto da «{o}», {d}") + (_p(f"di {a}") if a else "")),
    ("originally-published-by", lambda o, a, d: _p(f"This story was originally published by {o}.")
     + (_p(f"BY {a.upper()}") if a else "")),
    ("version-appeared", lambda o, a, d: _p(f"A version of this article originally appeared on {o}.")
     + (_p(f"Written by {a}") if a else "")),
    ("outlet-date", lambda o, a, d: (_p(a) if a else "") + _p(f"{o}, {d}")),
    ("hier-gehts", lambda o, a, d: _p(f"Hier geht's zum Artikel auf {o}") + (_p(f"Von {a}") if a else "")),
]


def _outlet(site: dict[str, Any], turn: int) -> str:
    """How a credit writes a source: its name, an alias, or its host, in turn."""
    forms = [site["name"], *ALIASES.get(site["host"], []), site["host"]]
    return forms[turn % len(forms)]


def _file_of(root: Path, url: str) -> Path:
    parts = urlsplit(url)
    path = unquote(parts.path)
    base = root / "sites" / parts.netloc
    candidate = base / path.lstrip("/")
    return candidate / "index.html" if path.endswith("/") else candidate


def _remove_credits(page: str, url: str, known: dict[str, str]) -> str:
    """The page without its credit lines, its cross-domain canonical and og:url."""
    credit_lines = {" ".join(line.split()) for line in parse_attribution(page, url, known_sources=known).credit_lines}
    tree = lxml_html.document_fromstring(page)
    for element in tree.xpath("//link[@rel='canonical'] | //meta[@property='og:url']"):
        element.getparent().remove(element)
    for element in tree.xpath("//article/p"):
        text = " ".join(element.text_content().split())
        if text in credit_lines:
            element.drop_tree()
    return lxml_html.tostring(tree, encoding="unicode", doctype="<!DOCTYPE html>")


def _json_ld(original_url: str, author: str | None) -> str:
    data: dict[str, Any] = {"@context": "https://schema.org", "@type": "Article", "isBasedOn": original_url}
    if author:
        data["author"] = {"@type": "Person", "name": author}
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def _old_br_page(page: str, author: str, published: str) -> str:
    """A partner page rewritten as an old page: title, "Von NAME, DD.MM.YYYY", paragraphs between <br>s."""
    tree = lxml_html.document_fromstring(page)
    title = " ".join(tree.findtext(".//title").split())
    paragraphs = [" ".join(p.text_content().split()) for p in tree.xpath("//td[@class='content']/p")]
    paragraphs = [p for p in paragraphs if p and not p.startswith("By ") and p != "← back to the front page"]
    day = datetime.fromisoformat(published).strftime("%d.%m.%Y")
    body = "<br><br>".join(html.escape(p) for p in paragraphs)
    return (f"<html><head><meta charset='utf-8'><title>{html.escape(title)}</title></head><body bgcolor='#ffffff'>"
            f"<table width='600'><tr><td><font face='Arial' size='2'><b>{html.escape(title)}</b><br><br>"
            f"Von {html.escape(author)}, {day}<br><br>{body}</font></td></tr></table></body></html>")


def build_web(root: Path) -> dict[str, Any]:
    """Copy the shared web to `root`, rewrite it with other phrasings; return its truth."""
    data = truth()
    shutil.copytree(shared_path("syndication-web", "sites"), root / "sites")
    sites = {site["host"]: site for site in data["sites"]}
    known = {site["name"]: site["host"] for site in data["sites"]}
    articles = {a["id"]: a for a in data["articles"]}
    for turn, rep in enumerate(data["republications"]):
        path = _file_of(root, rep["url"])
        page = _remove_credits(path.read_text(encoding="utf-8"), rep["url"], known)
        claimed = rep["claimed"]
        if claimed:
            site = sites[claimed["source_host"]]
            outlet = _outlet(site, turn)
            original = articles[rep["of"]]
            day = datetime.fromisoformat(original["published"]).strftime("%d/%m/%Y")
            if turn % 7 == 6 and rep["attribution"] == "correct":
                # Structured data only: isBasedOn, and the copy's own author beside it.
                credit = ""
                page = page.replace("</head>", _json_ld(original["url"], claimed.get("author")) + "</head>", 1)
            else:
                credit = PHRASINGS[turn % len(PHRASINGS)][1](outlet, claimed.get("author"), day)
            page = re.sub(r"</article>", lambda _m, c=credit: c + "</article>", page, count=1)
        path.write_text(page, encoding="utf-8")
    for article in data["articles"]:
        if article["site"] == "greenfield.example":
            path = _file_of(root, article["url"])
            path.write_text(_old_br_page(path.read_text(encoding="utf-8"), article["author"], article["published"]),
                            encoding="utf-8")
    (root / "truth.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return data


def _sources_file(data: dict[str, Any]) -> str:
    document = yaml.safe_load(sources_yaml(data["sites"]))
    for entry in document["sources"]:
        host = urlsplit(entry["home"]).netloc
        if host in ALIASES:
            entry["aliases"] = ALIASES[host]
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("other-phrasings")
    data = build_web(tmp / "web")
    sources = tmp / "sources.yaml"
    sources.write_text(_sources_file(data), encoding="utf-8")
    with serve_web(tmp / "requests.jsonl", root=tmp / "web") as web:
        env = cli_env(f"sqlite:///{tmp / 'crawl.db'}", web.proxy)
        run_cli("db", "upgrade", env=env)
        run_cli("sources", "import", str(sources), env=env)
        run_cli("crawl", env=env)
        export = run_cli("export", "--format", "jsonl", env=env)
        explained = run_cli("explain", "--no-fetch", "--format", "json",
                            *[rep["url"] for rep in data["republications"]], env=env)
    return {"truth": data, "records": [json.loads(line) for line in export.stdout.splitlines()],
            "explained": [json.loads(line) for line in explained.stdout.splitlines()]}


def test_every_republication_linked_with_its_verdict_claimed_source_and_author(crawled: dict[str, Any]) -> None:
    data = crawled["truth"]
    originals = {a["id"]: iri(a["url"]) for a in data["articles"]}
    found = {iri(rep["url"]): (iri(record["url"]), rep) for record in crawled["records"]
             for rep in record["republications"]}
    problems = []
    for expected in data["republications"]:
        url = iri(expected["url"])
        if url not in found:
            problems.append(f"not linked: {url}")
            continue
        article_url, rep = found[url]
        claimed = expected["claimed"] or {}
        got_claimed = rep["claimed"] or {}
        want = (originals[expected["of"]], expected["kind"], expected["attribution"], claimed.get("source_host"),
                (claimed.get("author") or "").casefold(), iri(expected.get("via") or ""))
        got = (article_url, rep["kind"], rep["attribution"], got_claimed.get("source_host"),
               (got_claimed.get("author") or "").casefold(), iri(rep["via"] or ""))
        if want != got:
            problems.append(f"{url}: expected {want}, got {got}")
    assert not problems, "\n".join(problems)


def test_every_original_has_its_author_and_date(crawled: dict[str, Any]) -> None:
    exported = {iri(r["url"]): r for r in crawled["records"]}
    problems = []
    for article in crawled["truth"]["articles"]:
        record = exported[iri(article["url"])]
        if (record["author"] or "").casefold() != article["author"].casefold():
            problems.append(f"{article['url']}: author {record['author']!r}, expected {article['author']!r}")
        if (record["published"] or "")[:10] != article["published"][:10]:
            problems.append(f"{article['url']}: published {record['published']!r}, expected {article['published']}")
    assert not problems, "\n".join(problems)


def test_explain_names_the_mention_that_decided_each_verdict(crawled: dict[str, Any]) -> None:
    for expected, explained in zip(crawled["truth"]["republications"], crawled["explained"], strict=True):
        verdict = explained["verdict"]
        assert verdict["attribution"] == expected["attribution"], explained
        if expected["attribution"] == "missing":
            assert verdict["decided_by"] is None
        else:
            decided = verdict["decided_by"]
            assert decided and decided["line"] and decided["how"], explained

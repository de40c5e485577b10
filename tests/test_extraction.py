"""Extraction of main text and metadata, on pages of several templates and languages."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from aggregator.extract.content import extract_page, parse_datetime

PARAS_EN = [
    "The harbour authority approved the new ferry timetable on Tuesday after three months of consultation "
    "with residents, shop owners and the two operators that serve the islands.",
    "Under the plan, the first crossing leaves at six in the morning and the last returns shortly before "
    "midnight, which the council says will let commuters reach the mainland hospital for early shifts.",
    "Critics argue that the fares rise faster than wages, and that the winter service still leaves the "
    "smallest island without a boat for two days each week.",
]
PARAS_DE = [
    "Die Stadtbibliothek verlängert ab dem kommenden Monat ihre Öffnungszeiten an allen Wochentagen bis "
    "zweiundzwanzig Uhr, wie die Leiterin am Montag mitteilte.",
    "Möglich wird das durch ein neues Ausleihsystem, bei dem Leserinnen und Leser ihre Bücher selbst "
    "verbuchen und über einen Automaten im Eingangsbereich zurückgeben können.",
    "Der Personalrat begrüßt die Änderung, fordert aber zusätzliche Stellen für die Beratung am Abend.",
]


def wordpress_page(paragraphs: list[str]) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Ferry timetable approved | Island News</title>
<meta property="og:title" content="Ferry timetable approved">
<meta property="article:published_time" content="2021-03-09T07:30:00+01:00">
<link rel="canonical" href="https://news.example/2021/03/ferry-timetable/"></head>
<body><header><nav><a href="/">Home</a> <a href="/about/">About</a></nav></header>
<main><article><h1 class="entry-title">Ferry timetable approved</h1>
<div class="entry-meta">by <span class="author vcard"><a class="url fn" href="/author/kim/">Kim Larsen</a></span></div>
<div class="entry-content">{body}</div></article>
<div id="comments"><h3>1 comment</h3><div class="comment"><cite class="fn">Troll</cite>
<p>This is a comment that must not be part of the article text at all, whatever its length may be.</p>
</div></div></main>
<aside><h2>Recent posts</h2><ul><li><a href="/x/">Another story</a></li></ul></aside>
<footer>All rights reserved. Theme by someone.</footer></body></html>"""


def table_layout_page(paragraphs: list[str]) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<html lang="de"><head><title>Bibliothek länger offen</title></head><body>
<table><tr><td class="left"><b>Stadtblatt</b><br><a href="/">start</a><br><a href="/archiv/">archiv</a></td>
<td><h2>Bibliothek länger offen</h2><p><i>Von Jana Keller — 4. Mai 2022</i></p>{body}
<hr><p><a href="/">zurück</a></p></td></tr></table></body></html>"""


def test_wordpress_like_page() -> None:
    e = extract_page(wordpress_page(PARAS_EN), "https://news.example/2021/03/ferry-timetable/")
    assert e.is_article
    assert e.title == "Ferry timetable approved"
    assert e.author == "Kim Larsen"
    assert e.published == datetime(2021, 3, 9, 6, 30, tzinfo=UTC)
    assert e.language == "en"
    assert e.canonical_url == "https://news.example/2021/03/ferry-timetable/"
    assert e.paragraphs == PARAS_EN
    assert "comment" not in e.text


def test_table_layout_with_visible_byline() -> None:
    e = extract_page(table_layout_page(PARAS_DE), "http://stadtblatt.example/artikel/7.html")
    assert e.title == "Bibliothek länger offen"
    assert e.author == "Jana Keller"
    assert e.language == "de"
    assert e.paragraphs[: len(PARAS_DE)] == PARAS_DE
    assert not any(p.startswith("Von Jana") for p in e.paragraphs)


def test_a_column_of_recent_post_titles_before_the_headline_is_left_out() -> None:
    # Old table layouts put a "Recent posts" column before the article; its lines are links, and
    # an article title can be longer than a menu entry.
    recent = ["Tarique Rahman Gets PM Modi's Letter After Swearing-In, And An India Invite",
              "World Cancer Day: Smoking, infections and alcohol cause 4 in 10 preventable cancer cases",
              "Haskell for the Elm Enthusiast"]
    column = "".join(f'<a href="/archives/{i}.html">{title}</a><br>' for i, title in enumerate(recent))
    body = "".join(f"<p>{p}</p>" for p in PARAS_DE)
    html = f"""<html lang="de"><head><title>Bibliothek länger offen</title></head><body>
<table><tr><td class="left"><b>Recent posts</b><br>{column}</td>
<td><h2>Bibliothek länger offen</h2>{body}</td></tr></table></body></html>"""
    e = extract_page(html, "http://stadtblatt.example/artikel/8.html")
    assert e.paragraphs[: len(PARAS_DE)] == PARAS_DE
    assert not any(title in e.text for title in recent)


def test_json_ld_metadata_wins_and_graph_is_searched() -> None:
    html = (
        '<html><head><script type="application/ld+json">{"@context":"https://schema.org","@graph":['
        '{"@type":"WebSite","name":"Site"},{"@type":"NewsArticle","headline":"Graph headline",'
        '"datePublished":"2020-01-02T03:04:05Z","author":[{"@type":"Person","name":"Ada Byron"}]}]}'
        "</script></head><body><article><h1>Visible headline</h1>"
        + "".join(f"<p>{p}</p>" for p in PARAS_EN)
        + "</article></body></html>"
    )
    e = extract_page(html, "http://x.example/a")
    assert e.title == "Graph headline"
    assert e.author == "Ada Byron"
    assert e.published == datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_feed_hints_fill_missing_metadata() -> None:
    html = "<html><body><article>" + "".join(f"<p>{p}</p>" for p in PARAS_EN) + "</article></body></html>"
    hints = {"title": "From the feed", "author": "Feed Author", "published": "2019-05-01T10:00:00+00:00"}
    e = extract_page(html, "http://x.example/a", hints=hints)
    assert e.title == "From the feed"
    assert e.author == "Feed Author"
    assert e.published == datetime(2019, 5, 1, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    "html",
    [
        "",
        "<html><body><nav><a href='/'>home</a></nav></body></html>",
        "<html><head><meta property='og:type' content='website'></head><body><main>"
        + "".join(f"<p>{p}</p>" for p in PARAS_EN) + "</main></body></html>",
    ],
)
def test_non_articles_are_recognised(html: str) -> None:
    e = extract_page(html or "<html></html>", "http://x.example/")
    assert not e.is_article
    assert e.reason


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2020-05-01T10:00:00+02:00", datetime(2020, 5, 1, 8, tzinfo=UTC)),
        ("2020-05-01", datetime(2020, 5, 1, tzinfo=UTC)),
        ("Mon, 11 Nov 2019 03:41:00 +0000", datetime(2019, 11, 11, 3, 41, tzinfo=UTC)),
        ("not a date", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_datetime(value: object, expected: datetime | None) -> None:
    assert parse_datetime(value) == expected


# --- Metadata that holds on real pages: one case per kind of failure seen on real pages -----------------


def _article(body: str, *, head: str = "", lang: str = "en") -> str:
    return f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"


def test_old_br_page_byline_gives_author_and_own_date() -> None:
    # "Von NAME, DATE" between <br>s, and a later date in the text: the byline's date is the page's.
    html = _article(
        "<table><tr><td><font size='2'><b>Neue Brücke eröffnet</b><br><br>Von Hans Müller, 12.03.2019<br><br>"
        + "<br><br>".join(PARAS_DE) + " Ein Fest am 15.04.2020 soll die Eröffnung feiern.</font></td></tr></table>",
        lang="de",
    )
    e = extract_page(html, "http://stadtblatt.example/artikel/9.html")
    assert e.author == "Hans Müller"
    assert e.published is not None and e.published.date().isoformat() == "2019-03-12"


@pytest.mark.parametrize(
    ("meta_author", "expected"),
    [
        ("FAIL", "Kim Larsen"),
        ("Username", "Kim Larsen"),
        ("admin", "Kim Larsen"),
        ("jdadmin", "Kim Larsen"),
        ("By TOM KRISHER, AP Auto Writer", "Tom Krisher"),
        ("Louis Jacobson on Monday", "Louis Jacobson"),
        ("Reuters", "Kim Larsen"),
    ],
)
def test_author_field_that_names_no_person_makes_way(meta_author: str, expected: str) -> None:
    html = _article(
        "<article><h1>Ferry timetable approved</h1><p class='byline'>By Kim Larsen</p>"
        + "".join(f"<p>{p}</p>" for p in PARAS_EN) + "</article>",
        head=f"<meta name='author' content='{meta_author}'>",
    )
    assert extract_page(html, "http://x.example/a").author == expected


def test_organisation_author_in_json_ld_is_no_author() -> None:
    html = _article(
        "<article><h1>Ferry timetable approved</h1>" + "".join(f"<p>{p}</p>" for p in PARAS_EN) + "</article>",
        head='<script type="application/ld+json">{"@type":"NewsArticle","headline":"Ferry timetable approved",'
             '"author":{"@type":"Organization","name":"Island News"}}</script>',
    )
    assert extract_page(html, "http://x.example/a").author is None


def test_vcard_in_an_infobox_is_not_the_author() -> None:
    html = _article(
        "<article><h1>Kim Larsen</h1><table class='infobox vcard'><tr><th class='fn'>Kim Larsen</th></tr>"
        "<tr><td>Born 1970</td></tr></table>" + "".join(f"<p>{p}</p>" for p in PARAS_EN) + "</article>"
    )
    assert extract_page(html, "http://x.example/wiki/Kim_Larsen").author is None


def test_text_after_the_last_element_and_after_a_comment_is_kept() -> None:
    html = _article(
        f"<p>{PARAS_EN[0]}</p><p>{PARAS_EN[1][:40]}<!-- an editor's note -->{PARAS_EN[1][40:]}</p>{PARAS_EN[2]}"
    )
    e = extract_page(html, "http://x.example/a")
    assert PARAS_EN[1] in e.text
    assert PARAS_EN[2] in e.text


def test_json_ld_headline_cut_short_loses_to_the_full_title() -> None:
    html = _article(
        "<article><h1>Ferry timetable approved after three months of consultation</h1>"
        + "".join(f"<p>{p}</p>" for p in PARAS_EN) + "</article>",
        head='<meta property="og:title" content="Ferry timetable approved after three months of consultation">'
             '<script type="application/ld+json">{"@type":"NewsArticle","headline":"Ferry timetable approved…"}'
             "</script>",
    )
    title = extract_page(html, "http://x.example/a").title
    assert title == "Ferry timetable approved after three months of consultation"


@pytest.mark.parametrize(
    ("text", "declared", "expected"),
    [
        ("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore "
         "et dolore magna aliqua. " * 8, "en", "en"),  # placeholder text keeps the declared language
        ("Die Stadtbibliothek verlängert ihre Öffnungszeiten bis zweiundzwanzig Uhr. " * 3, "fr", "fr"),  # short
        (" ".join(PARAS_DE) * 3, "en", "de"),  # much text, surely another language: the text wins
        (" ".join(PARAS_DE), None, "de"),  # nothing declared: detected
    ],
)
def test_declared_language_stands_unless_much_text_says_otherwise(
    text: str, declared: str | None, expected: str
) -> None:
    lang = f" lang='{declared}'" if declared else ""
    html = f"<html{lang}><head><title>t</title></head><body><article><p>{text}</p></article></body></html>"
    assert extract_page(html, "http://x.example/a").language == expected


def test_utc_timestamp_is_shown_on_the_page_s_own_day() -> None:
    # The page says 18 November (its URL, its visible date); its metadata gives a UTC instant on the 19th.
    html = _article(
        "<article><h1>Ferry timetable approved</h1><p>Published November 18, 2019</p>"
        + "".join(f"<p>{p}</p>" for p in PARAS_EN) + "</article>",
        head="<meta property='article:published_time' content='2019-11-19T04:58:46Z'>",
    )
    e = extract_page(html, "http://x.example/2019/11/18/ferry/")
    assert e.published == datetime(2019, 11, 19, 4, 58, 46, tzinfo=UTC)  # the same instant
    assert e.published is not None and e.published.date().isoformat() == "2019-11-18"


def test_placeholder_dates_are_no_dates() -> None:
    assert parse_datetime("0001-01-01T00:00:00") is None


def test_trafilatura_options_are_those_bare_extraction_would_build() -> None:
    from trafilatura.settings import Extractor

    from aggregator.extract.content import TRAFILATURA_FAST, _extractor

    url = "https://example.org/actualit\u00e9s/2020?x=1"
    copied = _extractor(url)
    built = Extractor(output_format="python", fast=TRAFILATURA_FAST, comments=False, tables=True, url=url,
                      with_metadata=False)
    assert {slot: getattr(copied, slot) for slot in Extractor.__slots__} == {
        slot: getattr(built, slot) for slot in Extractor.__slots__
    }

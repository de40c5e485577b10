"""What defeated the attribution parser on real pages, one table per kind, with cases of our own.

Each line is placed in a plain page (before or after the article's text, or between two of its
paragraphs) with the outlets it names registered as known sources.
"""

from __future__ import annotations

import json

import pytest

from aggregator.extract.attribution import parse_attribution
from aggregator.extract.content import extract_page

URL = "https://copier.example/2024/03/story/"
KNOWN = {
    "Tech Journal": "techjournal.example",
    "Süddeutsche Zeitung": "sueddeutsche.de",
    "Le Télégramme": "letelegramme.fr",
    "Ouest-France": "ouest-france.fr",
    "Investing.com": "investing.com",
    "Associated Press": "apnews.com",
    "Le Monde": "lemonde.fr",
    "Statistisches Bundesamt": "destatis.de",
    "Agence France-Presse": "afp.com",
    "ProPublica": "propublica.org",
    "Corriere della Sera": "corriere.it",
}
TEXT = [
    "The council approved the new budget on Tuesday after a long debate about schools, roads and the harbour, "
    "and the mayor said the vote closed a difficult year for the city and its residents.",
    "Several members asked for more money for the libraries, which have cut their opening hours twice since the "
    "spring, while others wanted the surplus to go to repairs of the old bridge.",
]


def page(line: str, where: str = "after", head: str = "") -> str:
    credit = f"<p>{line}</p>"
    body = [f"<p>{p}</p>" for p in TEXT]
    position = {"before": 0, "between": 1, "after": 2}[where]
    body.insert(position, credit)
    return f"<html><head>{head}</head><body><article><h1>A story</h1>{''.join(body)}</article></body></html>"


def read(line: str, where: str = "after", head: str = "") -> tuple[str | None, str | None]:
    attribution = parse_attribution(page(line, where, head), URL, known_sources=KNOWN)
    return attribution.source_host, attribution.author


@pytest.mark.parametrize(
    ("line", "where", "expected"),
    [
        # 1. Several claims in one line, whatever separates them.
        ("Fuente: techjournal.example. Por: Ana López", "after", ("techjournal.example", "Ana López")),
        ("Via techjournal.example / Written by Jane Doe", "after", ("techjournal.example", "Jane Doe")),
        ("Quelle: Tech Journal, Autor: Hans Weber", "after", ("techjournal.example", "Hans Weber")),
        ("(Source: techjournal.example; author: Jane Doe)", "after", ("techjournal.example", "Jane Doe")),
        ("Par Jeanne Martin — source : techjournal.example", "before", ("techjournal.example", "Jeanne Martin")),
        ("Source: Tech Journal | By Jane Doe", "after", ("techjournal.example", "Jane Doe")),
        # 2. "Published in OUTLET", without "originally".
        ("Article paru dans Le Monde du 18/08/21", "after", ("lemonde.fr", None)),
        ("Articolo apparso sul Corriere della Sera del 26.11.2013", "after", ("corriere.it", None)),
        ("Artículo publicado en Tech Journal", "after", ("techjournal.example", None)),
        ("Artikel aus der Süddeutschen Zeitung vom 12.2.", "after", ("sueddeutsche.de", None)),
        ("Uit Tech Journal van 3 maart 2021", "after", ("techjournal.example", None)),
        ("Articolo tratto da «Corriere della Sera», 8 novembre", "after", ("corriere.it", None)),
        ("A version of this article originally appeared on Tech Journal.", "after", ("techjournal.example", None)),
        # 3. A byline and its outlet.
        ("Un article de Mathilde Giard pour Le Monde.", "before", ("lemonde.fr", "Mathilde Giard")),
        ("By Monica Eng, Tech Journal", "before", ("techjournal.example", "Monica Eng")),
        ("Jérôme GARCIN, Le Monde, février 2010.", "before", ("lemonde.fr", "Jérôme Garcin")),
        ("Por João Silva / Do Tech Journal", "before", ("techjournal.example", "João Silva")),
        # 4. Read-more and pointer lines, datelines, first-person reposts.
        ("A lire sur Le Monde", "after", ("lemonde.fr", None)),
        ("Voir l'article du Monde", "after", ("lemonde.fr", None)),
        ("Leer noticia completa en Tech Journal.", "after", ("techjournal.example", None)),
        ("Hier geht's zum Artikel auf Tech Journal", "after", ("techjournal.example", None)),
        ("Tech Journal 12/03/2021", "after", ("techjournal.example", None)),
        ("SEATTLE (AP) — " + TEXT[0], "before", ("apnews.com", None)),
        ("I first published this on Tech Journal, back in 2019.", "after", ("techjournal.example", None)),
        # 5. Outlet names as people write them.
        ("Ein aktueller Artikel in der Süddeutschen vom 12.2.", "after", ("sueddeutsche.de", None)),
        ("Article du Télégramme le 1er avril 2014", "after", ("letelegramme.fr", None)),
        ("Article paru dans le Ouest-France du 6 avril.", "after", ("ouest-france.fr", None)),
        ("Article dans Ouest France du jeudi 4 Mai", "after", ("ouest-france.fr", None)),
        ("Fonte: Investing", "after", ("investing.com", None)),
        ("Artículo de Antoni Gutiérrez-Rubí, en www.elpais.es", "after", ("www.elpais.es", "Antoni Gutiérrez-Rubí")),
        ("Vilaweb.cat -", "before", ("vilaweb.cat", None)),
        # 6. Authors inside a sentence; an outlet after "published by" is no author.
        ("Cette tribune, écrite par Nathalie Roseau, a été publiée dans Le Monde.", "after",
         ("lemonde.fr", "Nathalie Roseau")),
        ("Columna escrito por Rubén Manso Olivar en Tech Journal", "after",
         ("techjournal.example", "Rubén Manso Olivar")),
        ("Intervista a cura di Rita Fulco", "before", (None, "Rita Fulco")),
        ("Ein Kommentar, geschrieben von Barbara Haack", "after", (None, "Barbara Haack")),
        ("Artigo de Daniel Ribeiro Silva*", "before", (None, "Daniel Ribeiro Silva")),
        ("This story was originally published by Tech Journal.", "after", ("techjournal.example", None)),
        ("This story was originally published by ProPublica.", "after", ("propublica.org", None)),
        ("Του Χάρη Ανδρεόπουλου*", "before", (None, "Χάρης Ανδρεόπουλος")),
        # 8. Negatives stay negatives.
        ("Quelle: Statistisches Bundesamt, Berechnungen des Verbands", "between", (None, None)),
        ("Photo: Tech Journal", "after", (None, None)),
        ("© Agence France-Presse", "after", (None, None)),
        ("Bildrechte: Süddeutsche Zeitung", "after", (None, None)),
        ("Fred Lum/Le Monde", "after", (None, None)),
        ("The figures were confirmed, according to Le Monde, by two ministers.", "after", (None, None)),
        ("Un pompier est mort, a indiqué à l'AFP le ministère.", "after", (None, None)),
        ("Lire aussi : l'article du Monde sur la réforme", "after", (None, None)),
        ("Abonnez-vous à la newsletter de Tech Journal", "after", (None, None)),
        ("Jean-Louis Didelot", "after", (None, None)),
    ],
)
def test_kinds_of_credit(line: str, where: str, expected: tuple[str | None, str | None]) -> None:
    assert read(line, where) == expected


def test_a_caption_between_paragraphs_does_not_win_because_it_is_alone() -> None:
    assert read("Source: Tech Journal", "between") == (None, None)


def test_json_ld_author_beside_is_based_on_is_the_claimed_author() -> None:
    data = {"@type": "Article", "isBasedOn": "https://techjournal.example/a/", "author": {"name": "Jane Doe"}}
    head = f'<script type="application/ld+json">{json.dumps(data)}</script>'
    assert read("A line of its own.", head=head) == ("techjournal.example", "Jane Doe")


@pytest.mark.parametrize(
    "wrapped",
    ["//<![CDATA[\n{}\n//]]>", "<!--\n{}\n-->", "/*<![CDATA[*/{}/*]]>*/"],
)
def test_json_ld_in_cdata_or_comments_is_read(wrapped: str) -> None:
    data = {"@type": "NewsArticle", "headline": "A story", "datePublished": "2020-01-02T03:04:05Z",
            "dateModified": "2021-06-07T00:00:00Z", "isBasedOn": "https://techjournal.example/a/"}
    head = '<script type="application/ld+json">' + wrapped.format(json.dumps(data)) + "</script>"
    html = page("A line of its own.", head=head)
    assert parse_attribution(html, URL, known_sources=KNOWN).source_host == "techjournal.example"
    published = extract_page(html, URL).published
    assert published is not None and published.isoformat().startswith("2020-01-02")

"""The attribution parser: a table of credit lines, structured data and traps in seven languages,
the real PSST republication, and every republisher page of the shared syndication web."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aggregator.extract.attribution import Attribution, parse_attribution, repair_split_entities, strip_attribution
from aggregator.urls import same_site
from tests.conftest import FIXTURES_DIR, shared_path

PAGE_URL = "https://www.republisher.example/2024/05/story/"
BODY = (
    "<p>The council approved the new budget on Tuesday after a long debate about schools, roads and the"
    " harbour, and the mayor said the vote closed a difficult year for the city and its residents.</p>"
)


def page(article: str = "", *, head: str = "", before: str = "", after: str = "", tail: str = "") -> str:
    """A republisher's page: site chrome around an <article> holding a body paragraph."""
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Story</title>{head}</head><body>"
        "<header class='site-header'><a href='/'>Republisher</a>"
        "<nav><a href='/news/'>News</a> <a href='https://partner.example/'>Partner</a></nav></header>"
        f"<main><article><h1>Story</h1>{before}"
        f"<div class='entry-content'>{BODY}{article}</div>{after}</article>"
        f"{tail}</main><footer class='site-footer'>© Republisher</footer></body></html>"
    )


def case(
    case_id: str,
    html: str,
    host: str | None,
    author: str | None = None,
    *,
    url: str = PAGE_URL,
    known: dict[str, str] | None = None,
) -> Any:
    return pytest.param(html, url, known, host, author, id=case_id)


def ld(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


CASES = [
    # --- English: source, author, read-more, first-published, via; head and tail ---------------------
    case("en-source-bare-host-tail", page(after="<p>Source: origin.example</p>"), "origin.example"),
    case(
        "en-source-link-tail",
        page(after="<p>Source: <a href='https://origin.example/p/1'>Origin</a></p>"),
        "origin.example",
    ),
    case("en-source-head", page(before="<p>Source: news.origin.example</p>"), "news.origin.example"),
    case("en-source-co-uk-keeps-www", page(after="<p>Source: www.example.co.uk</p>"), "www.example.co.uk"),
    case("en-source-uppercase-host", page(after="<p>SOURCE: ORIGIN.EXAMPLE</p>"), "origin.example"),
    case(
        "en-source-with-author",
        page(after="<p>Source: origin.example, by Jane Doe</p>"),
        "origin.example",
        "Jane Doe",
    ),
    case("en-byline-head", page(before="<p class='byline'>By Jane Doe</p>"), None, "Jane Doe"),
    # Names are given in their usual case: capitals or lower case as written are capitalised.
    case("en-byline-uppercase", page(before="<p>BY JANE DOE</p>"), None, "Jane Doe"),
    case("en-byline-with-role", page(before="<p>By Jane Doe, Staff Writer</p>"), None, "Jane Doe"),
    case(
        "en-byline-two-authors",
        page(before="<p>By Jane Doe and John Smith</p>"),
        None,
        "Jane Doe and John Smith",
    ),
    case("en-written-by", page(after="<p>Written by John Smith</p>"), None, "John Smith"),
    case("en-author-colon-lowercase", page(after="<p>Author: jane doe</p>"), None, "Jane Doe"),
    case(
        "en-originally-published-at",
        page(after="<p>Originally published at origin.example.org</p>"),
        "origin.example.org",
    ),
    case(
        "en-originally-published-by-on-link",
        page(
            after="<p>Originally published by Jane Doe on "
            "<a href='https://blog.origin.example/'>The Origin</a>.</p>"
        ),
        "blog.origin.example",
        "Jane Doe",
    ),
    case(
        "en-first-appeared-head",
        page(
            before="<p><em>This article first appeared on <a href='http://origin.example/a/'>Origin</a>."
            " Republished with permission.</em></p>"
        ),
        "origin.example",
    ),
    case(
        "en-was-originally-published",
        page(after="<p>This post was originally published on blog.origin.example.</p>"),
        "blog.origin.example",
    ),
    case(
        "en-read-more-link",
        page(after="<p>Read more at <a href='http://news.example.co.uk/a'>the source</a></p>"),
        "news.example.co.uk",
    ),
    case("en-continue-reading", page(after="<p>Continue reading on origin.example</p>"), "origin.example"),
    case("en-reposted-from", page(after="<p>Reposted from www.origin.example</p>"), "www.origin.example"),
    case("en-cross-posted-from", page(before="<p>Cross-posted from origin.example</p>"), "origin.example"),
    case("en-via-host", page(after="<p>Via origin.example</p>"), "origin.example"),
    case(
        "en-hat-tip-link", page(after="<p>H/T: <a href='https://tips.example/x'>Tips</a></p>"), "tips.example"
    ),
    case(
        "en-known-source-name",
        page(after="<p>This post was originally published on Medium.</p>"),
        "medium.com",
        known={"Medium": "medium.com"},
    ),
    case(
        "en-read-more-known-name",
        page(after="<p>Read more on Tech Journal</p>"),
        "techjournal.example",
        known={"Tech Journal": "techjournal.example"},
    ),
    case("en-decorated-label", page(after="<p>— Source: origin.example</p>"), "origin.example"),
    case(
        "en-label-in-strong",
        page(after="<p><strong>Source:</strong> <a href='https://origin.example/'>x</a></p>"),
        "origin.example",
    ),
    case(
        "en-credit-in-article-footer",
        page(after="<footer class='entry-footer'><p>Source: origin.example</p></footer>"),
        "origin.example",
    ),
    case(
        "en-credit-with-br",
        page(after="<p>Source: origin.example<br>By Jane Doe</p>"),
        "origin.example",
        "Jane Doe",
    ),
    # --- English traps --------------------------------------------------------------------------------
    case("en-trap-by-clicking", page(after="<p>By clicking subscribe you agree to our terms.</p>"), None),
    case("en-trap-by-the-way", page(article="<p>By the way, origin.example was down all day.</p>"), None),
    case("en-trap-by-monday", page(article="<p>By Monday, the deal was done.</p>"), None),
    case(
        "en-trap-sources-say",
        page(article="<p>Sources say the deal is off, according to origin.example.</p>"),
        None,
    ),
    case(
        "en-trap-label-mid-sentence", page(article="<p>The source of this story is origin.example.</p>"), None
    ),
    case(
        "en-trap-via-mid-sentence",
        page(article="<p>Tickets go on sale via ticketer.example on Friday.</p>"),
        None,
    ),
    case("en-trap-photo-source", page(article="<p>Photo source: photos.example</p>"), None),
    case("en-trap-own-host", page(after="<p>Source: www.republisher.example</p>"), None),
    case("en-trap-own-host-www-equivalent", page(after="<p>Source: republisher.example</p>"), None),
    case("en-trap-relative-link", page(after="<p>Source: <a href='/about/'>us</a></p>"), None),
    case(
        "en-trap-visit-host",
        page(article="<p>For more information, please visit: www.vendor.example</p>"),
        None,
    ),
    case("en-trap-nav-link", page(), None),
    case(
        "en-trap-comments",
        page(tail="<div id='comments'><p>Source: spam.example</p><p>By Troll Person</p></div>"),
        None,
    ),
    case(
        "en-trap-related-posts",
        page(tail="<div class='related-posts'><p>Read more at related.example</p></div>"),
        None,
    ),
    case("en-trap-aside", page(tail="<aside><p>Originally published at sidebar.example</p></aside>"), None),
    case(
        "en-trap-site-footer",
        "<html><body><article><p>Text.</p></article>"
        "<footer><p>Source: footer.example</p></footer></body></html>",
        None,
    ),
    case(
        "en-trap-figcaption",
        page(article="<figure><img src='a.jpg'><figcaption>Source: flickr.example</figcaption></figure>"),
        None,
    ),
    case(
        "en-trap-long-paragraph",
        page(
            article="<p>Source: "
            + "the committee said that the figures were revised " * 6
            + "origin.example</p>"
        ),
        None,
    ),
    case("en-trap-email", page(after="<p>Source: press office, contact press@origin.example</p>"), None),
    case("en-trap-file-name", page(after="<p>Source: report.pdf</p>"), None),
    case(
        "en-trap-share-bar", page(after="<div class='share-buttons'><p>Via twitter.example</p></div>"), None
    ),
    # --- French ---------------------------------------------------------------------------------------
    case(
        "fr-source-par-tail",
        page(after="<p>SOURCE : blog.useo.net</p><p>PAR: alexis mouthon</p>"),
        "blog.useo.net",
        "Alexis Mouthon",
    ),
    case("fr-lire-la-suite", page(article="<p>Lire la suite sur: blog.exemple.fr</p>"), "blog.exemple.fr"),
    case(
        "fr-lire-la-suite-lien",
        page(article="<p>Lire la suite sur <a href='http://www.exemple.fr/billet'>Le Blog</a></p>"),
        "www.exemple.fr",
    ),
    case(
        "fr-initialement-publie",
        page(after="<p>Initialement publié sur blog.exemple.fr</p>"),
        "blog.exemple.fr",
    ),
    case(
        "fr-cet-article-a-ete",
        page(before="<p>Cet article a été initialement publié sur le blog exemple.fr</p>"),
        "exemple.fr",
    ),
    case(
        "fr-publie-par-sur",
        page(
            after="<p>Publié initialement par Jean Dupont sur "
            "<a href='https://jean.exemple.fr/'>son blog</a></p>"
        ),
        "jean.exemple.fr",
        "Jean Dupont",
    ),
    case("fr-par-tete", page(before="<p>Par Jean Dupont</p>"), None, "Jean Dupont"),
    case("fr-auteur", page(after="<p>Auteur : Marie Curie</p>"), None, "Marie Curie"),
    case("fr-ecrit-par", page(after="<p>Écrit par Claire Martin</p>"), None, "Claire Martin"),
    case("fr-via-deux-points", page(after="<p>Via : exemple.fr</p>"), "exemple.fr"),
    case(
        "fr-repris-de",
        page(after="<p>Repris de www.exemple.fr avec l'autorisation de l'auteur</p>"),
        "www.exemple.fr",
    ),
    case(
        "fr-source-nom-connu",
        page(after="<p>Source : Le blog d’USEO</p>"),
        "blog.useo.net",
        known={"Le blog d'USEO": "blog.useo.net"},
    ),
    case(
        "fr-source-nom-connu-casse",
        page(after="<p>SOURCE : LE BLOG D'USEO</p>"),
        "blog.useo.net",
        known={"Le blog d'USEO": "blog.useo.net"},
    ),
    case(
        "fr-article-original",
        page(after="<p>Article original : <a href='https://exemple.fr/x'>ici</a></p>"),
        "exemple.fr",
    ),
    case("fr-trap-dirigee-par", page(after="<p>DIRIGÉE PAR: Jérémy Dumont</p>"), None, None),
    case(
        "fr-trap-dirigee-par-after-par",
        page(
            after="<p>SOURCE : blog.useo.net</p><p>PAR: alexis mouthon</p><p>DIRIGÉE PAR: Jérémy Dumont</p>"
        ),
        "blog.useo.net",
        "Alexis Mouthon",
    ),
    case("fr-trap-une-initiative-de", page(after="<p>UNE INITIATIVE DE: POURQUOI TU COURS?</p>"), None),
    case(
        "fr-trap-par-ailleurs",
        page(article="<p>Par ailleurs, les entreprises du secteur publient sur exemple.fr.</p>"),
        None,
    ),
    case(
        "fr-trap-par-exemple",
        page(article="<p>Par exemple, exemple.fr propose un service gratuit.</p>"),
        None,
    ),
    case(
        "fr-trap-own-host-split-entity",
        page(after="<p>ACCÈS DIRECT A LA PLATEFORME:&amp;<br>#0160;REPUBLISHER.EXAMPLE</p>"),
        None,
    ),
    case(
        "fr-trap-newsletter-own-host",
        page(after="<p>inscrivez vous a la newsletter : www.republisher.example</p>"),
        None,
    ),
    case(
        "fr-trap-lire-mid-sentence",
        page(article="<p>Il faut lire la suite sur exemple.fr pour comprendre.</p>"),
        None,
    ),
    # --- German ---------------------------------------------------------------------------------------
    case("de-quelle", page(after="<p>Quelle: beispiel.de</p>"), "beispiel.de"),
    case(
        "de-quelle-link",
        page(after="<p>Quelle: <a href='https://www.beispiel.de/a'>Beispiel</a></p>"),
        "www.beispiel.de",
    ),
    case("de-von", page(before="<p>Von Hans Müller</p>"), None, "Hans Müller"),
    case("de-von-particle", page(before="<p>Von Ursula von der Leyen</p>"), None, "Ursula von der Leyen"),
    case("de-autor", page(after="<p>Autor: Klaus Weber</p>"), None, "Klaus Weber"),
    case("de-geschrieben-von", page(after="<p>Geschrieben von Lena Vogel</p>"), None, "Lena Vogel"),
    case("de-weiterlesen", page(article="<p>Weiterlesen auf beispiel.de</p>"), "beispiel.de"),
    case(
        "de-zuerst-erschienen",
        page(after="<p>Zuerst erschienen bei <a href='https://www.zeit.example/x'>Zeit</a></p>"),
        "www.zeit.example",
    ),
    case(
        "de-dieser-artikel",
        page(before="<p>Dieser Artikel erschien zuerst auf blog.beispiel.de</p>"),
        "blog.beispiel.de",
    ),
    case(
        "de-urspruenglich-von-auf",
        page(after="<p>Ursprünglich veröffentlicht von Anna Schmidt auf anna.beispiel.de</p>"),
        "anna.beispiel.de",
        "Anna Schmidt",
    ),
    case("de-trap-von-hier", page(article="<p>Von hier aus sieht man beispiel.de kaum.</p>"), None),
    case("de-trap-von-montag", page(article="<p>Von Montag bis Freitag geöffnet</p>"), None),
    case("de-quelle-agentur-no-host", page(after="<p>Quelle: dpa</p>"), None),
    # --- Spanish --------------------------------------------------------------------------------------
    case("es-fuente", page(after="<p>Fuente: ejemplo.es</p>"), "ejemplo.es"),
    case("es-por", page(before="<p>Por María García</p>"), None, "María García"),
    case("es-escrito-por", page(after="<p>Escrito por Ana López</p>"), None, "Ana López"),
    case(
        "es-leer-mas",
        page(article="<p>Leer más en <a href='https://www.ejemplo.es/nota'>El Ejemplo</a></p>"),
        "www.ejemplo.es",
    ),
    case(
        "es-publicado-originalmente",
        page(after="<p>Publicado originalmente en blog.ejemplo.com</p>"),
        "blog.ejemplo.com",
    ),
    case(
        "es-este-articulo-fue",
        page(before="<p>Este artículo fue publicado originalmente en diario.ejemplo.es</p>"),
        "diario.ejemplo.es",
    ),
    case(
        "es-fuente-original",
        page(after="<p>Fuente original: <a href='https://ejemplo.com.mx/a'>aquí</a></p>"),
        "ejemplo.com.mx",
    ),
    case("es-trap-por-favor", page(article="<p>Por favor, comparte este artículo en ejemplo.es</p>"), None),
    case("es-trap-por-eso", page(article="<p>Por eso el gobierno decidió actuar.</p>"), None),
    # --- Italian --------------------------------------------------------------------------------------
    case("it-fonte", page(after="<p>Fonte: esempio.it</p>"), "esempio.it"),
    case("it-di", page(before="<p>Di Mario Rossi</p>"), None, "Mario Rossi"),
    case("it-autore", page(after="<p>Autore: Giulia Bianchi</p>"), None, "Giulia Bianchi"),
    case("it-scritto-da", page(after="<p>Scritto da Luca Verdi</p>"), None, "Luca Verdi"),
    case("it-continua-a-leggere", page(article="<p>Continua a leggere su esempio.it</p>"), "esempio.it"),
    case(
        "it-pubblicato-originariamente",
        page(after="<p>Pubblicato originariamente su blog.esempio.it</p>"),
        "blog.esempio.it",
    ),
    case(
        "it-questo-articolo",
        page(before="<p>Questo articolo è stato pubblicato originariamente su www.esempio.it</p>"),
        "www.esempio.it",
    ),
    case("it-trap-di-recente", page(article="<p>Di recente, molti siti hanno copiato esempio.it.</p>"), None),
    case(
        "it-trap-di-solito", page(article="<p>Di solito il sito esempio.it pubblica ogni giorno.</p>"), None
    ),
    # --- Portuguese -----------------------------------------------------------------------------------
    case("pt-fonte", page(after="<p>Fonte: exemplo.com.br</p>"), "exemplo.com.br"),
    case("pt-por", page(before="<p>Por João Silva</p>"), None, "João Silva"),
    case("pt-escrito-por", page(after="<p>Escrito por Ana Souza</p>"), None, "Ana Souza"),
    case("pt-leia-mais", page(article="<p>Leia mais em exemplo.pt</p>"), "exemplo.pt"),
    case(
        "pt-publicado-originalmente",
        page(after="<p>Publicado originalmente em blog.exemplo.com.br</p>"),
        "blog.exemplo.com.br",
    ),
    case(
        "pt-este-artigo-foi",
        page(before="<p>Este artigo foi publicado originalmente em exemplo.pt</p>"),
        "exemplo.pt",
    ),
    case(
        "pt-trap-por-causa",
        page(article="<p>Por causa da chuva, o site exemplo.pt ficou fora do ar.</p>"),
        None,
    ),
    # --- Dutch ----------------------------------------------------------------------------------------
    case("nl-bron", page(after="<p>Bron: voorbeeld.nl</p>"), "voorbeeld.nl"),
    case("nl-door", page(before="<p>Door Jan de Vries</p>"), None, "Jan de Vries"),
    case("nl-auteur", page(after="<p>Auteur: Sanne Jansen</p>"), None, "Sanne Jansen"),
    case("nl-lees-verder", page(article="<p>Lees verder op voorbeeld.nl</p>"), "voorbeeld.nl"),
    case(
        "nl-oorspronkelijk",
        page(after="<p>Oorspronkelijk gepubliceerd op blog.voorbeeld.nl</p>"),
        "blog.voorbeeld.nl",
    ),
    case(
        "nl-dit-artikel-verscheen",
        page(before="<p>Dit artikel verscheen eerder op <a href='https://nu.example/x'>Nu</a></p>"),
        "nu.example",
    ),
    case(
        "nl-trap-door-de-regen",
        page(article="<p>Door de regen viel de wedstrijd op voorbeeld.nl uit.</p>"),
        None,
    ),
    # --- Structured data ------------------------------------------------------------------------------
    case(
        "canonical-cross-domain",
        page(head="<link rel='canonical' href='https://origin.example/a/'>"),
        "origin.example",
    ),
    case("canonical-same-host", page(head=f"<link rel='canonical' href='{PAGE_URL}'>"), None),
    case(
        "canonical-www-equivalent",
        page(head="<link rel='canonical' href='https://republisher.example/2024/05/story/'>"),
        None,
    ),
    case("canonical-relative", page(head="<link rel='canonical' href='/2024/05/story/'>"), None),
    case(
        "canonical-uppercase-rel",
        page(head="<link rel='Canonical' href='https://origin.example/a/'>"),
        "origin.example",
    ),
    case(
        "og-url-cross-domain",
        page(head="<meta property='og:url' content='https://origin.example/a/'>"),
        "origin.example",
    ),
    case("og-url-same-host", page(head=f"<meta property='og:url' content='{PAGE_URL}'>"), None),
    case(
        "meta-original-source",
        page(head="<meta name='original-source' content='https://origin.example/a'>"),
        "origin.example",
    ),
    case(
        "jsonld-isbasedon-string",
        page(
            head=ld(
                {
                    "@context": "https://schema.org",
                    "@type": "Article",
                    "isBasedOn": "https://origin.example/a",
                }
            )
        ),
        "origin.example",
    ),
    case(
        "jsonld-isbasedon-object-author",
        page(
            head=ld(
                {
                    "@type": "NewsArticle",
                    "isBasedOn": {
                        "@type": "Article",
                        "url": "https://origin.example/a",
                        "author": {"@type": "Person", "name": "Jane Doe"},
                    },
                }
            )
        ),
        "origin.example",
        "Jane Doe",
    ),
    case(
        "jsonld-isbasedon-list",
        page(head=ld({"@type": "Article", "isBasedOn": ["/local/", {"@id": "https://first.example/x"}]})),
        "first.example",
    ),
    case(
        "jsonld-graph",
        page(
            head=ld(
                {
                    "@context": "https://schema.org",
                    "@graph": [
                        {"@type": "WebSite", "url": PAGE_URL},
                        {"@type": "BlogPosting", "isBasedOn": {"url": "https://graph.example/post"}},
                    ],
                }
            )
        ),
        "graph.example",
    ),
    case(
        "jsonld-top-level-list",
        page(
            head=ld(
                [
                    {"@type": "Organization", "url": PAGE_URL},
                    {"@type": "Article", "isBasedOn": "https://list.example/a"},
                ]
            )
        ),
        "list.example",
    ),
    case(
        "jsonld-source-organization",
        page(
            head=ld(
                {
                    "@type": "Article",
                    "sourceOrganization": {"@type": "Organization", "url": "https://org.example/"},
                }
            )
        ),
        "org.example",
    ),
    case(
        "jsonld-source-organization-known-name",
        page(
            head=ld(
                {"@type": "Article", "sourceOrganization": {"@type": "Organization", "name": "Data Notes"}}
            )
        ),
        "datanotes.example",
        known={"Data Notes": "datanotes.example"},
    ),
    case(
        "jsonld-isbasedon-same-host",
        page(head=ld({"@type": "Article", "isBasedOn": "https://www.republisher.example/other/"})),
        None,
    ),
    case(
        "jsonld-invalid-json-ignored",
        page(head="<script type='application/ld+json'>{\"isBasedOn\": </script>"),
        None,
    ),
    case(
        "jsonld-trailing-comma-tolerated",
        page(head='<script type=\'application/ld+json\'>{"isBasedOn": "https://comma.example/a",}</script>'),
        "comma.example",
    ),
    case(
        "jsonld-publisher-only-is-not-a-claim",
        page(
            head=ld(
                {"@type": "Article", "publisher": {"@type": "Organization", "url": "https://pub.example/"}}
            )
        ),
        None,
    ),
    case(
        "microdata-isbasedon",
        page(article="<link itemprop='isBasedOn' href='https://micro.example/a'>"),
        "micro.example",
    ),
    case(
        "rss-item-source",
        "<item><title>T</title><link>https://www.republisher.example/x</link>"
        "<source url='https://origin.example/feed.xml'>Origin</source>"
        "<description>&lt;p&gt;Body text.&lt;/p&gt;</description></item>",
        "origin.example",
    ),
    case(
        "rss-item-credit-line-in-content",
        "<?xml version='1.0' encoding='utf-8'?><item><title>T</title>"
        "<description><![CDATA[<p>Body.</p><p>Source: cdata.example</p>]]></description></item>",
        "cdata.example",
    ),
    # --- Priority between claims ----------------------------------------------------------------------
    case(
        "priority-source-over-canonical",
        page(
            head="<link rel='canonical' href='https://canon.example/a'>",
            after="<p>Source: origin.example</p>",
        ),
        "origin.example",
    ),
    case(
        "priority-first-published-over-read-more",
        page(after="<p>Read more at more.example</p><p>Originally published at first.example</p>"),
        "first.example",
    ),
    case(
        "priority-isbasedon-over-canonical",
        page(
            head="<link rel='canonical' href='https://canon.example/a'>"
            + ld({"isBasedOn": "https://based.example/a"})
        ),
        "based.example",
    ),
    case(
        "priority-canonical-over-og-url",
        page(
            head="<meta property='og:url' content='https://og.example/a'>"
            "<link rel='canonical' href='https://canon.example/a'>"
        ),
        "canon.example",
    ),
    case(
        "priority-intermediary-named",
        page(
            article="<p>Lire la suite sur: blog.useo.net</p>",
            after="<p>Source: www.psst.fr</p><p>Auteur : Alexis M</p>",
        ),
        "www.psst.fr",
        "Alexis M",
    ),
    case(
        "priority-own-source-falls-back-to-read-more",
        page(after="<p>Source: www.republisher.example</p><p>Read more at origin.example</p>"),
        "origin.example",
    ),
    case("priority-chart-source-between-paragraphs-is-weaker",
         page(head="<meta property='og:url' content='https://origin.example/a'>",
              article="<p>Source: stats.example</p>" + BODY),
         "origin.example"),
    # --- Layout ---------------------------------------------------------------------------------------
    case("layout-label-alone-value-next-line",
         page(after="<dl><dt>Source</dt><dd><a href='https://origin.example/a'>Origin</a></dd></dl>"),
         "origin.example"),
    case("layout-entry-header-outside-article",
         "<html><body><div id='content'><header class='entry-header'><h1>T</h1><p>By Jane Doe</p></header>"
         f"{BODY}</div></body></html>",
         None, "Jane Doe"),
    case("layout-hidden-credit", page(after="<p style='display: none'>Source: hidden.example</p>"), None),
    case("layout-byline-date", page(before="<p>By Jane Doe on May 3, 2024</p>"), None, "Jane Doe"),
    case("layout-byline-date-es", page(before="<p>Por María García el 3 de mayo de 2024</p>"), None,
         "María García"),
    case("layout-byline-caseless-script", page(before="<p>By 王小明</p>"), None, "王小明"),
    case("layout-atom-xhtml-entry",
         "<entry xmlns='http://www.w3.org/2005/Atom'><title>T</title><content type='xhtml'>"
         "<div xmlns='http://www.w3.org/1999/xhtml'><p>Body.</p><p>Source: xhtml.example</p></div>"
         "</content></entry>",
         "xhtml.example"),
    case("layout-atom-source",
         "<entry xmlns='http://www.w3.org/2005/Atom'><title>T</title>"
         "<source><id>tag:origin</id><link rel='alternate' href='https://atom-origin.example/'/></source>"
         "<summary>Body.</summary></entry>",
         "atom-origin.example"),
    case("layout-byline-run-together-elements",
         page(before="<p>By <a href='/author/meg'>Meg James</a><span>Staff Writer</span></p>"), None,
         "Meg James"),
    case("layout-byline-updated", page(before="<p>By Umair Irfan Updated Nov 13, 2019</p>"), None,
         "Umair Irfan"),
    case("layout-byline-list", page(before="<p>By LISA MASCARO, MARY CLARE JALONICK and ERIC TUCKER</p>"),
         None, "Lisa Mascaro, Mary Clare Jalonick and Eric Tucker"),
    case("layout-byline-camel-surname", page(before="<p>By Bryan DeArdo</p>"), None, "Bryan DeArdo"),
    case("layout-read-more-separated-follow-link",
         page(after="<p><a href='/author/x'>Read more from this author</a> | "
                    "<a href='https://social.example/x'>Follow @x</a></p>"),
         None),
    case("canonical-sibling-subdomain-is-same-site",
         page(head="<link rel='canonical' href='https://amp.republisher.example/2024/05/story/'>"), None),
    case("canonical-sibling-subdomain-public-suffix",
         page(head="<link rel='canonical' href='https://m.republisher.co.uk/a'>"), None,
         url="https://www.republisher.co.uk/a"),
    case("canonical-other-site-on-blog-platform",
         page(head="<link rel='canonical' href='https://origin.blogspot.com/a'>"), "origin.blogspot.com",
         url="https://copier.blogspot.com/a"),
    case("layout-page-wrapped-in-form",
         f"<html><body><form id='aspnetForm'><div class='story'>{BODY}<p>Fuente: ejemplo.es</p></div></form>"
         "</body></html>",
         "ejemplo.es"),
    case("layout-comment-form-is-chrome",
         page(tail="<form class='comment-form'><p>Source: spam.example</p></form>"), None),
    case("en-trap-code-not-a-host",
         page(after="<p>Keep reading target.innerText in Elm event decoders</p>"), None),
    case("rss-item-undeclared-namespace-prefix",
         "<item><title>T</title><media:thumbnail url='https://cdn.example/x.jpg'/>"
         "<source url='https://origin.example/rss'>Origin</source></item>",
         "origin.example"),
    case("no-claims-at-all", page(), None),
    case("empty-document", "", None),
]


@pytest.mark.parametrize(("html", "url", "known", "host", "author"), CASES)
def test_attribution_table(
    html: str, url: str, known: dict[str, str] | None, host: str | None, author: str | None
) -> None:
    attribution = parse_attribution(html, url, known_sources=known)
    assert (attribution.source_host, attribution.author) == (host, author), attribution.claims


def test_table_is_large_and_multilingual() -> None:
    languages = {param.id.split("-", 1)[0] for param in CASES}
    assert len(CASES) >= 100
    assert {"en", "fr", "de", "es", "it", "pt", "nl"} <= languages


def test_claims_record_kind_host_url_author_and_line() -> None:
    html = page(
        after="<p class='more'>Read more at <a href='http://origin.example/articles/576.html'>origin.example</a></p>"
        "<p class='credit'>Originally published by Hugo Becker on <a href='http://origin.example/'>Origin</a>.</p>"
    )
    attribution = parse_attribution(html, PAGE_URL)
    kinds = [(claim.kind, claim.host, claim.author) for claim in attribution.claims]
    assert kinds == [
        ("read_more", "origin.example", None),
        ("first_published", "origin.example", "Hugo Becker"),
    ]
    assert attribution.claims[0].line == "Read more at origin.example"
    # The article's URL is preferred over the home page the credit links to.
    assert attribution.source_url == "http://origin.example/articles/576.html"


def test_no_claim_names_the_page_own_site() -> None:
    html = page(after="<p>Source: www.republisher.example</p><p>Lire la suite sur <a href='/2/'>p. 2</a></p>")
    attribution = parse_attribution(html, PAGE_URL)
    # "Source:" stays a (host-less) credit line; a read-more link to the page's own site is no claim.
    assert [(claim.kind, claim.host, claim.url) for claim in attribution.claims] == [("source", None, None)]
    assert "Source: www.republisher.example" in attribution.credit_lines


def test_structured_claims_have_no_line() -> None:
    attribution = parse_attribution(
        page(head="<link rel='canonical' href='https://origin.example/a/'>"), PAGE_URL
    )
    assert [(c.kind, c.host, c.url, c.line) for c in attribution.claims] == [
        ("canonical", "origin.example", "https://origin.example/a/", None)
    ]


def test_credit_line_without_host_is_still_a_credit_line() -> None:
    attribution = parse_attribution(page(after="<p>Quelle: dpa</p>"), PAGE_URL)
    assert attribution.source_host is None
    assert "Quelle: dpa" in attribution.credit_lines


def test_repair_split_entities() -> None:
    assert repair_split_entities("PLATEFORME:&\n#0160;PSST.FR") == "PLATEFORME:\u00a0PSST.FR"
    assert repair_split_entities("A &\n\n#x41; B") == "A A B"
    assert repair_split_entities("fish &\nchips;") == "fish &\nchips;"  # not an entity: left alone
    assert repair_split_entities("Tom &\nJerry") == "Tom &\nJerry"


def test_strip_attribution_removes_credits_repeats_and_entities() -> None:
    attribution = Attribution(
        claims=(),
        source_host=None,
        source_url=None,
        author=None,
        credit_lines=frozenset({"Source: origin.example", "By Jane Doe", "ACCÈS: X.FR"}),
    )
    text = (
        "By  Jane Doe\n\nFirst paragraph.\n\nSecond.\n\nSecond.\n\n"
        "Third.\nSOURCE: ORIGIN.EXAMPLE\n\nACCÈS:&\n#0160;X.FR"
    )
    assert strip_attribution(text, attribution) == "First paragraph.\n\nSecond.\n\nThird."


def test_strip_attribution_keeps_short_non_adjacent_repeats_and_drops_long_ones() -> None:
    empty = parse_attribution("", PAGE_URL)
    assert strip_attribution("Chorus.\n\nVerse.\n\nChorus.", empty) == "Chorus.\n\nVerse.\n\nChorus."
    long = " ".join(["word"] * 30)
    assert strip_attribution(f"{long}\n\nShort.\n\n{long}", empty) == f"{long}\n\nShort."


def test_tail_notices_after_a_credit_are_credit_lines_but_short_body_lines_before_are_not() -> None:
    html = page(
        article="<p>Tour dates</p><p>June 9 – Tampa</p>",
        after="<p>Source: origin.example</p><p>Join our newsletter!</p>",
    )
    attribution = parse_attribution(html, PAGE_URL)
    assert {"Source: origin.example", "Join our newsletter!"} <= attribution.credit_lines
    assert "June 9 – Tampa" not in attribution.credit_lines


def test_a_byline_above_a_short_article_does_not_make_it_a_footer() -> None:
    lines = "".join(f"<p>Short line number {n} of the poem.</p>" for n in range(8))
    html = f"<html><body><article><h1>Poem</h1><p>Source: origin.example</p>{lines}</article></body></html>"
    attribution = parse_attribution(html, PAGE_URL)
    assert attribution.source_host == "origin.example"
    assert attribution.credit_lines == {"Source: origin.example"}


def test_label_alone_and_its_value_line_are_both_credit_lines() -> None:
    html = page(after="<p><strong>Quelle:</strong></p><p>beispiel.de</p>")
    attribution = parse_attribution(html, PAGE_URL)
    assert attribution.source_host == "beispiel.de"
    assert {"Quelle:", "beispiel.de"} <= attribution.credit_lines


# --- The real PSST republication ------------------------------------------------------------------

PSST_URL = "http://www.psst.fr/2009/10/reseaux-sociaux-dentreprise-faut-il-commencer-par-un-pilote/"


def test_psst_page_fixture() -> None:
    html = (FIXTURES_DIR / "attribution" / "psst-republication.html").read_text(encoding="utf-8")
    attribution = parse_attribution(html, PSST_URL, known_sources={"Le blog d'USEO": "blog.useo.net"})
    assert attribution.source_host == "blog.useo.net"
    assert attribution.author == "Alexis Mouthon"
    assert {claim.kind for claim in attribution.claims} == {"read_more", "source", "author"}
    assert "ACCÈS DIRECT A LA PLATEFORME: PSST.FR" in attribution.credit_lines


def test_psst_page_text_stripped() -> None:
    html = (FIXTURES_DIR / "attribution" / "psst-republication.html").read_text(encoding="utf-8")
    attribution = parse_attribution(html, PSST_URL)
    page_text = shared_path("corpora", "psst-republication", "page.txt").read_text(encoding="utf-8")
    # The article's text as an extractor gives it: the page's lines up to the blank line before the
    # comment form ("Laisser un commentaire"), which an extractor leaves out as a comment section.
    article_lines = page_text.split("\n\n")[0].split("\n")
    stripped = strip_attribution("\n\n".join(article_lines), attribution)
    body = article_lines[: article_lines.index("Lire la suite sur: blog.useo.net")]
    assert body[-1] == body[-2]  # the republisher pasted the last paragraph twice
    assert stripped == "\n\n".join(body[:-1])
    for footer in (
        "SOURCE",
        "PAR:",
        "Lire la suite",
        "Rejoignez PSST",
        "www.psst.fr",
        "PSST.FR",
        "#0160;",
        "DIRIGÉE PAR",
        "UNE INITIATIVE DE",
        "AGENCE DE PLANNING",
    ):
        assert footer not in stripped


# --- Every republisher page of the shared syndication web -----------------------------------------


def _republications() -> list[dict[str, Any]]:
    truth = json.loads(shared_path("syndication-web", "truth.json").read_text(encoding="utf-8"))
    return list(truth["republications"])


def _site_file(url: str) -> Path:
    parts = urlsplit(url)
    path = shared_path(
        "syndication-web", "sites", parts.hostname or "", *[p for p in parts.path.split("/") if p]
    )
    return path / "index.html" if path.is_dir() else path


def test_shared_web_republications_claims() -> None:
    truth = json.loads(shared_path("syndication-web", "truth.json").read_text(encoding="utf-8"))
    known = {site["name"]: site["host"] for site in truth["sites"]}
    republications = _republications()
    assert republications
    mismatches = []
    for republication in republications:
        html = _site_file(republication["url"]).read_text(encoding="utf-8")
        attribution = parse_attribution(html, republication["url"], known_sources=known)
        claimed = republication["claimed"] or {"source_host": None, "author": None}
        got = (attribution.source_host, (attribution.author or "").casefold() or None)
        expected = (claimed["source_host"], (claimed["author"] or "").casefold() or None)
        if got != expected:
            mismatches.append((republication["url"], got, expected))
    assert not mismatches


# --- Properties over generated pages --------------------------------------------------------------

_HOSTS = ["origin.example", "www.republisher.example", "republisher.example", "blog.other.co.uk", "PSST.FR"]
_FRAGMENTS = st.one_of(
    st.sampled_from(
        [
            "Source: {h}", "SOURCE : {h}", "Quelle: <a href='https://{h}/a'>x</a>", "By Jane Doe",
            "PAR: alexis", "Lire la suite sur: {h}", "Originally published by Jane Doe on {h}", "Via {h}",
            "Par ailleurs, {h}", "DIRIGÉE PAR: Jérémy Dumont", "ACCÈS:&amp;<br>#0160;{h}", "Door de regen",
            "Bron: {h}", "&amp;", BODY, "<b>Fonte</b>:", "{h}",
        ]
    ),
    st.text(max_size=40),
)
_WRAPPERS = st.sampled_from(["<p>{}</p>", "<div class='comments'><p>{}</p></div>", "<nav>{}</nav>", "{}<br>"])


@st.composite
def generated_page(draw: st.DrawFn) -> tuple[str, str]:
    blocks = draw(st.lists(st.tuples(_FRAGMENTS, _WRAPPERS, st.sampled_from(_HOSTS)), max_size=12))
    body = "".join(wrapper.format(fragment.replace("{h}", host)) for fragment, wrapper, host in blocks)
    heads = ["", "<link rel='canonical' href='https://{h}/x'>", ld({"isBasedOn": "//{h}/"})]
    head = draw(st.sampled_from(heads))
    host = draw(st.sampled_from(_HOSTS))
    return page(article=body, head=head.replace("{h}", host)), draw(st.sampled_from(_HOSTS))


@settings(max_examples=300, deadline=None)
@given(generated_page())
def test_generated_pages_never_name_their_own_site(case: tuple[str, str]) -> None:
    html, page_host = case
    attribution = parse_attribution(html, f"https://{page_host.lower()}/story/")
    if attribution.source_host is not None:
        assert not same_site(attribution.source_host, page_host)
        assert attribution.source_host == attribution.source_host.lower()
    assert {claim.line for claim in attribution.claims if claim.line} <= attribution.credit_lines


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300), st.text(max_size=60))
def test_any_text_parses_and_strips_idempotently(html: str, url: str) -> None:
    attribution = parse_attribution(html, url)
    text = "\n\n".join(line for line in html.splitlines() if line.strip())
    once = strip_attribution(text, attribution)
    assert strip_attribution(once, attribution) == once

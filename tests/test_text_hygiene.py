"""NUL and other control characters never reach a stored string; charsets are read from the bytes."""

from __future__ import annotations

from sqlalchemy import select

from aggregator.extract.page import decode_html, html_encoding
from aggregator.textutil import strip_controls
from storage.engine import session_scope
from storage.feeds import FeedEntry, record_entries, upsert_feed
from storage.migrations import upgrade
from storage.sources import Source, upsert_source

FRENCH = "<html><head>{meta}<title>Crème brûlée à l’été</title></head><body><p>Déjà « voilà ».</p></body></html>"


def test_strip_controls_keeps_tab_newline_and_carriage_return() -> None:
    assert strip_controls("a\x00b\x07c\x1bd\x7fe\tf\ng\rh") == "ab" + "cde\tf\ng\rh"
    assert strip_controls("plain") == "plain"


def test_utf8_bytes_declared_latin1_are_read_as_utf8() -> None:
    body = FRENCH.format(meta='<meta charset="iso-8859-1">').encode("utf-8")
    assert html_encoding(body, "text/html; charset=iso-8859-1") == "utf-8"
    assert "Crème brûlée à l’été" in decode_html(body, "text/html; charset=iso-8859-1")


def test_cp1252_bytes_declared_utf8_in_header_and_meta_are_detected() -> None:
    body = FRENCH.format(meta='<meta charset="utf-8">').encode("cp1252")
    text = decode_html(body, "text/html; charset=utf-8")
    assert "Crème brûlée à l’été" in text and "Déjà « voilà »" in text


def test_honest_declarations_are_kept() -> None:
    latin = FRENCH.format(meta="").encode("cp1252")
    assert "Crème brûlée" in decode_html(latin, "text/html; charset=windows-1252")
    cyrillic = "<p>Привет, это страница в кодировке windows-1251</p>".encode("cp1251")
    assert "Привет" in decode_html(cyrillic, "text/html; charset=windows-1251")
    assert "Привет" in decode_html(cyrillic, "text/html; charset=utf-8")  # declared UTF-8, detected


def test_control_characters_are_stripped_under_every_statement(database_url: str) -> None:
    """On PostgreSQL a NUL in a text value fails the whole insert; here it is dropped whoever writes."""
    upgrade(database_url)
    with session_scope(database_url) as session:
        source_id = upsert_source(session, host="nul.example", name="Nul\x00 Blog\x07", home_url="http://nul.example/",
                                  role="partner", language="fr", sitemap_urls=[])
        feed_id = upsert_feed(session, source_id=source_id, url="http://nul.example/feed\x00.xml")
        record_entries(session, feed_id=feed_id, entries=[
            {"key": "k\x00", "url": "http://nul.example/a", "link": "http://nul.example/a\x00",
             "title": "Title\x00 with\x1b controls", "author": "A\x00n", "published": None, "updated": None,
             "content_hash": "0" * 64}])
    with session_scope(database_url) as session:
        source = session.scalars(select(Source).where(Source.host == "nul.example")).one()
        entry = session.scalars(select(FeedEntry)).one()
    assert source.name == "Nul Blog"
    assert (entry.entry_key, entry.title, entry.author, entry.link) == (
        "k", "Title with controls", "An", "http://nul.example/a")

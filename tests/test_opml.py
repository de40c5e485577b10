"""OPML import and export of the source list."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aggregator.sources.opml import OpmlOutline, read_opml, write_opml

FEEDLY_EXPORT = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.0" xmlns:agg="https://example.org/aggregator">
  <head><title>Subscriptions</title></head>
  <body>
    <outline text="Partners" title="Partners">
      <outline type="rss" text="Le blog d'USEO" title="Le blog d'USEO" xmlUrl="http://blog.useo.net/feed/"
               htmlUrl="http://blog.useo.net/" role="partner"/>
      <outline text="Deeper"><outline type="rss" text="Notes" xmlurl=" http://notes.example/feed.json "/></outline>
    </outline>
    <outline type="rss" text="Planet" xmlUrl="http://planet.example/atom.xml" agg:role="republisher"/>
    <outline type="link" text="No feed, just a site" url="http://copycat.example/"/>
    <outline text="Empty folder"/>
  </body>
</opml>"""


def test_read_opml_flattens_folders_and_reads_custom_role() -> None:
    assert read_opml(FEEDLY_EXPORT) == [
        OpmlOutline("Le blog d'USEO", "http://blog.useo.net/feed/", "http://blog.useo.net/", "partner", "Partners"),
        OpmlOutline("Notes", "http://notes.example/feed.json", None, None, "Partners/Deeper"),
        OpmlOutline("Planet", "http://planet.example/atom.xml", None, "republisher", None),
        OpmlOutline("No feed, just a site", None, "http://copycat.example/", None, None),
    ]


def test_round_trip() -> None:
    outlines = [
        OpmlOutline("A & B <blog>", "http://a.example/feed/", "http://a.example/", "partner", "Partners"),
        OpmlOutline(None, "http://b.example/rss", None, None, None),
        OpmlOutline("Site only", None, "http://c.example/", "republisher", "Others"),
        OpmlOutline("Another partner", "http://d.example/atom.xml", None, "partner", "Partners"),
    ]
    document = write_opml(outlines, "Sources")
    assert document.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert b'version="2.0"' in document and b"<title>Sources</title>" in document
    assert read_opml(document) == [outlines[0], outlines[3], outlines[1], outlines[2]]  # grouped by folder


def test_write_opml_rejects_outlines_without_urls_and_bad_text() -> None:
    with pytest.raises(ValueError, match="neither a feed URL nor a site URL"):
        write_opml([OpmlOutline("x", None, None)], "t")
    with pytest.raises(ValueError, match="control characters"):
        write_opml([OpmlOutline("bell\x07", "http://x.example/feed", None)], "t")


@pytest.mark.parametrize(("data", "message"), [
    (b"", "empty"),
    (b"   ", "empty"),
    (b"<opml><body>", "XML syntax error at line 1"),
    (b'<rss version="2.0"><channel/></rss>', "root element is <rss>"),
    (b'<opml version="2.0"><head/></opml>', "no <body>"),
    (b"\x00\x01binary", "XML syntax error"),
])
def test_bad_input_raises_value_error_with_a_clear_message(data: bytes, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        read_opml(data)


def test_entities_are_not_expanded() -> None:
    xxe = (b'<?xml version="1.0"?><!DOCTYPE o [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           b'<opml version="2.0"><body><outline text="&x;" xmlUrl="http://x.example/f"/></body></opml>')
    try:
        outlines = read_opml(xxe)
    except ValueError:
        return  # refusing the document is as safe as not expanding the entity
    assert all("root:" not in (outline.title or "") for outline in outlines)


def test_empty_body_is_an_empty_list() -> None:
    assert read_opml(b'<opml version="2.0"><head/><body/></opml>') == []


_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1).map(str.strip) \
    .filter(bool)
_url = st.from_regex(r"https?://[a-z]{1,10}\.example/[a-z0-9/]{0,10}", fullmatch=True)


@given(st.lists(st.builds(OpmlOutline, title=st.one_of(st.none(), _text), xml_url=_url,
                          html_url=st.one_of(st.none(), _url), role=st.one_of(st.none(), _text),
                          category=st.none()), max_size=8))
def test_round_trip_property(outlines: list[OpmlOutline]) -> None:
    assert read_opml(write_opml(outlines, "t")) == outlines


def test_sources_from_outlines_groups_feeds_by_site_and_keeps_feed_queries() -> None:
    from aggregator.sources.opml import OpmlOutline, sources_from_outlines

    outlines = [
        OpmlOutline(title="A", xml_url="http://a.example/feed?url=https://x.example/y", html_url=None),
        OpmlOutline(title="A comments", xml_url="http://a.example/comments/feed", html_url="http://a.example/",
                    role="republisher"),
        OpmlOutline(title="Folder only", xml_url=None, html_url=None),
        OpmlOutline(title="B", xml_url="ftp://b.example/feed", html_url="http://b.example/"),
    ]
    specs, skipped = sources_from_outlines(outlines, "partner")
    by_host = {spec.host: spec for spec in specs}
    assert skipped == 1
    assert by_host["a.example"].feeds == ("http://a.example/feed?url=https://x.example/y",
                                          "http://a.example/comments/feed")
    assert by_host["a.example"].name == "A"
    assert by_host["a.example"].role == "republisher"  # the last outline's explicit role
    assert by_host["b.example"].feeds == () and by_host["b.example"].role == "partner"

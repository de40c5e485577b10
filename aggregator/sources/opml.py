"""OPML import and export of the source list (OPML 2.0, read leniently: any version, nested folders)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree

from aggregator.sources.file import SourceSpec
from aggregator.urls import host_of, requestable_url, try_normalise_url
from storage.sources import ROLES

ROLE_ATTRIBUTE = "role"  # our custom outline attribute, e.g. role="partner" or role="republisher"


@dataclass(frozen=True)
class OpmlOutline:
    """One source of an OPML file: its feed and/or site, and where it sat in the file's folders."""

    title: str | None
    xml_url: str | None
    html_url: str | None
    role: str | None = None
    category: str | None = None  # the enclosing folder outlines' titles, joined with "/"


def read_opml(data: bytes) -> list[OpmlOutline]:
    """The outlines of an OPML document that name a feed (xmlUrl) or a site (htmlUrl/url), in order.

    Folders (outlines without URLs) are flattened into `category`. Attribute names are matched
    without regard to case or namespace, as exporters differ. Raises ValueError, saying what is
    wrong, when `data` is not an OPML document.
    """
    if not data.strip():
        raise ValueError("not OPML: the document is empty")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"not OPML: XML syntax error at line {exc.lineno}: {exc.msg}") from exc
    if _local(root) != "opml":
        raise ValueError(f"not OPML: the root element is <{_local(root)}>, not <opml>")
    body = next((child for child in root if _local(child) == "body"), None)
    if body is None:
        raise ValueError("not OPML: the document has no <body>")
    outlines: list[OpmlOutline] = []
    _collect(body, (), outlines)
    return outlines


def write_opml(outlines: Iterable[OpmlOutline], title: str) -> bytes:
    """An OPML 2.0 document (UTF-8 bytes) listing `outlines`, in folders by category, in order.

    Raises ValueError for an outline with neither a feed nor a site URL, or text XML cannot hold.
    """
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    body = etree.SubElement(root, "body")
    folders: dict[str, etree._Element] = {}
    try:
        etree.SubElement(head, "title").text = title
        for outline in outlines:
            if not outline.xml_url and not outline.html_url:
                raise ValueError(f"OPML outline {outline.title!r} has neither a feed URL nor a site URL")
            parent = body
            if outline.category:
                if outline.category not in folders:
                    folders[outline.category] = etree.SubElement(
                        body, "outline", text=outline.category, title=outline.category)
                parent = folders[outline.category]
            etree.SubElement(parent, "outline", _attributes(outline))
    except ValueError as exc:
        if "XML compatible" in str(exc):  # lxml's message for control characters
            raise ValueError(f"cannot write OPML: {exc} (control characters are not allowed)") from exc
        raise
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def _attributes(outline: OpmlOutline) -> dict[str, str]:
    label = outline.title or outline.xml_url or outline.html_url or ""
    attributes = {"type": "rss" if outline.xml_url else "link", "text": label}
    if outline.title:
        attributes["title"] = outline.title
    if outline.xml_url:
        attributes["xmlUrl"] = outline.xml_url
    if outline.html_url:
        attributes["htmlUrl"] = outline.html_url
    if outline.role:
        attributes[ROLE_ATTRIBUTE] = outline.role
    return attributes


def _collect(parent: etree._Element, folders: tuple[str, ...], out: list[OpmlOutline]) -> None:
    for node in parent:
        if _local(node) != "outline":
            continue
        attributes = {etree.QName(name).localname.lower(): value.strip() for name, value in node.attrib.items()}
        xml_url = attributes.get("xmlurl") or None
        html_url = attributes.get("htmlurl") or (attributes.get("url") if not xml_url else None) or None
        title = attributes.get("title") or attributes.get("text") or None
        if title in (xml_url, html_url):
            title = None  # exporters put the URL in the required text attribute when there is no title
        if xml_url or html_url:
            out.append(OpmlOutline(title=title, xml_url=xml_url, html_url=html_url,
                                   role=attributes.get(ROLE_ATTRIBUTE) or None,
                                   category="/".join(folders) or None))
            _collect(node, folders, out)  # rare, but some files nest feeds under a feed
        else:
            _collect(node, (*folders, title) if title else folders, out)


def _local(node: etree._Element) -> str:
    return etree.QName(node).localname if isinstance(node.tag, str) else ""


def sources_from_outlines(outlines: Iterable[OpmlOutline], default_role: str) -> tuple[list[SourceSpec], int]:
    """One source spec per site of the outlines (feeds of one site gathered), and how many outlines
    named no usable URL. A site's home is the outline's htmlUrl, else the feed host's root."""
    specs: dict[str, SourceSpec] = {}
    skipped = 0
    for outline in outlines:
        feed = requestable_url(outline.xml_url)
        home = try_normalise_url(outline.html_url) or (f"{feed.split('://')[0]}://{host_of(feed)}/" if feed else None)
        if not home:
            skipped += 1
            continue
        host = host_of(home)
        previous = specs.get(host)
        feeds = (previous.feeds if previous else ()) + ((feed,) if feed else ())
        specs[host] = SourceSpec(
            name=(previous.name if previous else None) or outline.title or host, home=home, host=host,
            role=outline.role if outline.role in ROLES else default_role, feeds=tuple(dict.fromkeys(feeds)),
        )
    return list(specs.values()), skipped


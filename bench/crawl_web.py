"""A generated syndication web for crawl benchmarks: partner blogs, republishers, feeds, sitemaps.

`build_web(workdir, pages=N, seed=S)` writes, deterministically from the seed:

- N article pages: 80% originals on 50 partner blogs, 20% copies on 10 republishers (fewer
  sites for tiny N). Originals are made of real sentences (`bench.crawl_text`), two originals
  sharing at most one sentence. Copies are full, excerpts (the leading 20–50% of the words, at
  least MIN_EXCERPT_WORDS, cut at a paragraph or sentence end) or
  edited (about 10% of the words changed and/or a paragraph dropped, sometimes a new title), with
  an attribution line in the republisher's language ("Source: host", "Originally published at",
  "Quelle:", "Lire la suite sur", ...), a cross-domain rel=canonical, a line naming the wrong
  site, or nothing; wrapped in the republisher's own header, navigation, sidebar, subscribe
  blocks and footer.
- Per site: a template (modern HTML5 <article>, an old table and <br> layout, WordPress-like), a
  URL scheme, a feed (RSS 2.0, Atom or JSON Feed) of the newest entries, sitemaps listing every
  page (single, yearly index, or WordPress-style chunks), a paginated home listing, robots.txt
  (with a disallowed page that exists) and a Last-Modified time on every file.
- ``web/sites/<host>/<path>``: the files, served by `bench.web_server --root`;
  ``web/articles.jsonl`` and ``web/copies.jsonl``: what a correct crawl finds, with the file of
  every page (for the extraction baseline); ``web/manifest.json``; ``web/sources.yaml``.

Generation streams: pages are written as they are made, only small per-site metadata is kept,
so 50,000 pages take little memory.
"""

from __future__ import annotations

import json
import math
import os
import random
import re
import shutil
import time
import unicodedata
from collections import deque
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path
from typing import Any

from bench import web_server
from bench.crawl_text import SentenceStream, TextPool, load_text_pool, split_sentences

GENERATOR_VERSION = 2
PARTNERS, REPUBLISHERS = 50, 10
ORIGINAL_SHARE = 0.8
FEED_ENTRIES = 20
MAX_SENTENCES = 48
MIN_EXCERPT_WORDS = 50
"""An excerpt keeps at least this many words (a sentence or two is a quotation, not a republication)."""
FIRST_DAY = datetime(2019, 1, 1, tzinfo=UTC)
LAST_DAY = datetime(2024, 6, 1, tzinfo=UTC)
REPO_ROOT = Path(__file__).resolve().parent.parent


def default_corpora() -> Path:
    """corpora/ in the shared test data beside the project (as the tests find it)."""
    return REPO_ROOT.parent / "shared" / "corpora"


# --------------------------------------------------------------------------------------------------
# Sites

LAYOUTS = ("modern", "table", "wordpress")
FEED_FORMATS = ("rss", "atom", "json")
FEED_PATHS = {"rss": ("/feed/", "/rss.xml"), "atom": ("/atom.xml", "/feed.atom"), "json": ("/feed.json",)}
PARTNER_URLS = ("dated", "posts", "numbered", "archives")
COPY_URLS = ("dated", "story", "numbered", "slug")
LISTINGS = ("/page/{n}/", "/archive/page-{n}.html", "/older/{n}/")
SITEMAPS = ("single", "yearly", "wp")
FORBIDDEN = ("/wp-admin/", "/private/drafts.html", "/search/", "/admin/")
REPUBLISHER_LANGUAGES = ("en", "fr", "de", "en", "es", "fr", "it", "nl", "en", "de")

_WORDS_A = ("quiet", "northern", "open", "little", "copper", "green", "slow", "bright", "hidden", "paper",
            "iron", "silver", "wild", "late", "urban", "distant", "steady", "plain", "amber", "hollow")
_WORDS_B = ("harbour", "ledger", "lantern", "field", "signal", "garden", "orbit", "circuit", "compass", "meadow",
            "river", "workshop", "archive", "notebook", "bridge", "pixel", "forge", "atlas", "harvest", "station")
_HOST_PREFIXES = ("blog.", "www.", "", "notes.", "")
_REPUBLISHER_NAMES = (
    ("dailydigest", "The Daily Digest"), ("revue-du-net", "La Revue du Net"), ("netzschau", "Netzschau"),
    ("thereadinglist", "The Reading List"), ("eco-de-la-red", "Eco de la Red"), ("le-kiosque", "Le Kiosque"),
    ("rassegna-web", "Rassegna Web"), ("webkrant", "De Webkrant"), ("linkharvest", "Link Harvest"),
    ("leseecke", "Die Leseecke"), ("morningbrief", "Morning Brief"), ("la-veille", "La Veille"),
)
_FIRST_NAMES = ("Alice", "Ben", "Chiara", "Daniel", "Elena", "Farid", "Grace", "Hiroshi", "Ines", "Jonas",
                "Kavya", "Liam", "Mariana", "Noah", "Olga", "Pedro", "Qiu", "Rosa", "Samir", "Tessa", "Uma",
                "Viktor", "Wen", "Yara", "Zoe", "Amara", "Bruno", "Camille", "Dmitri", "Esther")
_LAST_NAMES = ("Okafor", "Lindqvist", "Moreau", "Tanaka", "Hughes", "Kowalski", "Ferreira", "Novak", "Haddad",
               "Schneider", "Rossi", "O'Brien", "Nguyen", "Petrov", "García", "Mensah", "Dubois", "Fischer",
               "Kaur", "Andersen", "Silva", "Yilmaz", "Walsh", "Bianchi", "Larsen", "Costa", "Ivanova", "Park")


@dataclass(frozen=True)
class Site:
    """One generated site and how it presents itself."""

    host: str
    name: str
    role: str  # "partner" or "republisher"
    language: str
    layout: str
    feed_format: str
    feed_path: str
    url_scheme: str
    listing: str
    page_size: int
    sitemap: str
    declare_feed: bool
    declare_sitemap: bool
    forbidden: str
    staff: tuple[str, ...]
    json_ld: bool

    @property
    def home(self) -> str:
        """The home page URL."""
        return f"http://{self.host}/"

    @property
    def feed_url(self) -> str:
        """The feed's URL."""
        return f"http://{self.host}{self.feed_path}"

    @property
    def sitemap_url(self) -> str:
        """The top sitemap's URL (an index for the yearly and WordPress styles)."""
        return f"http://{self.host}{'/wp-sitemap.xml' if self.sitemap == 'wp' else '/sitemap.xml'}"


def plan_sites(partners: int, republishers: int, rng: random.Random) -> list[Site]:
    """Partner blogs, then republishers, each with its own template, feed dialect and URL scheme."""
    sites = []
    pairs = [(a, b) for a in _WORDS_A for b in _WORDS_B]
    rng.shuffle(pairs)
    for i in range(partners):
        a, b = pairs[i]
        feed_format = FEED_FORMATS[(i + i // 3) % 3]
        sites.append(Site(
            host=f"{_HOST_PREFIXES[i % len(_HOST_PREFIXES)]}{a}{b}.example", name=f"{a.title()} {b.title()}",
            role="partner", language="en", layout=LAYOUTS[i % 3], feed_format=feed_format,
            feed_path=rng.choice(FEED_PATHS[feed_format]), url_scheme=PARTNER_URLS[i % 4],
            listing=LISTINGS[i % 3], page_size=rng.randrange(10, 26), sitemap=SITEMAPS[(i // 2) % 3],
            declare_feed=i % 5 != 4, declare_sitemap=i % 2 == 0, forbidden=FORBIDDEN[i % 4],
            staff=_people(rng, rng.randrange(1, 7)), json_ld=i % 2 == 1,
        ))
    for i in range(republishers):
        slug, name = _REPUBLISHER_NAMES[i % len(_REPUBLISHER_NAMES)]
        feed_format = FEED_FORMATS[(i + 1) % 3]
        suffix = "" if i < len(_REPUBLISHER_NAMES) else str(i)
        sites.append(Site(
            host=f"www.{slug}{suffix}.example", name=name, role="republisher",
            language=REPUBLISHER_LANGUAGES[i % len(REPUBLISHER_LANGUAGES)], layout=LAYOUTS[(i + 1) % 3],
            feed_format=feed_format, feed_path=FEED_PATHS[feed_format][0], url_scheme=COPY_URLS[i % 4],
            listing=LISTINGS[(i + 1) % 3], page_size=rng.randrange(15, 31), sitemap=SITEMAPS[i % 3],
            declare_feed=i % 4 != 3, declare_sitemap=i % 2 == 1, forbidden=FORBIDDEN[(i + 2) % 4],
            staff=_people(rng, 2), json_ld=False,
        ))
    return sites


def _people(rng: random.Random, count: int) -> tuple[str, ...]:
    names: list[str] = []
    while len(names) < count:
        name = f"{rng.choice(_FIRST_NAMES)} {rng.choice(_LAST_NAMES)}"
        if name not in names:
            names.append(name)
    return tuple(names)


# --------------------------------------------------------------------------------------------------
# Words of the page chrome, per language

CHROME: dict[str, dict[str, str]] = {
    "en": {"home": "Home", "archive": "Archive", "about": "About us", "contact": "Contact", "search": "Search",
           "older": "Older posts", "newer": "Newer posts", "recent": "Recent posts", "related": "You may also like",
           "share": "Share this article:", "by": "By", "posted": "Posted on", "in": "in",
           "subscribe": "Get the best stories in your inbox every morning. Subscribe to our free newsletter.",
           "trending": "Trending now", "rights": "All rights reserved.", "comments": "Comments",
           "cookie": "We use cookies to measure our audience.", "accept": "Accept", "tags": "Tags",
           "latest": "Latest stories", "note": "Editor's note: this article has been shortened.",
           "staff": "Curated by"},
    "fr": {"home": "Accueil", "archive": "Archives", "about": "Qui sommes-nous", "contact": "Contact",
           "search": "Rechercher", "older": "Articles plus anciens", "newer": "Articles plus récents",
           "recent": "Articles récents", "related": "À lire aussi", "share": "Partager cet article :",
           "by": "Par", "posted": "Publié le", "in": "dans",
           "subscribe": "Recevez chaque matin le meilleur du web. Inscrivez-vous à notre lettre gratuite.",
           "trending": "Les plus lus", "rights": "Tous droits réservés.", "comments": "Commentaires",
           "cookie": "Ce site utilise des cookies pour mesurer son audience.", "accept": "Accepter",
           "tags": "Mots-clés", "latest": "Les derniers articles",
           "note": "Note de la rédaction : cet article a été raccourci.", "staff": "Sélectionné par"},
    "de": {"home": "Startseite", "archive": "Archiv", "about": "Über uns", "contact": "Kontakt", "search": "Suche",
           "older": "Ältere Beiträge", "newer": "Neuere Beiträge", "recent": "Neueste Beiträge",
           "related": "Das könnte Sie auch interessieren", "share": "Artikel teilen:", "by": "Von",
           "posted": "Veröffentlicht am", "in": "in",
           "subscribe": "Jeden Morgen das Beste aus dem Netz. Jetzt den kostenlosen Newsletter abonnieren.",
           "trending": "Meistgelesen", "rights": "Alle Rechte vorbehalten.", "comments": "Kommentare",
           "cookie": "Wir verwenden Cookies zur Reichweitenmessung.", "accept": "Akzeptieren",
           "tags": "Schlagworte", "latest": "Neu im Archiv",
           "note": "Anmerkung der Redaktion: Dieser Artikel wurde gekürzt.", "staff": "Ausgewählt von"},
    "es": {"home": "Inicio", "archive": "Archivo", "about": "Quiénes somos", "contact": "Contacto",
           "search": "Buscar", "older": "Entradas anteriores", "newer": "Entradas más recientes",
           "recent": "Entradas recientes", "related": "También te puede interesar", "share": "Compartir:",
           "by": "Por", "posted": "Publicado el", "in": "en",
           "subscribe": "Lo mejor de la red cada mañana en tu correo. Suscríbete a nuestro boletín gratuito.",
           "trending": "Lo más leído", "rights": "Todos los derechos reservados.", "comments": "Comentarios",
           "cookie": "Usamos cookies para medir nuestra audiencia.", "accept": "Aceptar", "tags": "Etiquetas",
           "latest": "Lo último", "note": "Nota de la redacción: este artículo ha sido abreviado.",
           "staff": "Seleccionado por"},
    "it": {"home": "Home", "archive": "Archivio", "about": "Chi siamo", "contact": "Contatti", "search": "Cerca",
           "older": "Articoli precedenti", "newer": "Articoli successivi", "recent": "Articoli recenti",
           "related": "Potrebbe interessarti anche", "share": "Condividi:", "by": "Di",
           "posted": "Pubblicato il", "in": "in",
           "subscribe": "Il meglio del web ogni mattina nella tua casella. Iscriviti alla newsletter gratuita.",
           "trending": "I più letti", "rights": "Tutti i diritti riservati.", "comments": "Commenti",
           "cookie": "Usiamo i cookie per misurare il pubblico.", "accept": "Accetta", "tags": "Tag",
           "latest": "Gli ultimi articoli", "note": "Nota della redazione: questo articolo è stato accorciato.",
           "staff": "A cura di"},
    "nl": {"home": "Home", "archive": "Archief", "about": "Over ons", "contact": "Contact", "search": "Zoeken",
           "older": "Oudere berichten", "newer": "Nieuwere berichten", "recent": "Recente berichten",
           "related": "Misschien ook interessant", "share": "Deel dit artikel:", "by": "Door",
           "posted": "Gepubliceerd op", "in": "in",
           "subscribe": "Elke ochtend het beste van het web in je inbox. Schrijf je in voor onze gratis nieuwsbrief.",
           "trending": "Meest gelezen", "rights": "Alle rechten voorbehouden.", "comments": "Reacties",
           "cookie": "Wij gebruiken cookies om ons bereik te meten.", "accept": "Accepteren", "tags": "Tags",
           "latest": "Het laatste nieuws", "note": "Noot van de redactie: dit artikel is ingekort.",
           "staff": "Geselecteerd door"},
}
_MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"),
    "de": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
           "November", "Dezember"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
           "noviembre", "diciembre"),
    "it": ("gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre",
           "ottobre", "novembre", "dicembre"),
    "nl": ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
           "november", "december"),
}
_COMMENTS = ("Great write-up, thanks for sharing.", "I had the same experience last year.",
             "Could you say more about how you measured this?", "Bookmarked.", "This matches what I have seen.",
             "Interesting, but I am not fully convinced.", "Thanks, very helpful!")

# Attribution lines per language: (style, template, names the author). $host, $url, $author.
CREDITS: dict[str, tuple[tuple[str, str, bool], ...]] = {
    "en": (("source", '<p class="source">Source: $host</p>', False),
           ("source-by", '<p class="credit">Source: $host<br>By: $author</p>', True),
           ("originally", '<p><em>This article was originally published at <a href="$url">$host</a>.</em></p>', False),
           ("read-more", '<p class="read-more"><a href="$url">Read the full article at $host</a></p>', False)),
    "fr": (("source", '<p class="source">SOURCE : $host<br>PAR : $author</p>', True),
           ("lire-la-suite", '<p class="suite">Lire la suite sur : <a href="$url">$host</a></p>', False),
           ("initialement", "<p><em>Cet article a été initialement publié sur $host.</em></p>", False)),
    "de": (("quelle", '<p class="quelle">Quelle: <a href="$url">$host</a></p>', False),
           ("quelle-text", '<p class="quelle">Quelle: $host<br>Text: $author</p>', True),
           ("zuerst", "<p>Dieser Beitrag erschien zuerst auf $host.</p>", False)),
    "es": (("fuente", '<p class="fuente">Fuente: $host</p>', False),
           ("leer-mas", '<p><a href="$url">Leer más en $host</a></p>', False),
           ("publicado", "<p><em>Publicado originalmente en $host por $author.</em></p>", True)),
    "it": (("fonte", '<p class="fonte">Fonte: $host</p>', False),
           ("leggi", '<p><a href="$url">Leggi tutto su $host</a></p>', False)),
    "nl": (("bron", '<p class="bron">Bron: $host</p>', False),
           ("lees-verder", '<p><a href="$url">Lees verder op $host</a></p>', False)),
}

# A line naming a partner that is not the origin (verdict "wrong").
WRONG_CREDIT = {"en": "Source:", "fr": "Source :", "de": "Quelle:", "es": "Fuente:", "it": "Fonte:", "nl": "Bron:"}


# --------------------------------------------------------------------------------------------------
# Plan and truth records

@dataclass
class Original:
    """A partner article, as planned."""

    index: int
    site: int
    published: datetime
    url: str = ""
    path: str = ""


@dataclass
class CopyPlan:
    """A republication, as planned."""

    index: int
    site: int
    original: int
    kind: str  # full, excerpt, edited
    credit: str  # a CREDITS style, "canonical", "none" or "wrong"
    published: datetime
    wrong_host: str = ""


@dataclass
class Entry:
    """What listings, feeds and sitemaps need of a page."""

    url: str
    title: str
    author: str
    published: datetime
    summary: str
    content: str = ""  # HTML paragraphs, kept for the newest entries only


@dataclass
class SiteState:
    """A site while the web is written: its entries and its recent links."""

    site: Site
    entries: list[Entry] = field(default_factory=list)
    recent: deque[tuple[str, str]] = field(default_factory=lambda: deque(maxlen=5))
    paths: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Web:
    """A generated web on disk."""

    root: Path  # WORKDIR/web
    manifest: dict[str, Any]

    @property
    def sites_dir(self) -> Path:
        """The folder `bench.web_server --root` serves."""
        return self.root / "sites"

    @property
    def sources_file(self) -> Path:
        """The sources file for `aggregator sources import`."""
        return self.root / "sources.yaml"

    def originals(self) -> Iterator[dict[str, Any]]:
        """The originals' records (articles.jsonl)."""
        yield from _read_jsonl(self.root / "articles.jsonl")

    def copies(self) -> Iterator[dict[str, Any]]:
        """The copies' records (copies.jsonl)."""
        yield from _read_jsonl(self.root / "copies.jsonl")


def _read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def load_web(workdir: Path) -> Web | None:
    """The web already generated in ``workdir``, or None."""
    manifest = workdir / "web" / "manifest.json"
    if not manifest.is_file():
        return None
    return Web(workdir / "web", json.loads(manifest.read_text(encoding="utf-8")))


def ensure_web(workdir: Path, *, pages: int, seed: int, corpora: Path | None = None) -> tuple[Web, bool]:
    """The web of ``pages`` and ``seed`` in ``workdir``: reused when it is there, else built.

    Returns (web, reused).
    """
    web = load_web(workdir)
    if web is not None and web.manifest.get("complete") and web.manifest.get("version") == GENERATOR_VERSION \
            and web.manifest.get("pages") == pages and web.manifest.get("seed") == seed:
        return web, True
    return build_web(workdir, pages=pages, seed=seed, corpora=corpora), False


def build_web(workdir: Path, *, pages: int, seed: int = 1, corpora: Path | None = None,
              cache_dir: Path | None = None, with_text: bool = False) -> Web:
    """Generate a web of ``pages`` article pages into ``workdir/web`` (replacing any there).

    ``cache_dir`` keeps the sentence pool between runs (default: .bench/ in the project);
    ``with_text`` adds every page's body text to its record (paragraphs separated by a blank line).
    """
    started = time.perf_counter()
    corpora = corpora or default_corpora()
    if not (corpora / "real-feeds" / "feeds.json").is_file():
        raise FileNotFoundError(f"the real-text corpora are not at {corpora} (give --corpora)")
    pool = load_text_pool(corpora, seed, cache_dir if cache_dir is not None else REPO_ROOT / ".bench")
    root = workdir / "web"
    if root.exists():
        shutil.rmtree(root)
    (root / "sites").mkdir(parents=True)
    writer = _Writer(root, pool, pages, seed, with_text)
    counts = writer.write()
    manifest = {
        "version": GENERATOR_VERSION, "seed": seed, "pages": pages, **counts,
        "sites": [asdict(site) | {"home": site.home, "feed": site.feed_url, "sitemap_url": site.sitemap_url}
                  for site in writer.sites],
        "generation_seconds": round(time.perf_counter() - started, 2), "complete": True,
    }
    (root / "sources.yaml").write_text(sources_yaml(writer.sites), encoding="utf-8")
    (root / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False), encoding="utf-8")
    return Web(root, manifest)


def sources_yaml(sites: list[Site]) -> str:
    """The sites as a sources file; some feeds and sitemaps are left for the crawler to discover."""
    lines = ["sources:"]
    for site in sites:
        lines += [f"  - name: {json.dumps(site.name, ensure_ascii=False)}", f"    home: {site.home}",
                  f"    role: {site.role}", f"    language: {site.language}"]
        if site.declare_feed:
            lines.append(f"    feeds: [{site.feed_url}]")
        if site.declare_sitemap:
            lines.append(f"    sitemaps: [{site.sitemap_url}]")
    return "\n".join(lines) + "\n"


@contextmanager
def serve_web(web: Web, *, log_path: Path | None = None) -> Iterator[web_server.RunningServer]:
    """Serve ``web`` from a separate process on loopback; yields the server (its ``proxy`` URL)."""
    with web_server.serve("--root", str(web.sites_dir), log_path=log_path) as server:
        yield server


# --------------------------------------------------------------------------------------------------
# Writing the web

class _Writer:
    """Plans the web, then writes every page, listing, feed and sitemap."""

    def __init__(self, root: Path, pool: TextPool, pages: int, seed: int, with_text: bool) -> None:
        self.root, self.pool, self.pages, self.seed, self.with_text = root, pool, pages, seed, with_text
        self.rng = random.Random(f"{seed}-plan")
        self.text_rng = random.Random(f"{seed}-text")
        originals = round(pages * ORIGINAL_SHARE) if pages > 1 else pages
        copies = pages - originals
        partners = min(PARTNERS, max(1, originals // 8))
        republishers = min(REPUBLISHERS, max(1, copies // 4)) if copies else 0
        self.sites = plan_sites(partners, republishers, self.rng)
        self.states = [SiteState(site) for site in self.sites]
        self.originals = self._plan_originals(originals, partners)
        self.copies_of = self._plan_copies(copies, partners, republishers)
        language = pool.languages()[0]
        self.sentences = SentenceStream(pool.sentences[language], random.Random(f"{seed}-strides"), MAX_SENTENCES)
        self.titles = pool.titles.get(language, ())
        self.language = language
        self.bytes = 0

    def _plan_originals(self, count: int, partners: int) -> list[Original]:
        weights = [self.rng.uniform(0.5, 1.5) for _ in range(partners)]
        total = sum(weights)
        shares = [count * w / total for w in weights]
        counts = [int(s) for s in shares]
        for i in sorted(range(partners), key=lambda i: counts[i] - shares[i])[: count - sum(counts)]:
            counts[i] += 1
        span = (LAST_DAY - FIRST_DAY).total_seconds()
        planned = [(FIRST_DAY + timedelta(seconds=int(self.rng.random() * span)), site)
                   for site, n in enumerate(counts) for _ in range(n)]
        planned.sort()
        return [Original(index, site, moment) for index, (moment, site) in enumerate(planned)]

    def _plan_copies(self, count: int, partners: int, republishers: int) -> dict[int, list[CopyPlan]]:
        copies_of: dict[int, list[CopyPlan]] = {}
        taken: set[tuple[int, int]] = set()
        for index in range(count):
            while True:
                original = self.rng.randrange(len(self.originals))
                site = partners + self.rng.randrange(republishers)
                if (site, original) not in taken or len(taken) >= len(self.originals) * republishers:
                    break
            taken.add((site, original))
            kind = self.rng.choices(("full", "excerpt", "edited"), weights=(45, 30, 25))[0]
            language = self.sites[site].language
            styles = [style for style, _, _ in CREDITS[language]]
            credit = self.rng.choices(["credit", "canonical", "none", "wrong"], weights=(70, 10, 15, 5))[0]
            if credit == "credit":
                credit = self.rng.choice(styles)
            wrong = ""
            if credit == "wrong" and partners > 1:
                other = self.rng.randrange(partners - 1)
                wrong = self.sites[other if other < self.originals[original].site else other + 1].host
            elif credit == "wrong":
                credit = "none"
            delay = timedelta(hours=self.rng.randrange(2, 240), minutes=self.rng.randrange(60))
            plan = CopyPlan(index, site, original, kind, credit, self.originals[original].published + delay, wrong)
            copies_of.setdefault(original, []).append(plan)
        return copies_of

    # -- the pass over every article ---------------------------------------------------------

    def write(self) -> dict[str, Any]:
        with (self.root / "articles.jsonl").open("w", encoding="utf-8") as articles, \
                (self.root / "copies.jsonl").open("w", encoding="utf-8") as copies:
            for original in self.originals:
                record, paragraphs = self._write_original(original)
                articles.write(json.dumps(record, ensure_ascii=False) + "\n")
                record.pop("text", None)
                for plan in self.copies_of.get(original.index, []):
                    copies.write(json.dumps(self._write_copy(plan, record, paragraphs), ensure_ascii=False) + "\n")
        for state in self.states:
            self._write_site_files(state)
        return {
            "originals": len(self.originals), "copies": sum(len(c) for c in self.copies_of.values()),
            "partners": sum(s.role == "partner" for s in self.sites),
            "republishers": sum(s.role == "republisher" for s in self.sites),
            "language": self.language, "sentence_pool": len(self.sentences.sentences),
            "sentence_passes": self.sentences.passes, "bytes": self.bytes,
        }

    def _title(self, index: int) -> str:
        if self.titles:
            title = self.titles[index % len(self.titles)]
            round_ = index // len(self.titles)
            if round_:
                title = f"{title}: {_TITLE_SEQUELS[(round_ - 1) % len(_TITLE_SEQUELS)]}"
                if round_ > len(_TITLE_SEQUELS):
                    title += f" ({round_ // len(_TITLE_SEQUELS) + 1})"
            return title
        return f"Notes {index}"

    def _write_original(self, original: Original) -> tuple[dict[str, Any], list[str]]:
        rng = self.text_rng
        state = self.states[original.site]
        site = state.site
        count = max(5, min(MAX_SENTENCES, round(rng.lognormvariate(math.log(17), 0.45))))
        paragraphs = _paragraphs(self.sentences.take(count), rng)
        title = self._title(original.index)
        author = rng.choice(site.staff)
        number = 1000 + original.index
        path = _unique_path(state, _partner_path(site, number, title, original.published))
        original.url, original.path = f"http://{site.host}{path}", path
        lead = paragraphs[0]
        html = _render_partner(site, title=title, author=author, published=original.published, url=original.url,
                               paragraphs=paragraphs, related=list(state.recent), number=number,
                               comments=[(rng.choice(_FIRST_NAMES), rng.choice(_COMMENTS))
                                         for _ in range(rng.randrange(0, 4))])
        file = self._write_page(site.host, path, html, original.published)
        state.recent.appendleft((original.url, title))
        state.entries.append(Entry(original.url, title, author, original.published, _summary(lead),
                                   _paragraphs_html(paragraphs)))
        if len(state.entries) > FEED_ENTRIES:
            state.entries[-FEED_ENTRIES - 1].content = ""
        record = {"url": original.url, "site": site.host, "title": title, "author": author,
                  "published": original.published.isoformat(), "language": self.language, "file": file,
                  "words": sum(len(p.split()) for p in paragraphs)}
        if self.with_text:
            record["text"] = "\n\n".join(paragraphs)
        return record, paragraphs

    def _write_copy(self, plan: CopyPlan, original: dict[str, Any], paragraphs: list[str]) -> dict[str, Any]:
        rng = self.text_rng
        state = self.states[plan.site]
        site = state.site
        title = original["title"]
        note = False
        if plan.kind == "excerpt":
            copied = _excerpt(paragraphs, rng.uniform(0.2, 0.5))
        elif plan.kind == "edited":
            copied, title, note = self._edit(paragraphs, title, site.language)
        else:
            copied = list(paragraphs)
        number = 5000 + plan.index
        path = _unique_path(state, _copy_path(site, number, title, plan.published))
        url = f"http://{site.host}{path}"
        claimed_host: str | None = original["site"]
        claimed_author: str | None = None
        credit_html = ""
        if plan.credit == "none":
            claimed_host = None
        elif plan.credit == "wrong":
            claimed_host = plan.wrong_host
            credit_html = f'<p class="source">{WRONG_CREDIT[site.language]} {escape(plan.wrong_host)}</p>'
        elif plan.credit != "canonical":
            credit_html = _credit(site.language, plan.credit, original["site"], original["url"], original["author"])
            claimed_author = original["author"] if _names_author(site.language, plan.credit) else None
        attribution = "missing" if claimed_host is None else ("wrong" if plan.credit == "wrong" else "correct")
        # Only a credited copy may show the original author in its byline.
        who = original["author"] if plan.credit not in ("none", "wrong") and rng.random() < 0.5 else site.staff[0]
        canonical = original["url"] if plan.credit == "canonical" else url
        html = _render_copy(site, title=title, who=who, published=plan.published, url=url, canonical=canonical,
                            paragraphs=copied, credit=credit_html, note=note, related=list(state.recent),
                            subscribe_first=rng.random() < 0.3)
        file = self._write_page(site.host, path, html, plan.published)
        state.recent.appendleft((url, title))
        state.entries.append(Entry(url, title, who, plan.published, _summary(copied[0])))
        record = {"url": url, "site": site.host, "of": original["url"], "kind": plan.kind, "credit": plan.credit,
                  "claimed_host": claimed_host, "claimed_author": claimed_author, "attribution": attribution,
                  "file": file, "words": sum(len(p.split()) for p in copied)}
        if self.with_text:
            record["text"] = "\n\n".join(copied)
        return record

    def _edit(self, paragraphs: list[str], title: str, language: str) -> tuple[list[str], str, bool]:
        """An edited copy: ~10% of the words changed and/or a middle paragraph dropped; maybe a new title."""
        rng = self.text_rng
        mode = rng.choice(("words", "drop", "both"))
        copied = list(paragraphs)
        if mode in ("drop", "both") and len(copied) >= 3:
            del copied[rng.randrange(1, len(copied) - 1)]
        else:
            mode = "words"
        if mode in ("words", "both"):
            copied = [_change_words(p, rng, self.pool.vocabulary, 0.1) for p in copied]
        if rng.random() < 0.4:
            title = f"{_TITLE_PREFIXES[language]} {title}"
        return copied, title, rng.random() < 0.5

    def _write_page(self, host: str, path: str, body: str, moment: datetime) -> str:
        """Write a page; returns its file, relative to the web's folder."""
        rel = path.lstrip("/")
        if rel == "" or rel.endswith("/"):
            rel += "index.html"
        file = self.root / "sites" / host / rel
        file.parent.mkdir(parents=True, exist_ok=True)
        data = body.encode("utf-8")
        file.write_bytes(data)
        stamp = moment.timestamp()
        os.utime(file, (stamp, stamp))
        self.bytes += len(data)
        return f"sites/{host}/{rel}"

    # -- listings, feeds, sitemaps, robots.txt -------------------------------------------------

    def _write_site_files(self, state: SiteState) -> None:
        site = state.site
        entries = sorted(state.entries, key=lambda e: e.published, reverse=True)
        newest = entries[0].published if entries else FIRST_DAY
        chunks = [entries[i:i + site.page_size] for i in range(0, len(entries), site.page_size)] or [[]]
        for number, chunk in enumerate(chunks, start=1):
            path = "/" if number == 1 else site.listing.format(n=number)
            older = site.listing.format(n=number + 1) if number < len(chunks) else None
            newer = None if number == 1 else ("/" if number == 2 else site.listing.format(n=number - 1))
            moment = chunk[0].published if chunk else newest
            self._write_page(site.host, path, _render_listing(site, chunk, number, older, newer), moment)
        feed = [e for e in entries[:FEED_ENTRIES]]
        self._write_page(site.host, site.feed_path, _render_feed(site, feed, newest), newest)
        for path, body, moment in _sitemaps(site, entries, newest):
            self._write_page(site.host, path, body, moment)
        robots = f"User-agent: *\nDisallow: {site.forbidden}\n\nSitemap: {site.sitemap_url}\n"
        self._write_page(site.host, "/robots.txt", robots, newest)
        forbidden = (f'<!DOCTYPE html><html lang="{site.language}"><head><meta charset="utf-8">'
                     f'<meta name="robots" content="noindex"><title>{escape(site.name)}</title></head>'
                     f"<body><h1>{escape(site.name)}</h1><p>Private.</p></body></html>\n")
        self._write_page(site.host, site.forbidden, forbidden, newest)


_TITLE_SEQUELS = ("a second look", "what changed", "revisited", "the follow-up", "notes from the field",
                  "one year later", "questions and answers", "the long version")
_TITLE_PREFIXES = {"en": "Must read:", "fr": "À lire :", "de": "Lesetipp:", "es": "Para leer:",
                   "it": "Da leggere:", "nl": "Leestip:"}


def _paragraphs(sentences: list[str], rng: random.Random) -> list[str]:
    """Sentences grouped into paragraphs of one to five sentences."""
    paragraphs, i = [], 0
    while i < len(sentences):
        size = rng.choice((1, 2, 2, 3, 3, 3, 4, 4, 5))
        paragraphs.append(" ".join(sentences[i:i + size]))
        i += size
    return paragraphs


def _excerpt(paragraphs: list[str], share: float) -> list[str]:
    """The leading ``share`` of the words, whole paragraphs then whole sentences of the next one."""
    total = sum(len(p.split()) for p in paragraphs)
    budget = max(MIN_EXCERPT_WORDS, round(total * share))
    out: list[str] = []
    used = 0
    for paragraph in paragraphs:
        words = len(paragraph.split())
        if used + words <= budget:
            out.append(paragraph)
            used += words
            continue
        kept: list[str] = []
        for sentence in split_sentences(paragraph):
            if used + len(sentence.split()) > budget and (kept or out):
                break
            kept.append(sentence)
            used += len(sentence.split())
        if kept:
            out.append(" ".join(kept))
        break
    if sum(len(p.split()) for p in out) >= total:  # a short original: keep a proper leading part
        sentences = split_sentences(out[-1])
        out = out[:-1] + ([" ".join(sentences[:-1])] if len(sentences) > 1 else [])
    return out or [split_sentences(paragraphs[0])[0]]


_TOKEN = re.compile(r"[A-Za-z]{3,}")


def _change_words(paragraph: str, rng: random.Random, vocabulary: tuple[str, ...], share: float) -> str:
    """The paragraph with about ``share`` of its words replaced by other real words."""

    def swap(match: re.Match[str]) -> str:
        word = match.group(0)
        if rng.random() >= share / 0.8:  # about 80% of the tokens are words of three letters or more
            return word
        new = rng.choice(vocabulary)
        return new.capitalize() if word[0].isupper() else new

    return _TOKEN.sub(swap, paragraph)


def _summary(paragraph: str) -> str:
    words = paragraph.split()
    return " ".join(words[:40]) + (" …" if len(words) > 40 else "")


def _slug(title: str, limit: int = 60) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0]
    return slug or "post"


def _partner_path(site: Site, number: int, title: str, moment: datetime) -> str:
    slug = _slug(title)
    if site.url_scheme == "dated":
        return f"/{moment:%Y/%m}/{slug}/"
    if site.url_scheme == "posts":
        return f"/posts/{slug}.html"
    if site.url_scheme == "numbered":
        return f"/article/{number}-{slug}"
    return f"/archives/{number}.html"


def _copy_path(site: Site, number: int, title: str, moment: datetime) -> str:
    slug = _slug(title, 50)
    if site.url_scheme == "dated":
        return f"/{moment:%Y/%m/%d}/{slug}/"
    if site.url_scheme == "story":
        return f"/story/{number}.html"
    if site.url_scheme == "numbered":
        return f"/news/{number}-{slug}"
    return f"/{slug}-{number}/"


def _unique_path(state: SiteState, path: str) -> str:
    candidate, n = path, 2
    while candidate in state.paths:
        candidate = re.sub(r"(/?)((?:\.html)?)$", rf"-{n}\2\1", path, count=1)
        n += 1
    state.paths.add(candidate)
    return candidate


def _credit(language: str, style: str, host: str, url: str, author: str) -> str:
    for name, template, _ in CREDITS[language]:
        if name == style:
            return (template.replace("$host", escape(host)).replace("$url", escape(url))
                    .replace("$author", escape(author)))
    raise KeyError(style)


def _names_author(language: str, style: str) -> bool:
    return any(name == style and author for name, _, author in CREDITS[language])


# --------------------------------------------------------------------------------------------------
# HTML

def _human_date(moment: datetime, language: str) -> str:
    month = _MONTHS[language][moment.month - 1]
    if language == "en":
        return f"{month} {moment.day}, {moment.year}"
    if language == "de":
        return f"{moment.day}. {month} {moment.year}"
    if language == "es":
        return f"{moment.day} de {month} de {moment.year}"
    return f"{moment.day} {month} {moment.year}"


def _time(moment: datetime, language: str) -> str:
    return f'<time datetime="{moment.isoformat()}">{_human_date(moment, language)}</time>'


def _paragraphs_html(paragraphs: list[str]) -> str:
    return "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)


def _feed_type(site: Site) -> str:
    return {"rss": "application/rss+xml", "atom": "application/atom+xml", "json": "application/feed+json"}[
        site.feed_format]


def _head(site: Site, title: str, extra: str = "") -> str:
    return (f'<!DOCTYPE html>\n<html lang="{site.language}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{escape(title)}</title>\n'
            f'<link rel="alternate" type="{_feed_type(site)}" title="{escape(site.name)}" href="{site.feed_url}">\n'
            f"{extra}</head>\n")


def _nav(site: Site) -> list[tuple[str, str]]:
    words = CHROME[site.language]
    return [("/", words["home"]), ("/about/", words["about"]),
            (site.forbidden, words["search"] if "search" in site.forbidden else words["contact"]),
            (site.feed_path, "RSS" if site.feed_format == "rss" else "Feed")]


def _links(items: list[tuple[str, str]]) -> str:
    return "\n".join(f'<li><a href="{escape(url)}">{escape(title)}</a></li>' for url, title in items)


def _footer_text(site: Site) -> str:
    words = CHROME[site.language]
    return (f"© 2024 {escape(site.name)}. {words['rights']} {words['contact']}: "
            f"{escape(site.staff[0])}.")


def _render_partner(site: Site, *, title: str, author: str, published: datetime, url: str, paragraphs: list[str],
                    related: list[tuple[str, str]], number: int, comments: list[tuple[str, str]]) -> str:
    words = CHROME[site.language]
    meta = (f'<meta name="description" content="{escape(_summary(paragraphs[0]))}">\n'
            f'<link rel="canonical" href="{escape(url)}">\n'
            f'<meta property="og:type" content="article">\n<meta property="og:title" content="{escape(title)}">\n'
            f'<meta property="og:url" content="{escape(url)}">\n'
            f'<meta property="article:published_time" content="{published.isoformat()}">\n')
    if site.layout != "table":
        meta += f'<meta name="author" content="{escape(author)}">\n'
    if site.json_ld:
        data = {"@context": "https://schema.org", "@type": "BlogPosting", "headline": title,
                "author": {"@type": "Person", "name": author}, "datePublished": published.isoformat(),
                "mainEntityOfPage": url, "publisher": {"@type": "Organization", "name": site.name}}
        meta += ('<script type="application/ld+json">' + json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
                 + "</script>\n")
    head = _head(site, f"{title} | {site.name}", meta)
    comment_items = "\n".join(f'<li class="comment"><b>{escape(name)}</b><p>{escape(text)}</p></li>'
                              for name, text in comments)
    when = _time(published, site.language)
    previous = "".join(f'<div class="nav-previous"><a href="{escape(u)}" rel="prev">{escape(t)}</a></div>'
                       for u, t in related[:1])
    if site.layout == "modern":
        return head + f"""<body>
<header class="site-header"><a class="brand" href="/">{escape(site.name)}</a>
<nav aria-label="Main"><ul>{_links(_nav(site))}</ul></nav></header>
<main>
<article class="post">
<header><h1>{escape(title)}</h1>
<p class="byline">{words['by']} <a rel="author" href="/about/">{escape(author)}</a> · {when}</p>
</header>
{_paragraphs_html(paragraphs)}
<footer class="post-tags">{words['tags']}: <a href="/">notes</a>, <a href="/">essays</a></footer>
</article>
<section class="share">
<p>{words['share']} <a href="#">Mastodon</a> · <a href="#">LinkedIn</a> · <a href="#">Email</a></p></section>
<aside class="related"><h2>{words['related']}</h2><ul>{_links(related[:3])}</ul></aside>
<section id="comments"><h2>{words['comments']} ({len(comments)})</h2><ol>{comment_items}</ol></section>
</main>
<footer class="site-footer"><p>{_footer_text(site)}</p></footer>
</body>
</html>
"""
    if site.layout == "table":
        body = "<br><br>\n".join(escape(p) for p in paragraphs)
        menu = "<br>\n".join(f'<a href="{escape(u)}">{escape(t)}</a>' for u, t in _nav(site))
        recent = "<br>\n".join(f'<a href="{escape(u)}">{escape(t)}</a>' for u, t in related[:5])
        return head + f"""<body bgcolor="#ffffff" text="#222222">
<table width="100%" border="0" cellpadding="6" cellspacing="0">
<tr><td colspan="2" class="banner" bgcolor="#dde4ee"><font size="5"><b><a href="/">{escape(site.name)}</a></b>
</font></td></tr>
<tr><td width="190" valign="top" class="menu"><font size="2">{menu}<br><br><b>{words['recent']}</b>
<br>{recent}</font></td>
<td valign="top" class="content"><font face="Georgia, serif" size="3">
<h2 class="headline">{escape(title)}</h2>
<i>{words['posted']} {_human_date(published, site.language)} {words['by'].lower()} {escape(author)}</i><br><br>
{body}
</font>
<p><small>{words['comments']}: {len(comments)}</small></p></td></tr>
<tr><td colspan="2" align="center"><small>{_footer_text(site)}</small></td></tr>
</table>
</body>
</html>
"""
    return head + f"""<body class="post-template-default single single-post postid-{number} single-format-standard">
<div id="page" class="site"><a class="skip-link screen-reader-text" href="#content">Skip to content</a>
<header id="masthead" class="site-header"><div class="site-branding"><p class="site-title">
<a href="/" rel="home">{escape(site.name)}</a></p>
<p class="site-description">Notes and essays</p></div>
<nav id="site-navigation" class="main-navigation"><ul id="primary-menu" class="menu">{_links(_nav(site))}</ul>
</nav></header>
<div id="content" class="site-content"><div id="primary" class="content-area"><main id="main" class="site-main">
<article id="post-{number}" class="post-{number} post type-post status-publish format-standard hentry">
<header class="entry-header"><h1 class="entry-title">{escape(title)}</h1>
<div class="entry-meta"><span class="posted-on">{words['posted']} {_time(published, site.language)}</span>
<span class="byline"> {words['by'].lower()} <span class="author vcard">
<a class="url fn n" href="/about/">{escape(author)}</a></span></span></div></header>
<div class="entry-content">
{_paragraphs_html(paragraphs)}
</div>
<footer class="entry-footer"><span class="cat-links">{words['in']} <a href="/" rel="category tag">Essays</a>
</span></footer>
</article>
<nav class="navigation post-navigation"><div class="nav-links">{previous}</div></nav>
<div id="comments" class="comments-area"><h2 class="comments-title">{words['comments']} ({len(comments)})</h2>
<ol class="comment-list">{comment_items}</ol></div>
</main></div>
<aside id="secondary" class="widget-area"><section class="widget widget_recent_entries">
<h2 class="widget-title">{words['recent']}</h2>
<ul>{_links(related)}</ul></section>
<section class="widget widget_search"><form role="search" action="/search/"><input type="search" name="s">
</form></section></aside>
</div>
<footer id="colophon" class="site-footer">
<div class="site-info">{_footer_text(site)} Proudly powered by WordPress.</div></footer>
</div>
</body>
</html>
"""


def _render_copy(site: Site, *, title: str, who: str, published: datetime, url: str, canonical: str,
                 paragraphs: list[str], credit: str, note: bool, related: list[tuple[str, str]],
                 subscribe_first: bool) -> str:
    words = CHROME[site.language]
    head = _head(site, f"{title} - {site.name}", f'<link rel="canonical" href="{escape(canonical)}">\n'
                 f'<meta property="og:title" content="{escape(title)}">\n')
    subscribe = f'<div class="newsletter-box"><p>{words["subscribe"]}</p></div>'
    before = subscribe if subscribe_first else ""
    if note:
        before += f'<p class="editor-note"><i>{words["note"]}</i></p>'
    after = credit + ("" if subscribe_first else subscribe)
    label = words["staff"] if who == site.staff[0] else words["by"]
    byline = f"{label} {escape(who)} · {_time(published, site.language)}"
    cookie = f'<div id="cookie-banner">{words["cookie"]} <button>{words["accept"]}</button></div>'
    trending = f'<aside class="sidebar"><h3>{words["trending"]}</h3><ul>{_links(related)}</ul>' \
               f'<div class="promo"><p>{words["subscribe"]}</p></div></aside>'
    if site.layout == "table":
        body = "<br><br>\n".join(escape(p) for p in paragraphs)
        menu = " | ".join(f'<a href="{escape(u)}">{escape(t)}</a>' for u, t in _nav(site))
        return head + f"""<body>{cookie}
<table width="980" align="center" border="0" cellpadding="8">
<tr><td colspan="2"><font size="6"><a href="/">{escape(site.name)}</a></font><br><small>{menu}</small></td></tr>
<tr><td valign="top" width="700"><h1>{escape(title)}</h1><p class="meta">{byline}</p>
{before}<div class="texte">{body}</div>
{after}</td>
<td valign="top">{trending}</td></tr>
<tr><td colspan="2"><hr><small>{_footer_text(site)}</small></td></tr></table>
</body>
</html>
"""
    if site.layout == "wordpress":
        return head + f"""<body class="single single-post">{cookie}
<div id="page" class="site"><header id="masthead" class="site-header"><p class="site-title">
<a href="/" rel="home">{escape(site.name)}</a></p>
<nav class="main-navigation"><ul class="menu">{_links(_nav(site))}</ul></nav></header>
<div id="content" class="site-content"><div id="primary" class="content-area"><main id="main" class="site-main">
<article class="post type-post hentry"><header class="entry-header"><h1 class="entry-title">{escape(title)}</h1>
<div class="entry-meta">{byline}</div></header>
<div class="entry-content">
{before}
{_paragraphs_html(paragraphs)}
{after}
</div></article></main></div>
<div id="secondary" class="widget-area">{trending}</div></div>
<footer id="colophon" class="site-footer"><div class="site-info">{_footer_text(site)}</div></footer></div>
</body>
</html>
"""
    return head + f"""<body>{cookie}
<header class="masthead"><a class="logo" href="/">{escape(site.name)}</a>
<nav><ul>{_links(_nav(site))}</ul></nav></header>
<div class="layout">
<main>
<article class="republished">
<h1>{escape(title)}</h1>
<p class="meta">{byline}</p>
{before}
<div class="article-body">
{_paragraphs_html(paragraphs)}
</div>
{after}
</article>
<section class="share"><p>{words['share']} <a href="#">Facebook</a> <a href="#">X</a> <a href="#">WhatsApp</a>
</p></section>
</main>
{trending}
</div>
<footer class="site-footer"><p>{_footer_text(site)}</p></footer>
</body>
</html>
"""


def _render_listing(site: Site, entries: list[Entry], number: int, older: str | None, newer: str | None) -> str:
    words = CHROME[site.language]
    title = site.name if number == 1 else f"{site.name} - {words['archive']} {number}"
    head = _head(site, title, f'<link rel="next" href="{older}">\n' if older else "")
    items = "\n".join(
        f'<article class="post-summary"><h2><a href="{escape(e.url)}">{escape(e.title)}</a></h2>'
        f"<p class=\"meta\">{escape(e.author)} · {_time(e.published, site.language)}</p><p>{escape(e.summary)}</p>"
        "</article>" for e in entries)
    pager = []
    if newer:
        pager.append(f'<a href="{newer}">{words["newer"]}</a>')
    if older:
        pager.append(f'<a class="next" href="{older}">{words["older"]}</a>')
    return head + f"""<body>
<header><a href="/">{escape(site.name)}</a><nav><ul>{_links(_nav(site))}</ul></nav></header>
<main>
<h1>{words['latest'] if number == 1 else escape(title)}</h1>
{items}
<div class="pagination">{' '.join(pager)}</div>
</main>
<footer><p>{_footer_text(site)}</p></footer>
</body>
</html>
"""


def _render_feed(site: Site, entries: list[Entry], updated: datetime) -> str:
    if site.feed_format == "json":
        feed = {"version": "https://jsonfeed.org/version/1.1", "title": site.name, "home_page_url": site.home,
                "feed_url": site.feed_url, "language": site.language,
                "items": [{"id": e.url, "url": e.url, "title": e.title, "summary": e.summary,
                           "date_published": e.published.isoformat(), "authors": [{"name": e.author}],
                           **({"content_html": e.content} if e.content else {"content_text": e.summary})}
                          for e in entries]}
        return json.dumps(feed, ensure_ascii=False, indent=1) + "\n"
    if site.feed_format == "atom":
        items = "\n".join(
            f'<entry><title>{escape(e.title)}</title><link rel="alternate" type="text/html" href="{escape(e.url)}"/>'
            f"<id>{escape(e.url)}</id><published>{e.published.isoformat()}</published>"
            f"<updated>{e.published.isoformat()}</updated><author><name>{escape(e.author)}</name></author>"
            f"<summary>{escape(e.summary)}</summary>"
            + (f'<content type="html">{escape(e.content)}</content>' if e.content else "") + "</entry>"
            for e in entries)
        return (f'<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" '
                f'xml:lang="{site.language}">\n<title>{escape(site.name)}</title>\n'
                f'<link rel="alternate" type="text/html" href="{site.home}"/>\n'
                f'<link rel="self" href="{site.feed_url}"/>\n'
                f"<id>{site.home}</id>\n<updated>{updated.isoformat()}</updated>\n{items}\n</feed>\n")
    items = "\n".join(
        f"<item><title>{escape(e.title)}</title><link>{escape(e.url)}</link>"
        f'<guid isPermaLink="true">{escape(e.url)}</guid><pubDate>{format_datetime(e.published, usegmt=True)}'
        f"</pubDate><dc:creator>{escape(e.author)}</dc:creator><description>{escape(e.summary)}</description>"
        + (f"<content:encoded><![CDATA[{e.content.replace(']]>', ']]]]><![CDATA[>')}]]></content:encoded>"
           if e.content else "") + "</item>"
        for e in entries)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
            f"<channel>\n<title>{escape(site.name)}</title>\n<link>{site.home}</link>\n"
            f"<description>{escape(site.name)}</description>\n<language>{site.language}</language>\n"
            f"<lastBuildDate>{format_datetime(updated, usegmt=True)}</lastBuildDate>\n{items}\n</channel>\n</rss>\n")


_URLSET = ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
           "{urls}\n</urlset>\n")
_INDEX = ('<?xml version="1.0" encoding="UTF-8"?>\n'
          '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{maps}\n</sitemapindex>\n')


def _w3c(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}"


def _urlset(entries: list[Entry], extra: Sequence[tuple[str, datetime]] = ()) -> str:
    urls = [f"<url><loc>{escape(loc)}</loc><lastmod>{_w3c(moment)}</lastmod></url>" for loc, moment in extra]
    urls += [f"<url><loc>{escape(e.url)}</loc><lastmod>{_w3c(e.published)}</lastmod></url>" for e in entries]
    return _URLSET.format(urls="\n".join(urls))


def _sitemaps(site: Site, entries: list[Entry], newest: datetime) -> list[tuple[str, str, datetime]]:
    """(path, body, time) of every sitemap file of a site; every entry is in one of them."""
    if site.sitemap == "single" or not entries:
        return [("/sitemap.xml" if site.sitemap != "wp" else "/wp-sitemap.xml",
                 _urlset(entries, [(site.home, newest)]), newest)]
    groups: dict[str, list[Entry]] = {}
    if site.sitemap == "yearly":
        for e in entries:
            groups.setdefault(f"/sitemaps/posts-{e.published.year}.xml", []).append(e)
        top = "/sitemap.xml"
    else:
        ordered = sorted(entries, key=lambda e: e.published)
        for start in range(0, len(ordered), 200):
            groups[f"/wp-sitemap-posts-post-{start // 200 + 1}.xml"] = ordered[start:start + 200]
        top = "/wp-sitemap.xml"
    files = [(path, _urlset(group), max(e.published for e in group)) for path, group in groups.items()]
    maps = "\n".join(f"<sitemap><loc>http://{site.host}{path}</loc><lastmod>{_w3c(moment)}</lastmod></sitemap>"
                     for path, _, moment in files)
    return [(top, _INDEX.format(maps=maps), newest), *files]

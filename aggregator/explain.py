"""`aggregator explain URL`: what a URL is to the database, and why.

For a republication: the claims found on its page, the articles it was compared with (with
containment and coverage), the one it was matched to, and the reasoning of its attribution
verdict. For an unknown URL on a known site, the page can be fetched once to see whether it is
a short link or another spelling of a known article (its canonical link), which is then
recorded as an alias.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from aggregator.crawl.fetch import FetchError, RobotsRules, fetch
from aggregator.extract import decode_html
from aggregator.extract.content import extract_page
from aggregator.match.graph import explain_match
from aggregator.settings import Settings
from aggregator.urls import (
    InvalidURLError,
    declared_canonical,
    display_url,
    host_of,
    normalise_url,
    same_site,
    try_normalise_url,
    url_match_key,
)
from storage.articles import add_alias
from storage.engine import session_scope
from storage.pages import page_by_url
from storage.queries import find_url
from storage.republications import (
    article_for_url,
    article_summary,
    republication_for_url,
    republications_of,
)
from storage.sources import sources_by_host

MAX_FETCH_BYTES = 5 * 1024 * 1024


@dataclass
class Explanation:
    """Everything `explain` found out about one URL."""

    url: str
    normalised: str | None
    role: str  # canonical, alias, republication, provisional, unknown, invalid
    article: dict[str, Any] | None = None
    page: dict[str, Any] | None = None
    claims: list[dict[str, Any]] = field(default_factory=list)
    claimed: dict[str, Any] | None = None
    match: dict[str, Any] | None = None
    candidates: list[dict[str, Any]] = field(default_factory=list)
    verdict: dict[str, Any] | None = None
    credits: dict[str, Any] | None = None
    """What verification found of the original's source and author in the copy's credit positions."""
    copies: list[dict[str, Any]] = field(default_factory=list)  # of a canonical article: its republications
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _article(session: Any, article_id: int) -> dict[str, Any] | None:
    summary = article_summary(session, article_id)
    if summary is None:
        return None
    url, title, host, public_id = summary
    return {"id": public_id, "url": url, "title": title, "site": host}


def _fetch_canonical(url: str, settings: Settings) -> tuple[str | None, str | None]:
    """Fetch a page; return (final URL, declared canonical URL)."""
    page = fetch(url, settings, max_bytes=MAX_FETCH_BYTES)
    extracted = extract_page(decode_html(page.body, page.content_type), page.url)
    return page.url, declared_canonical(page.url, extracted.canonical_url, extracted.og_url)


def _resolve_unknown(session: Any, result: Explanation, normal: str, settings: Settings) -> None:
    """Fetch an unknown URL of a known site: a short link carries its article's canonical link."""
    known_hosts = sources_by_host(session)
    if not any(same_site(host, host_of(normal)) for host in known_hosts):
        result.notes.append("not on any known source's site")
        return
    try:
        if not RobotsRules(settings).allowed(normal):
            result.notes.append("robots.txt forbids fetching it: not fetched")
            return
        final, declared = _fetch_canonical(normal, settings)
    except FetchError as exc:
        result.notes.append(f"fetching it failed: {exc}")
        return
    for candidate in (declared, try_normalise_url(final)):
        if not candidate:
            continue
        article_id = article_for_url(session, url=candidate, url_key=url_match_key(candidate))
        if article_id is not None:
            add_alias(session, url=normal, url_key=url_match_key(normal), article_id=article_id)
            result.role = "alias"
            result.article = _article(session, article_id)
            result.notes.append(f"fetched: it leads to {candidate}; recorded as an alias")
            return
    result.notes.append(f"fetched: it declares {declared or 'no canonical link'}, which is no known article")


def explain(database_url: str, url: str, *, fetch: bool = True, settings: Settings | None = None) -> Explanation:
    """Explain what `url` is, which claims its page makes, and why it was (or was not) matched."""
    settings = settings or Settings.from_env()
    try:
        normal = normalise_url(url)
    except InvalidURLError as exc:
        return Explanation(url=url, normalised=None, role="invalid", notes=[str(exc)])
    result = Explanation(url=url, normalised=normal, role="unknown")
    with session_scope(database_url) as session:
        page = page_by_url(session, normal)
        if page is not None:
            result.page = {
                "url": page.url,
                "final_url": page.final_url,
                "status": page.status,
                "fetched_at": page.fetched_at.isoformat(),
                "state": page.state,
                "error": page.error,
            }
        republication = republication_for_url(session, url=normal, url_key=url_match_key(normal))
        found = find_url(session, candidates=[normal], match_key=url_match_key(normal))
        if republication is None and found is not None:
            result.role = found.role
            result.article = _article(session, found.article.id)
            result.copies = [
                {"url": rep.url, "site": rep.site, "kind": rep.kind, "attribution": rep.attribution, "via": rep.via,
                 "claimed_source_host": rep.claimed_source_host, "claimed_author": rep.claimed_author}
                for rep in republications_of(session, [found.article.id])
            ]
            if found.role == "canonical":
                result.notes.append("the partner's original: the canonical article of its story")
            return result
        if republication is None:
            if fetch:
                _resolve_unknown(session, result, normal, settings)
            else:
                result.notes.append("unknown URL (not fetched: --no-fetch)")
            return result

        result.claims = list(republication.claims or [])
        result.claimed = {
            "source_host": republication.claimed_source_host,
            "source_url": republication.claimed_source_url,
            "author": republication.claimed_author,
        }
        explained = explain_match(session, republication)
        decision = explained.decision
        result.candidates = [
            {
                "article": _article(session, c.article_id),
                "containment": round(c.comparison.containment, 3),
                "coverage": round(c.comparison.coverage, 3),
                "kind": c.comparison.kind,
                "paragraphs_present": f"{c.comparison.paragraphs_present}/{c.comparison.paragraphs_total}",
                "named_by_claim": c.named_by_claim,
                "matched": c.matched,
            }
            for c in decision.candidates
        ]
        if republication.article_id is None:
            result.role = "provisional"
            result.notes.append(
                "no known article passes the text check yet: held as a provisional story, "
                "attached when its original is crawled"
            )
            return result
        result.role = "republication"
        result.article = _article(session, republication.article_id)
        result.match = {
            "kind": republication.kind,
            "containment": republication.containment,
            "coverage": republication.coverage,
        }
        verdict = explained.verdict
        result.verdict = {
            "attribution": republication.attribution,
            "via": republication.via,
            "reason": verdict.reason if verdict else "",
            "decided_by": republication.attribution_evidence or (dict(verdict.evidence) if verdict and
                                                                 verdict.evidence else None),
        }
        if explained.credits is not None:
            verification = explained.credits.verification
            result.credits = {
                "source": verification.source.as_dict() if verification.source else None,
                "author": verification.author.as_dict() if verification.author else None,
            }
    return result


def _mention(found: dict[str, Any]) -> str:
    """One mention as `explain` shows it: how it was recognised, the words, and the line they stand in."""
    where = found.get("where")
    place = f"{where} line" if where and where != "page" else "line"
    return f"{found.get('how')} {found.get('text')!r} in the {place} {found.get('line')!r}"


def render(explanation: Explanation) -> str:
    """A human-readable account of an explanation."""
    e = explanation
    lines = [f"URL:        {e.url}"]
    if e.normalised and display_url(e.normalised) != e.url:
        lines.append(f"normalised: {display_url(e.normalised)}")
    lines.append(f"role:       {e.role}")
    if e.article:
        lines.append(f"article:    {display_url(e.article['url'])}  ({e.article['site']}, id {e.article['id']})")
        lines.append(f"            {e.article['title']!r}")
    if e.page:
        lines.append(
            f"page:       HTTP {e.page['status']}, fetched {e.page['fetched_at']}, {e.page['state']}"
            + (f" ({e.page['error']})" if e.page["error"] else "")
        )
    if e.claims or e.claimed:
        lines.append("claims:")
        for claim in e.claims:
            what = ", ".join(f"{k} {claim[k]}" for k in ("host", "author", "url") if claim.get(k))
            line = f'  "{claim["line"]}"' if claim.get("line") else " (structured data)"
            lines.append(f"  - {claim['kind']}: {what or '-'};{line}")
        if not e.claims:
            lines.append("  (none: the page names no source)")
        if e.claimed:
            lines.append(f"  resolved: source {e.claimed['source_host'] or '-'}, author {e.claimed['author'] or '-'}")
    if e.candidates:
        lines.append("compared with:")
        for c in e.candidates:
            a = c["article"] or {}
            flag = "MATCH" if c["matched"] else "no match"
            lines.append(
                f"  - {display_url(a.get('url', ''))}: containment {c['containment']}, coverage {c['coverage']}, "
                f"paragraphs {c['paragraphs_present']}, {c['kind']}"
                + (", named by a claim" if c["named_by_claim"] else "")
                + f" -> {flag}"
            )
    if e.match:
        lines.append(
            f"match:      {e.match['kind']} (containment {e.match['containment']}, coverage {e.match['coverage']})"
        )
    if e.credits is not None:
        lines.append("credits of the original found on the page:")
        for what in ("source", "author"):
            found = e.credits.get(what)
            lines.append(f"  - {what}: " + (_mention(found) if found else "not found"))
    if e.verdict:
        lines.append(
            f"verdict:    {e.verdict['attribution']}"
            + (f" via {display_url(e.verdict['via'])}" if e.verdict["via"] else "")
            + f": {e.verdict['reason']}"
        )
        decided = e.verdict.get("decided_by")
        if decided:
            lines.append(f"decided by: {decided.get('decided_by', 'claim')}: {_mention(decided)}")
    if e.role in ("canonical", "alias"):
        lines.append(f"copies:     {len(e.copies)}" + (" found elsewhere" if e.copies else " found so far"))
        for copy in e.copies:
            claims = f"source {copy['claimed_source_host'] or '-'}, author {copy['claimed_author'] or '-'}"
            via = f" via {display_url(copy['via'])}" if copy["via"] else ""
            lines.append(f"  - {copy['attribution']:<12} {display_url(copy['url'])}  ({copy['kind']} copy on "
                         f"{copy['site']}; claims {claims}{via})")
    for note in e.notes:
        lines.append(f"note:       {note}")
    return "\n".join(lines)

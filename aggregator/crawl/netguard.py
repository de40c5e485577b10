"""The network guard's judgement: which addresses the crawler may connect to.

A partner's feed, sitemap, robots.txt or redirect can name any host; without a guard the
crawler would fetch the operator's own network (loopback services, the cloud metadata address,
intranet hosts) and store the answers. Every address that is not a public one is refused:
loopback, private, link-local, multicast, reserved, unspecified, and the other ranges that are
not globally reachable (shared address space, documentation, benchmarking). An IPv4 address
written as IPv6 (`::ffff:127.0.0.1`) is judged as the IPv4 address it is.

AGGREGATOR_ALLOW_PRIVATE_NETWORKS lets some of them through: comma-separated CIDRs
(`10.20.0.0/16,127.0.0.1`), or `all`. Pure functions only: where the addresses come from (a
resolver, a connection) is the callers' business.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

ALLOW_SETTING = "AGGREGATOR_ALLOW_PRIVATE_NETWORKS"
REFUSED = "refused: "  # how every reason of the guard begins

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class AllowListError(ValueError):
    """AGGREGATOR_ALLOW_PRIVATE_NETWORKS holds something that is not a network."""


class NetworkRefused(OSError):
    """A connection the guard refused; the message says why and how to allow it.

    An OSError, so that the standard library's HTTP stack reports it as a connection failure.
    """


def parse_address(text: str) -> IPAddress | None:
    """`text` as an IP address (IPv6 with or without brackets or a zone), or None when it is a name."""
    value = text.strip()
    if value.startswith("[") and value.endswith("]"):
        value = value[1:-1]
    try:
        return ipaddress.ip_address(value.split("%", 1)[0])
    except ValueError:
        return None


def _unmapped(address: IPAddress) -> IPAddress:
    """An IPv4-mapped IPv6 address as its IPv4 address; any other address as it is."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def address_kind(address: IPAddress) -> str | None:
    """What makes `address` non-public ("a loopback address", ...), or None for a public address."""
    address = _unmapped(address)
    # The order matters: the standard library counts 0.0.0.0 as private too, ::1 as reserved.
    checks = (
        (address.is_unspecified, "an unspecified address"),
        (address.is_loopback, "a loopback address"),
        (address.is_link_local, "a link-local address"),
        (address.is_multicast, "a multicast address"),
        (address.is_reserved, "a reserved address"),
        (address.is_private, "a private address"),
        (not address.is_global, "an address that is not publicly routable"),
    )
    return next((kind for matched, kind in checks if matched), None)


@dataclass(frozen=True)
class NetworkPolicy:
    """Which non-public networks may be reached anyway (none by default)."""

    allowed: tuple[IPNetwork, ...] = ()
    allow_all: bool = False

    def refusal(self, address: IPAddress | str, *, host: str | None = None) -> str | None:
        """Why a connection to `address` is refused (an operator's reason), or None when it may proceed.

        `host`: the name that resolved to `address`, to say so in the reason.
        """
        ip = parse_address(address) if isinstance(address, str) else address
        if ip is None:
            return None  # not an address: nothing to judge here
        kind = address_kind(ip)
        if kind is None or self.allows(ip):
            return None
        shown = _unmapped(ip)
        what = f"{host} resolves to {shown}, {kind}" if host and parse_address(host) is None else f"{shown} is {kind}"
        return f"{REFUSED}{what}; set {ALLOW_SETTING} to allow it"

    def allows(self, address: IPAddress) -> bool:
        """Whether the allow-list covers `address`."""
        if self.allow_all:
            return True
        candidates = {address, _unmapped(address)}
        return any(ip in network for ip in candidates for network in self.allowed if ip.version == network.version)


def parse_allow_list(text: str | None) -> NetworkPolicy:
    """The policy of an AGGREGATOR_ALLOW_PRIVATE_NETWORKS value: comma-separated CIDRs or `all`.

    Empty or unset: nothing non-public is allowed. Raises AllowListError naming the bad item.
    """
    networks: list[IPNetwork] = []
    for item in (part.strip() for part in (text or "").split(",")):
        if not item:
            continue
        if item.lower() == "all":
            return NetworkPolicy(allow_all=True)
        try:
            networks.append(ipaddress.ip_network(item.strip("[]"), strict=True))
        except ValueError as exc:
            hint = ""
            if "host bits set" in str(exc):
                hint = f" (its network is {ipaddress.ip_network(item, strict=False)})"
            raise AllowListError(
                f"{ALLOW_SETTING}: {item!r} is not a network{hint}; write comma-separated CIDRs such as "
                "10.0.0.0/8,127.0.0.1 or 'all'"
            ) from exc
    return NetworkPolicy(allowed=tuple(networks))

"""Where an outgoing connection may go: host patterns, address classes and DNS resolution.

Two features send data out of the service: the model endpoint (数据不出域: only to loopback or the bureau's
own hosts) and precheck callbacks (only to allowed hosts, never to internal addresses unless a network is
explicitly allowed). Both decide on the addresses a name resolves to, not on the name, so a public name
pointing at 127.0.0.1 or 169.254.169.254 is seen for what it is.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# shared address space (carrier-grade NAT) and benchmarking ranges are not flagged private by every Python
_ALSO_INTERNAL = (ipaddress.ip_network("100.64.0.0/10"), ipaddress.ip_network("198.18.0.0/15"))


class ResolutionError(Exception):
    """A host name that does not resolve (the message is Chinese and names the host, never a port)."""


def parse_ip(text: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


def plain(ip: IPAddress) -> IPAddress:
    """An IPv4-mapped IPv6 address (::ffff:127.0.0.1) as the IPv4 address it carries."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def is_loopback(ip: IPAddress) -> bool:
    return plain(ip).is_loopback


def is_internal(ip: IPAddress) -> bool:
    """Loopback, private, link-local (cloud metadata 169.254.169.254), unspecified, multicast, reserved
    and shared address space: anything that is not a routable public address."""
    ip = plain(ip)
    return (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_unspecified
        or ip.is_multicast
        or ip.is_reserved
        or not ip.is_global
        or any(ip in net for net in _ALSO_INTERNAL if net.version == ip.version)
    )


def networks(entries: Iterable[str]) -> list[IPNetwork]:
    """The entries that are addresses or CIDRs, as networks (host names are skipped)."""
    out: list[IPNetwork] = []
    for entry in entries:
        try:
            out.append(ipaddress.ip_network(entry.strip().strip("[]"), strict=False))
        except ValueError:
            continue
    return out


def in_networks(ip: IPAddress, nets: Iterable[IPNetwork]) -> bool:
    ip = plain(ip)
    return any(ip.version == net.version and ip in net for net in nets)


def host_matches(host: str, patterns: Iterable[str]) -> bool:
    """`host` is one of the patterns: a name (case-insensitive), `*.suffix` (any name under it, not the
    suffix itself), an address, or a CIDR containing the host when the host is an address literal."""
    name = host.strip().strip("[]").rstrip(".").lower()
    ip = parse_ip(name)
    for raw in patterns:
        pattern = raw.strip().strip("[]").rstrip(".").lower()
        if not pattern:
            continue
        if pattern.startswith("*."):
            matched = name.endswith(pattern[1:]) and len(name) > len(pattern) - 1
        else:
            matched = pattern == name or (
                ip is not None and "/" in pattern and in_networks(ip, networks([pattern]))
            )
        if matched:
            return True
    return False


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to (an address literal resolves to itself), in resolver order."""
    literal = parse_ip(host)
    if literal is not None:
        return [literal]
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise ResolutionError(f"无法解析主机名“{host}”") from exc
    found: list[IPAddress] = []
    for info in infos:
        ip = parse_ip(str(info[4][0]).split("%", 1)[0])
        if ip is not None and ip not in found:
            found.append(ip)
    if not found:
        raise ResolutionError(f"主机名“{host}”没有可用的地址")
    return found


@dataclass(frozen=True)
class Place:
    """Where a host is, as the UI and the refusal messages say it: 本机, 内网 or 外部."""

    host: str
    kind: str  # "loopback" | "private" | "external"
    addresses: tuple[str, ...] = ()

    @property
    def zh(self) -> str:
        return {"loopback": "本机", "private": "内网", "external": "外部"}[self.kind]


def place_of(host: str, port: int, private_hosts: Iterable[str]) -> Place:
    """Loopback when every address is loopback; private when the name is one of `private_hosts` (the
    administrator vouches for it, resolvable here or not) or every address is in them (loopback counts
    too); external otherwise. Raises ResolutionError for a name neither listed nor resolvable."""
    patterns = list(private_hosts)
    listed = parse_ip(host) is None and host_matches(host, patterns)
    try:
        addresses = resolve(host, port)
    except ResolutionError:
        if listed:
            return Place(host, "private")
        raise
    shown = tuple(str(plain(a)) for a in addresses)
    if all(is_loopback(a) for a in addresses):
        return Place(host, "loopback", shown)
    nets = networks(patterns)
    if listed or all(is_loopback(a) or in_networks(a, nets) for a in addresses):
        return Place(host, "private", shown)
    return Place(host, "external", shown)

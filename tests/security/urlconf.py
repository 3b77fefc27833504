"""Every named URL of the URL conf, with its path arguments: the attack suite's list of views."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Route:
    name: str  # "app:url_name"
    args: tuple[str, ...]  # the path arguments' names, in order


def routes() -> list[Route]:
    found: dict[str, Route] = {}

    def walk(patterns, namespace: str, prefix_args: tuple[str, ...]) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = namespace
                if p.namespace:
                    ns = f"{namespace}{p.namespace}:"
                walk(p.url_patterns, ns, prefix_args + _args(p.pattern))
            elif isinstance(p, URLPattern) and p.name:
                name = namespace + p.name
                found.setdefault(name, Route(name, prefix_args + _args(p.pattern)))

    walk(get_resolver().url_patterns, "", ())
    return sorted(found.values(), key=lambda r: r.name)


def _args(pattern) -> tuple[str, ...]:
    converters = getattr(pattern, "converters", None)
    if converters:
        return tuple(converters)
    regex = getattr(pattern, "regex", None)
    if regex is None:
        return ()
    return tuple(regex.groupindex) or tuple(f"_{i}" for i in range(regex.groups))

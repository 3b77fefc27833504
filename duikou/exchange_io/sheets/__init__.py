"""The template sheets; importing this package registers them (specs.register)."""

from duikou.exchange_io.sheets import (  # noqa: F401
    demands,
    flows,
    pairings,
    people,
    projects,
    trainings,
)

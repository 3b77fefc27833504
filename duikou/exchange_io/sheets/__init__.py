"""The template sheets; importing this package registers them (specs.register)."""

from duikou.exchange_io.sheets import flows, pairings, people, projects, trainings  # noqa: F401

"""`duikou plan INSTANCE.json --time-limit S [-o PLAN.json]`: the visit planner from the shell.

The planner is a pure Python package (duikou.planning, no Django); this command only hands it
the command line, so its own argument parser, messages and exit codes (0 ok, 2 bad input) hold.
"""

import sys

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "为点单需求编排专家派遣计划（visit-planning.md 的实例与计划 JSON）。"

    def run_from_argv(self, argv):
        from duikou.planning.cli import main

        sys.exit(main(argv[2:]))

    def handle(self, *args, **options):  # pragma: no cover - run_from_argv is the entry
        from duikou.planning.cli import main

        return str(main(list(args)))

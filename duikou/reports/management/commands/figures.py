import json

from django.core.management.base import BaseCommand, CommandError

from duikou.reports import figures


class Command(BaseCommand):
    help = "Print the programme's headline figures of a year as JSON (docs/contracts/figures.md)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=None, help="plan year, e.g. 2023")
        parser.add_argument("--indent", type=int, default=2)

    def handle(self, *args, year=None, indent=2, **options):
        year = year or figures.current_year()
        if not 2000 <= year <= 2100:
            raise CommandError(f"年度 {year} 不在 2000–2100 之间")
        data = figures.compute(year)
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=indent or None))

from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo orchestrator: no models, only the loader and the `duikou demo` command."""

    name = "duikou.demo"
    label = "demo"

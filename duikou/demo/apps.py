from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo orchestrator: the loader, the `duikou demo` command and the demo marker."""

    name = "duikou.demo"
    label = "demo"

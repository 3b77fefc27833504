"""The demo programme, loaded above every ledger: the registry's part (duikou.core.demo), then
projects, people and orders, each through its own loader (duikou.demo.loader.load_demo), and
the `duikou demo` command that loads it and serves the platform."""

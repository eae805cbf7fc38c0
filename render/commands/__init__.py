"""The `render` subcommands, one module each (the group is in render/cli.py)."""

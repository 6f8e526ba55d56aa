"""`newsmon` subcommands, one module each; each module exposes `command`."""

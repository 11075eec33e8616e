"""The `dateline` command: one sub-command per job, each defined in its own module.

Each module named in COMMANDS provides ``add_arguments(parser, command)`` and ``run(args) -> int``.
Those modules import only the standard library at top level and load their heavy dependencies
inside ``run``, so building the parser stays fast and `dateline extract` never loads the web server.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys

from dateline import DatelineError, __version__

# command -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "extract": ("dateline.cmd_extract", "extract events, quotes, entities, places and times from reports"),
    "eval": ("dateline.evaluate", "measure extraction against gold annotations"),
    "eval-public": ("dateline.evalsets.public", "measure extraction on every public development set, in one table"),
    "ingest": ("dateline.cmd_store", "extract reports into the event store and merge events across outlets"),
    "events": ("dateline.cmd_store", "list merged events from the store"),
    "event": ("dateline.cmd_store", "show one stored event with all its sources and evidence"),
    "stats": ("dateline.cmd_store", "count stored events by type, country and month"),
    "serve": ("dateline.api", "serve the REST API and the dashboard"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dateline", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"dateline {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module, help_text) in COMMANDS.items():
        cmd = sub.add_parser(name, help=help_text, description=help_text)
        cmd.set_defaults(_module=module)
        if importlib.util.find_spec(module) is not None:
            importlib.import_module(module).add_arguments(cmd, name)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 2
    try:
        return int(importlib.import_module(args._module).run(args) or 0)
    except DatelineError as err:
        print(f"dateline {args.command}: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"dateline {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())

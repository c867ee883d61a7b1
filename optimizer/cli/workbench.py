"""``bidopt serve``: the workbench in a browser (:mod:`optimizer.workbench`)."""

from __future__ import annotations

import argparse

from optimizer.cli.common import EXIT_OK, db_option


def add_commands(commands) -> None:
    """Declare this module's subcommands."""
    from optimizer.workbench.settings import DEFAULT_HOST, DEFAULT_MAX_UPLOAD_MB, DEFAULT_PORT

    serve = commands.add_parser("serve", help="the workbench: plan in a browser, on this machine by default")
    serve.add_argument("scenario", nargs="?", metavar="SCENARIO",
                       help="a scenario file whose reports and goal the workbench opens with (e.g. scenarios/weekly.toml)")
    serve.add_argument("--host", default=DEFAULT_HOST,
                       help=f"address to listen on (default {DEFAULT_HOST}, this machine only); any other needs a token")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    db_option(serve)
    serve.add_argument("--token", help="access token (at least 16 characters); off loopback one is made if not given")
    serve.add_argument("--max-upload-mb", type=float, default=DEFAULT_MAX_UPLOAD_MB, metavar="N",
                       help=f"largest upload, all files together, in MB (default {DEFAULT_MAX_UPLOAD_MB})")
    serve.add_argument("--workers", type=int, default=2, metavar="N", help="plans run at once (default 2)")
    serve.set_defaults(handler=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    from optimizer.workbench.app import server
    from optimizer.workbench.settings import ServeSettings

    settings = ServeSettings.for_host(args.host, args.token, port=args.port, db=args.db,
                                      max_upload_mb=args.max_upload_mb, workers=args.workers,
                                      scenario=args.scenario)
    workbench = server(settings)
    print(f"bidopt workbench: open {settings.url()}", flush=True)
    if settings.token and not args.token:
        print("the access token is in the link; anyone with it can plan here", flush=True)
    workbench.run()
    return EXIT_OK

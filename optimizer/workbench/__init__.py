"""The operator's workbench: ``bidopt serve``, the weekly run in a browser.

A Starlette app served by uvicorn, with pages rendered on the server. It plans
through the same library calls as the command line (no second planner):
``settings`` holds what the server is started with, ``guards`` what keeps it safe
(token, CSRF, Content-Security-Policy, the upload cap), ``runs`` the uploads, the
bounded worker pool and the runs held for download, ``jobs`` the progress of work in
that pool, ``sliders`` the sorted increments the budget and ROI-floor sliders re-plan
from in the browser (``static/sliders.js``), ``exports`` the platforms' upload files,
``whatifs`` the scenarios compared beside a run and saved as TOML, ``pages`` and
``history_pages`` the routes, and ``app`` puts them together and turns the library's
typed errors into HTTP statuses.
"""

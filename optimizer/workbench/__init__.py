"""The operator's workbench: ``bidopt serve``, the weekly run in a browser.

A Starlette app served by uvicorn, with pages rendered on the server. It plans
through the same library calls as the command line (no second planner):
``settings`` holds what the server is started with, ``guards`` what keeps it safe
(token, CSRF, Content-Security-Policy, the upload cap), ``runs`` the uploads, the
bounded worker pool and the runs held for download, ``pages`` the routes, and
``app`` puts them together and turns the library's typed errors into HTTP statuses.
"""

"""bidopt: bids and budgets for paid search, from performance reports, by linear programming.

The packages follow the data, each importing only those listed before it::

    reading/      a report file in, a validated performance table out
    scenario/     what to read, what to aim for, the limits, what-if adjustments
    model/        what each keyword does at each bid: estimates, shrinkage, auction, response curves
    solver/       the linear program and its one entry ``solve(program, solver="auto")``
    outputs/      files (all or none), figures, the HTML report
    decisions/    the plan pipeline, reasons, the summary, what-ifs, batches
    platforms/    Amazon bulk files, upload files, placements, search-term harvest
    simulation/   a market with known truth, its exports, the oracle, the backtest
    history/      the run store, its views, forecast against actual
    workbench/    ``bidopt serve``: the weekly run in a browser, through the same library calls
    cli/          ``bidopt``: flags in, exit codes and messages out

``errors``, ``progress``, ``memory``, ``numtext``, ``text_bytes`` and ``i18n`` (the messages in Chinese and
English) are shared by every stage.
"""

__version__ = "0.1.0"

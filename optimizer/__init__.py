"""bidopt: bids and budgets for paid search, from performance reports, by linear programming."""

__version__ = "0.1.0"

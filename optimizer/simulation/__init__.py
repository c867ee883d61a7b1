"""Simulation: a market with known truth, its exports, the oracle and the weekly backtest."""

"""Outputs: results as files (CSV, JSON, all or none), figures and the HTML report."""

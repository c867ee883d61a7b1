"""Decisions: the plan pipeline, each change explained, the summary, what-if comparisons and batches."""
